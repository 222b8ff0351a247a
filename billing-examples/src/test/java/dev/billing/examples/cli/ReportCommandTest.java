package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Granularity;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end: the report, verify and providers commands against the simulator over loopback HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportCommandTest {
    static final SimulatorData DATA = SimulatorData.generator().seed(5).accounts(3).currencies("USD", "KRW", "USD")
            .days(LocalDate.of(2026, 1, 1), 90).rowsPerDay(5).build();
    /** Service account name, AWS account, project, in configuration order. */
    static final String[][] ACCOUNTS = {
            {"web-prod", DATA.accounts().get(0), "project-web"},
            {"data-krw", DATA.accounts().get(1), "project-data"},
            {"ops-usd", DATA.accounts().get(2), "project-ops"}};
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(DATA).pageSize(100));

    @TempDir
    Path dir;
    Path config;
    Map<String, String> env;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("billing.json");
        Files.writeString(config, config(HB.simulator().endpoint()));
        env = new LinkedHashMap<>();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, DATA.userFor(ACCOUNTS[i][1]).orElseThrow().key());
        }
    }

    static String config(String endpoint) {
        return config(endpoint, DATA, ACCOUNTS);
    }

    /**
     * @param endpoint the simulator's endpoint
     * @param data the simulator's data
     * @param accounts service account name, AWS account, project; the key of the i-th is {@code ${env:HB_KEY_i}}
     * @return the configuration file's text
     */
    static String config(String endpoint, SimulatorData data, String[][] accounts) {
        StringBuilder sb = new StringBuilder("{\n  \"providers\": {\"hyperbilling-aws\": {\"endpoint\": \"" + endpoint
                + "\"}},\n  \"serviceAccounts\": [\n");
        for (int i = 0; i < accounts.length; i++) {
            sb.append("    {\"name\": \"").append(accounts[i][0]).append("\", \"provider\": \"hyperbilling-aws\",")
                    .append(" \"project\": \"").append(accounts[i][2]).append("\", \"credentials\": {\"account\": \"")
                    .append(accounts[i][1]).append("\", \"email\": \"")
                    .append(data.userFor(accounts[i][1]).orElseThrow().email())
                    .append("\", \"key\": \"${env:HB_KEY_").append(i).append("}\"}}")
                    .append(i < accounts.length - 1 ? ",\n" : "\n");
        }
        return sb.append("  ]\n}\n").toString();
    }

    private static String exact(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    /** The expected {"totals", "series"} of some accounts, computed from the data alone. */
    private static ObjectNode expectedSummary(List<String> accounts, BillingPeriod period, Granularity g) {
        Map<String, BigDecimal> totals = new TreeMap<>();
        Map<String, Map<String, BigDecimal>> series = new TreeMap<>();
        for (String a : accounts) {
            String currency = DATA.currency(a).getCurrencyCode();
            for (SimulatorData.Row r : DATA.rows(a, period)) {
                totals.merge(currency, r.cost(), BigDecimal::add);
                series.computeIfAbsent(g.label(r.date()), p -> new TreeMap<>()).merge(currency, r.cost(), BigDecimal::add);
            }
        }
        ObjectNode node = JSON.createObjectNode();
        ArrayNode t = node.putArray("totals");
        totals.forEach((c, a) -> t.addObject().put("currency", c).put("amount", exact(a)));
        ArrayNode s = node.putArray("series");
        series.forEach((p, byCurrency) -> byCurrency.forEach((c, a) ->
                s.addObject().put("period", p).put("currency", c).put("amount", exact(a))));
        return node;
    }

    private static List<String> accountsOf(String project) {
        List<String> out = new ArrayList<>();
        for (String[] a : ACCOUNTS) {
            if (a[2].equals(project)) {
                out.add(a[1]);
            }
        }
        return out;
    }

    @Test
    void reportJson_matchesTheContractFieldByFieldWithExactAmounts() throws Exception {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-04",
                "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        BillingPeriod q1 = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1));
        assertThat(json.get("period")).isEqualTo(JSON.readTree("{\"start\": \"2026-01-01\", \"end\": \"2026-04-01\"}"));
        assertThat(json.get("granularity").asText()).isEqualTo("MONTHLY");
        assertThat(json.get("complete").asBoolean()).isTrue();
        assertThat(json.get("domain")).isEqualTo(expectedSummary(DATA.accounts(), q1, Granularity.MONTHLY));
        assertThat(json.get("projects")).extracting(p -> p.get("project").asText())
                .containsExactly("project-data", "project-ops", "project-web");
        for (JsonNode p : json.get("projects")) {
            ObjectNode expected = expectedSummary(accountsOf(p.get("project").asText()), q1, Granularity.MONTHLY);
            expected.put("project", p.get("project").asText());
            assertThat(p).isEqualTo(expected);
        }
        assertThat(json.has("rows")).isFalse();
        assertThat(json.get("serviceAccounts")).isEqualTo(JSON.readTree("""
                [{"name": "web-prod", "provider": "hyperbilling-aws", "project": "project-web", "status": "OK"},
                 {"name": "data-krw", "provider": "hyperbilling-aws", "project": "project-data", "status": "OK"},
                 {"name": "ops-usd", "provider": "hyperbilling-aws", "project": "project-ops", "status": "OK"}]"""));
        assertThat(json.get("domain").get("totals")).extracting(t -> t.get("currency").asText())
                .containsExactly("KRW", "USD");
        assertThat(r.err).contains("fetched 3/3");
    }

    @Test
    void reportJson_oneRejectedKey_isIncompleteWithExit3AndOthersExact() throws Exception {
        HB.simulator().fault(ACCOUNTS[2][1], Fault.rejectedKey());
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01-01", "--to", "2026-03-01",
                "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 1));
        assertThat(json.get("complete").asBoolean()).isFalse();
        assertThat(json.get("domain")).isEqualTo(expectedSummary(List.of(ACCOUNTS[0][1], ACCOUNTS[1][1]), p,
                Granularity.MONTHLY));
        JsonNode failed = json.get("serviceAccounts").get(2);
        assertThat(failed.get("name").asText()).isEqualTo("ops-usd");
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("error").asText()).contains("ops-usd");
        assertThat(json.get("serviceAccounts").get(0).has("error")).isFalse();
        assertThat(json.get("projects").get(1)).isEqualTo(JSON.readTree(
                "{\"project\": \"project-ops\", \"totals\": [], \"series\": []}"));
        for (String key : env.values()) {
            assertThat(r.out + r.err).doesNotContain(key);
        }
    }

    @Test
    void reportJson_dailyWithProjectAndGroupBy_restrictsAndAddsRows() throws Exception {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01-30", "--to", "2026-02-02",
                "--granularity", "daily", "--project", "project-web", "--group-by", "service,region", "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 30), LocalDate.of(2026, 2, 2));
        assertThat(json.get("domain")).isEqualTo(expectedSummary(List.of(ACCOUNTS[0][1]), p, Granularity.DAILY));
        assertThat(json.get("projects")).singleElement().satisfies(n ->
                assertThat(n.get("project").asText()).isEqualTo("project-web"));
        assertThat(json.get("serviceAccounts")).singleElement().satisfies(n ->
                assertThat(n.get("name").asText()).isEqualTo("web-prod"));
        BigDecimal rowSum = BigDecimal.ZERO;
        for (JsonNode row : json.get("rows")) {
            assertThat(row.get("period").asText()).matches("2026-0[12]-\\d\\d");
            assertThat(row.get("keys").properties()).extracting(Map.Entry::getKey).containsExactly("service", "region");
            rowSum = rowSum.add(new BigDecimal(row.get("amount").asText()));
        }
        assertThat(rowSum).isEqualByComparingTo(DATA.total(ACCOUNTS[0][1], p).amount());
    }

    @Test
    void reportJson_yearly_labelsTheYear() throws Exception {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2027-01",
                "--granularity", "YEARLY", "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        BillingPeriod y = BillingPeriod.year(2026);
        assertThat(JSON.readTree(r.out).get("domain")).isEqualTo(expectedSummary(DATA.accounts(), y, Granularity.YEARLY));
    }

    @Test
    void reportCsv_linesAddUpToTheDomainTotalPerCurrency() throws Exception {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-04",
                "--format", "csv", "--group-by", "service");
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines.get(0)).isEqualTo("period,project,currency,amount,service");
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(f).hasSize(5);
            sums.merge(f[2], new BigDecimal(f[3]), BigDecimal::add);
        }
        BillingPeriod q1 = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1));
        assertThat(sums.get("USD")).isEqualByComparingTo(
                DATA.total(ACCOUNTS[0][1], q1).plus(DATA.total(ACCOUNTS[2][1], q1)).amount());
        assertThat(sums.get("KRW")).isEqualByComparingTo(DATA.total(ACCOUNTS[1][1], q1).amount());
    }

    @Test
    void reportCsv_withoutGroupBy_hasOneLinePerPeriodProjectAndCurrency() {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-03",
                "--format", "csv");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out.lines()).first().isEqualTo("period,project,currency,amount");
        assertThat(r.out.lines().skip(1)).hasSize(6)
                .allMatch(l -> l.matches("2026-0[12],project-(web|data|ops),(USD|KRW),-?\\d+(\\.\\d+)?"));
    }

    @Test
    void reportTable_showsDomainProjectsAndAccounts() {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-03");
        assertThat(r.exitCode).as(r.toString()).isZero();
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 1));
        assertThat(r.out).contains("complete", "Domain", "Project project-web", "Service accounts",
                DATA.total(ACCOUNTS[1][1], p).format());
    }

    @Test
    void verify_reportsEachAccount_andExit3WhenOneIsRejected() {
        HB.simulator().fault(ACCOUNTS[1][1], Fault.rejectedKey());
        Cli r = Cli.run(env, "verify", "--config", config.toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out.lines()).hasSize(3);
        assertThat(r.out.lines().toList().get(0)).startsWith("  web-prod").endsWith("OK");
        assertThat(r.out.lines().toList().get(1)).contains("data-krw", "FAILED");
        for (String key : env.values()) {
            assertThat(r.out + r.err).doesNotContain(key);
        }
        HB.simulator().clearFaults();
        assertThat(Cli.run(env, "verify", "--config", config.toString()).exitCode).isZero();
    }

    @Test
    void providers_listsHyperBillingWithItsCredentialSchema() {
        Cli r = Cli.run(Map.of(), "providers");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("hyperbilling-aws", "account", "email", "key");
        assertThat(r.out.lines().filter(l -> l.stripLeading().startsWith("key ")).findFirst()).hasValueSatisfying(l ->
                assertThat(l).contains("secret"));
    }

    @Test
    void report_literalSecret_isAcceptedWithAWarning() throws Exception {
        String key = DATA.userFor(ACCOUNTS[0][1]).orElseThrow().key();
        Files.writeString(config, Files.readString(config).replace("${env:HB_KEY_0}", key));
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02",
                "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).contains("warning:", "serviceAccounts[0].credentials.key", "${env:NAME}").doesNotContain(key);
    }
}
