package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code --metric}, {@code --group-by tag:KEY}, {@code --filter} and {@code "tagAliases"} against the
 * BigQuery export simulator, whose rows carry {@code labels} (tags) and {@code cost_at_list} (list cost).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTagsFiltersTest {
    static final String USD = "0123AB-4567CD-89EF01";
    static final YearMonth MONTH = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    BigQueryBillingExportSimulator sim;
    Path config;
    Map<String, String> env = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        List<ExportRow> rows = List.of(
                row(3, "Compute Engine", "10.000001", "12.5", Map.of("team", "web")),
                row(4, "Cloud Storage", "2.25", "3.000001", Map.of("Team", "data")),
                row(5, "BigQuery", "1", "1.75", Map.of()),
                // both an alias and the canonical key: the canonical key's value wins
                row(6, "Compute Engine", "0.5", "0.25", Map.of("owner-team", "data", "team", "web")),
                row(7, "Compute Engine", "0.125", "0.0625", Map.of("owner-team", "web")));
        sim = BigQueryBillingExportSimulator.builder().rows(rows).start();
        env.put("GCP_KEY", sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com"));
        config = dir.resolve("billing.json");
    }

    private static ExportRow row(int day, String service, String cost, String list, Map<String, String> labels) {
        Instant at = MONTH.atDay(day).atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600);
        return new ExportRow(USD, "web-prod", service, "sku", "us", at, "regular", "USD", new BigDecimal(cost), List.of())
                .labeled(labels).listed(new BigDecimal(list));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private void writeConfig(String extra) throws Exception {
        Files.writeString(config, "{\"providers\": {\"gcp-billing-export\": {\"endpoint\": \"" + sim.endpoint() + "\"}},\n"
                + " \"serviceAccounts\": [{\"name\": \"gcp-web\", \"provider\": \"gcp-billing-export\", \"project\":"
                + " \"project-web\", \"credentials\": {\"serviceAccountKey\": \"${env:GCP_KEY}\", \"table\": \""
                + sim.table() + "\", \"billingAccountId\": \"" + USD + "\"}}]" + extra + "}");
    }

    private Cli report(String... more) {
        List<String> args = new ArrayList<>(List.of("report", "--config", config.toString(), "--from",
                MONTH.toString(), "--to", MONTH.plusMonths(1).toString()));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    private static Map<String, String> byTag(JsonNode json) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode row : json.get("rows")) {
            out.merge(row.get("keys").get("tag:team").asText(), row.get("amount").asText(), (a, b) -> a + "+" + b);
        }
        return out;
    }

    private static String total(JsonNode json) {
        return json.get("domain").get("totals").get(0).get("amount").asText();
    }

    @Test
    void listCost_groupedByTag_exact_withTheMetricInTheJson() throws Exception {
        writeConfig("");
        Cli r = report("--group-by", "tag:team", "--metric", "list", "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("metric").asText()).isEqualTo("list");
        assertThat(total(json)).isEqualTo("17.562501");
        // without aliases, Team and owner-team are other keys: those line items have no "team" tag
        assertThat(byTag(json)).containsExactly(Map.entry("", "4.812501"), Map.entry("web", "12.75"));
    }

    @Test
    void billedByDefault_groupedByServiceAndTag_csvColumnsNamedAsGiven() throws Exception {
        writeConfig("");
        Cli json = report("--group-by", "service,tag:team", "--format", "json");
        assertThat(json.exitCode).as(json.toString()).isZero();
        JsonNode doc = JSON.readTree(json.out);
        assertThat(doc.get("metric").asText()).isEqualTo("billed");
        assertThat(total(doc)).isEqualTo("13.875001");
        Cli csv = report("--group-by", "service,tag:team", "--format", "csv");
        assertThat(csv.exitCode).as(csv.toString()).isZero();
        assertThat(csv.out.lines().findFirst().orElseThrow()).isEqualTo("period,project,currency,amount,service,tag:team");
        assertThat(csv.out).contains(MONTH + ",project-web,USD,10.500001,Compute Engine,web",
                MONTH + ",project-web,USD,0.125,Compute Engine,", MONTH + ",project-web,USD,1,BigQuery,");
    }

    @Test
    void aliases_mergeKeys_theCanonicalValueWinning() throws Exception {
        writeConfig(", \"tagAliases\": {\"team\": [\"Team\", \"TEAM\", \"owner-team\"]}");
        Cli r = report("--group-by", "tag:team", "--metric", "list", "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        assertThat(byTag(json)).containsExactly(Map.entry("", "1.75"), Map.entry("data", "3.000001"),
                Map.entry("web", "12.8125"));
        assertThat(total(json)).isEqualTo("17.562501");
    }

    @Test
    void filters_countOnlyMatchingLineItems_emptyValueSelectsUntagged() throws Exception {
        writeConfig("");
        Cli web = report("--filter", "tag:team=web", "--format", "json");
        assertThat(web.exitCode).as(web.toString()).isZero();
        assertThat(total(JSON.readTree(web.out))).isEqualTo("10.500001");
        Cli untagged = report("--filter", "tag:team=", "--filter", "service=BigQuery,Cloud Storage", "--format", "json");
        assertThat(untagged.exitCode).as(untagged.toString()).isZero();
        JsonNode json = JSON.readTree(untagged.out);
        assertThat(total(json)).isEqualTo("3.25");
        assertThat(json.get("projects").get(0).get("totals").get(0).get("amount").asText()).isEqualTo("3.25");
    }

    @Test
    void effectiveCost_fromAProviderWithoutIt_failsTheAccountNamingIt_exit3() throws Exception {
        writeConfig("");
        Cli r = report("--metric", "effective", "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(BillingCli.INCOMPLETE);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("metric").asText()).isEqualTo("effective");
        assertThat(json.get("complete").asBoolean()).isFalse();
        JsonNode account = json.get("serviceAccounts").get(0);
        assertThat(account.get("status").asText()).isEqualTo("FAILED");
        assertThat(account.get("error").asText()).containsIgnoringCase("effective");
    }

    @Test
    void badMetricOrFilterOrAliases_exit2_oneLine() throws Exception {
        writeConfig("");
        for (String[] bad : List.of(new String[] {"--metric", "amortized"}, new String[] {"--filter", "service"},
                new String[] {"--filter", "colour=red"}, new String[] {"--group-by", "tag:"})) {
            Cli r = report(bad);
            assertThat(r.exitCode).as(r.toString()).isEqualTo(BillingCli.USAGE);
            assertThat(r.out).isEmpty();
            assertThat(r.err.strip().lines()).as(r.toString()).hasSize(1).allMatch(l -> l.startsWith("error: "));
        }
        writeConfig(", \"tagAliases\": {\"team\": \"Team\"}");
        Cli r = report();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(BillingCli.USAGE);
        assertThat(r.err.strip().lines()).hasSize(1);
        assertThat(r.err).contains("tagAliases.team");
    }

    @Test
    void export_failsAnAccountWithoutTheMetric_andBudgetsAndServeRefuseAnUnknownOne() throws Exception {
        writeConfig("");
        String[] period = {"--from", MONTH.toString(), "--to", MONTH.plusMonths(1).toString()};
        Path focus = dir.resolve("focus.csv");
        Cli list = Cli.run(env, "export", "--config", config.toString(), period[0], period[1], period[2], period[3],
                "--metric", "list", "--format", "focus-csv", "--output", focus.toString());
        assertThat(list.exitCode).as(list.toString()).isZero();
        assertThat(Files.readAllLines(focus)).hasSize(1 + 5);
        Cli effective = Cli.run(env, "export", "--config", config.toString(), period[0], period[1], period[2],
                period[3], "--metric", "effective", "--format", "focus-csv", "--output", dir.resolve("none.csv").toString());
        assertThat(effective.exitCode).as(effective.toString()).isEqualTo(BillingCli.INCOMPLETE);
        assertThat(effective.err).contains("gcp-web", "effective");
        for (String command : List.of("budgets", "serve")) {
            Cli r = Cli.run(env, command, "--config", config.toString(), "--metric", "amortized");
            assertThat(r.exitCode).as(r.toString()).isEqualTo(BillingCli.USAGE);
            assertThat(r.err.strip().lines()).as(r.toString()).hasSize(1);
            assertThat(r.err).contains("--metric");
        }
    }

    @Test
    void fromStore_tagAliasAndListQueries_equalTheLiveReport() throws Exception {
        writeConfig(", \"tagAliases\": {\"team\": [\"Team\", \"TEAM\", \"owner-team\"]}");
        Path store = dir.resolve("costs");
        Cli sync = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(sync.exitCode).as(sync.toString()).isZero();
        for (String[] query : List.of(new String[] {"--metric", "list", "--group-by", "tag:team"},
                new String[] {"--group-by", "service,tag:team", "--filter", "tag:team=web,"},
                new String[] {"--group-by", "tag:team", "--filter", "tag:owner-team=web"})) {
            List<String> args = new ArrayList<>(List.of(query));
            args.addAll(List.of("--format", "json"));
            Cli live = report(args.toArray(String[]::new));
            args.addAll(List.of("--from-store", "--store", store.toString()));
            Cli stored = report(args.toArray(String[]::new));
            assertThat(stored.exitCode).as(stored.toString()).isZero();
            JsonNode fromStore = JSON.readTree(stored.out);
            JsonNode fromLive = JSON.readTree(live.out);
            assertThat(fromStore.get("metric")).isEqualTo(fromLive.get("metric"));
            assertThat(fromStore.get("domain")).isEqualTo(fromLive.get("domain"));
            assertThat(fromStore.get("rows")).as(String.join(" ", query)).isEqualTo(fromLive.get("rows"));
        }
    }
}
