package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** End to end: providers, report and sync with gcp-billing-export accounts against the BigQuery simulator. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GcpReportCommandTest {
    static final String USD = "0123AB-4567CD-89EF01";
    static final String JPY = "AAAAAA-BBBBBB-CCCCCC";
    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
    static final YearMonth FIRST = NOW.minusMonths(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    BigQueryBillingExportSimulator sim;
    List<ExportRow> rows;
    Path config;
    Map<String, String> env = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        int days = (int) ChronoUnit.DAYS.between(FIRST.atDay(1), NOW.plusMonths(1).atDay(1));
        rows = new ArrayList<>(BigQueryBillingExportSimulator.sampleRows(7, USD, "USD", List.of("web-prod", "web-dev"),
                FIRST.atDay(1), days));
        rows.addAll(BigQueryBillingExportSimulator.sampleRows(8, JPY, "JPY", List.of("data-tokyo"), FIRST.atDay(1), days));
        sim = BigQueryBillingExportSimulator.builder().rows(rows).pageSize(40).pendingPolls(1).start();
        env.put("GCP_KEY", sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com"));
        env.put("GCP_OLD_KEY", sim.untrustedServiceAccountKey("old@billing-admin-project.iam.gserviceaccount.com"));
        config = dir.resolve("billing.json");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    void writeConfig(boolean withUntrusted) throws Exception {
        String account = "{\"name\": \"%s\", \"provider\": \"gcp-billing-export\", \"project\": \"%s\", \"credentials\":"
                + " {\"serviceAccountKey\": \"${env:%s}\", \"table\": \"" + sim.table() + "\", \"billingAccountId\": \"%s\"}}";
        List<String> accounts = new ArrayList<>(List.of(String.format(account, "gcp-web", "project-web", "GCP_KEY", USD),
                String.format(account, "gcp-data", "project-data", "GCP_KEY", JPY)));
        if (withUntrusted) {
            accounts.add(String.format(account, "gcp-old", "project-ops", "GCP_OLD_KEY", JPY));
        }
        Files.writeString(config, "{\"providers\": {\"gcp-billing-export\": {\"endpoint\": \"" + sim.endpoint()
                + "\"}},\n \"serviceAccounts\": [" + String.join(",\n", accounts) + "]}");
    }

    String expected(String account, BillingPeriod period) {
        return ReportWriter.exact(rows.stream().filter(r -> r.billingAccountId().equals(account))
                .filter(r -> period.contains(r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate()))
                .map(ExportRow::total).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void aCostOutsideTheBounds_failsOnlyItsAccount_theOthersExact() throws Exception {
        sim.close();
        ExportRow first = rows.stream().filter(x -> x.billingAccountId().equals(JPY)).findFirst().orElseThrow();
        rows.add(new ExportRow(JPY, first.projectId(), first.service(), first.sku(), first.region(),
                first.usageStartTime(), first.costType(), "JPY", new BigDecimal("1E+25"), List.of()));
        sim = BigQueryBillingExportSimulator.builder().rows(rows).pageSize(40).pendingPolls(1).start();
        env.put("GCP_KEY", sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com"));
        writeConfig(false);

        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--format", "json");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);
        Map<String, String> totals = new LinkedHashMap<>();
        json.get("domain").get("totals").forEach(t -> totals.put(t.get("currency").asText(), t.get("amount").asText()));
        assertThat(totals).containsExactly(Map.entry("USD", expected(USD, BillingPeriod.monthsThrough(FIRST, NOW))));
        assertThat(json.get("serviceAccounts").get(1).get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("serviceAccounts").get(1).get("error").asText()).contains("outside the supported range");
    }

    @Test
    void providers_listsGcpBillingExportWithItsCredentials() {
        Cli r = Cli.run(Map.of(), "providers");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("gcp-billing-export  Google Cloud Billing export", "serviceAccountKey", "table",
                "billingAccountId", "projectId");
    }

    @Test
    void report_isExactPerCurrency_andAnUntrustedKeyFailsOnlyItsAccountWithExit3() throws Exception {
        writeConfig(true);
        BillingPeriod period = BillingPeriod.monthsThrough(FIRST, NOW);

        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--format", "json");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("complete").asBoolean()).isFalse();
        Map<String, String> totals = new LinkedHashMap<>();
        json.get("domain").get("totals").forEach(t -> totals.put(t.get("currency").asText(), t.get("amount").asText()));
        assertThat(totals).containsExactly(Map.entry("JPY", expected(JPY, period)), Map.entry("USD", expected(USD, period)));
        Map<String, String> status = new LinkedHashMap<>();
        json.get("serviceAccounts").forEach(a -> status.put(a.get("name").asText(), a.get("status").asText()));
        assertThat(status).containsExactly(Map.entry("gcp-web", "OK"), Map.entry("gcp-data", "OK"),
                Map.entry("gcp-old", "FAILED"));
        assertThat(json.get("serviceAccounts").get(2).get("error").asText()).contains("gcp-old", "invalid_grant");
        assertThat(r.out + r.err).doesNotContain("PRIVATE KEY").doesNotContain("ya29.");
    }

    @Test
    void sync_thenReportFromStore_givesTheLiveTotals() throws Exception {
        writeConfig(false);
        Path store = dir.resolve("data").resolve("costs");

        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();
        Cli stored = Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--format", "json", "--from-store", "--store", store.toString());
        Cli live = Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--format", "json");

        assertThat(stored.exitCode).as(stored.toString()).isZero();
        assertThat(live.exitCode).as(live.toString()).isZero();
        assertThat(JSON.readTree(stored.out).get("domain")).isEqualTo(JSON.readTree(live.out).get("domain"));
        assertThat(JSON.readTree(live.out).get("domain").get("totals").get(1).get("amount").asText())
                .isEqualTo(expected(USD, BillingPeriod.monthsThrough(FIRST, NOW)));
    }

    @Test
    void verify_dryRunsTheQuery_andAnUntrustedKeyExits3() throws Exception {
        writeConfig(true);

        Cli r = Cli.run(env, "verify", "--config", config.toString());

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out.lines().filter(l -> l.contains("gcp-web") || l.contains("gcp-data"))).as(r.toString())
                .hasSize(2).allSatisfy(l -> assertThat(l).endsWith("OK"));
        assertThat(r.out).contains("gcp-old").contains("FAILED: credentials rejected").doesNotContain("PRIVATE KEY");
        assertThat(sim.queryRequests()).isEqualTo(2); // the untrusted key never gets a token
        assertThat(sim.resultRequests()).isZero();
    }

    @Test
    void sampleRows_spanThePeriod() {
        assertThat(rows).anyMatch(r -> r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate()
                .equals(LocalDate.of(NOW.getYear(), NOW.getMonth(), 1)));
    }
}
