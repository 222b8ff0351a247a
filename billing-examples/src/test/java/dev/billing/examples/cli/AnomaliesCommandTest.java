package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code billing anomalies} against the HyperBilling simulator over loopback, live and from the store.
 * The data is designed by hand: project-web's EC2 runs at 100 USD a day in APN2 and, on one day of the previous
 * month, 250.5 USD more in USE1; its KRW account and project-ops are steady, with a dip and slow growth. So
 * exactly two anomalies exist (project-web and its EC2, that day, USD), each with baseline 100, spread 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnomaliesCommandTest {
    static final LocalDate START = YearMonth.now(ZoneOffset.UTC).minusMonths(1).atDay(1);
    static final LocalDate END = START.plusMonths(1);
    static final LocalDate SPIKE = START.plusDays(5);
    static final String WEB = "111111111111";
    static final String WEB_KRW = "222222222222";
    static final String OPS = "333333333333";
    static final String[][] ACCOUNTS = {{"web-prod", WEB, "project-web"}, {"web-krw", WEB_KRW, "project-web"},
        {"ops-usd", OPS, "project-ops"}};
    private static final ObjectMapper JSON = new ObjectMapper();

    static SimulatorData data(String spike) {
        List<SimulatorData.Row> rows = new ArrayList<>();
        int t = 0;
        for (LocalDate d = START.minusDays(14); d.isBefore(END); d = d.plusDays(1), t++) {
            rows.add(row(WEB, d, "APN2", "AmazonEC2", "100"));
            rows.add(row(WEB_KRW, d, "APN2", "AmazonS3", "10000"));
            rows.add(row(OPS, d, "USE1", "AmazonS3", d.equals(SPIKE) ? "5" : "50." + (t % 7)));
            rows.add(row(OPS, d, "USE1", "AWSLambda", BigDecimal.valueOf(200 + t).toPlainString()));
        }
        rows.add(row(WEB, SPIKE, "USE1", "AmazonEC2", spike));
        return SimulatorData.of(Map.of(WEB, "USD", WEB_KRW, "KRW", OPS, "USD"), List.of(
                new SimulatorData.ApiUser("web@example.com", "web-key-0123456789", java.util.Set.of(WEB)),
                new SimulatorData.ApiUser("krw@example.com", "krw-key-0123456789", java.util.Set.of(WEB_KRW)),
                new SimulatorData.ApiUser("ops@example.com", "ops-key-0123456789", java.util.Set.of(OPS))), rows);
    }

    private static SimulatorData.Row row(String account, LocalDate day, String region, String service, String cost) {
        return new SimulatorData.Row(account, day, region, service, region + "-" + service, null, new BigDecimal(cost),
                null);
    }

    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(data("250.5")));

    @TempDir
    Path dir;
    Path config;
    Path store;
    Map<String, String> env;

    @BeforeEach
    void files() throws Exception {
        config = dir.resolve("billing.json");
        store = dir.resolve("data").resolve("costs");
        env = new LinkedHashMap<>();
        env.put("HB_KEY_0", "web-key-0123456789");
        env.put("HB_KEY_1", "krw-key-0123456789");
        env.put("HB_KEY_2", "ops-key-0123456789");
        writeConfig("");
    }

    @AfterEach
    void reset() {
        HB.simulator().clearFaults();
        HB.simulator().data(data("250.5"));
    }

    private void writeConfig(String anomalies) throws Exception {
        String text = ReportCommandTest.config(HB.simulator().endpoint(), HB.simulator().data(), ACCOUNTS);
        if (!anomalies.isEmpty()) {
            text = text.substring(0, text.lastIndexOf("\n}")) + ",\n  \"anomalies\": " + anomalies + "\n}\n";
        }
        Files.writeString(config, text);
    }

    private Cli anomalies(String... more) {
        List<String> args = new ArrayList<>(List.of("anomalies", "--config", config.toString(), "--from",
                START.toString(), "--to", END.toString()));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void json_listsTheTwoAnomaliesInTheContractsShape_andExits5() throws Exception {
        Cli r = anomalies("--format", "json");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(AnomaliesCommand.ANOMALY);
        JsonNode json = JSON.readTree(r.out);
        assertThat(fields(json)).containsExactly("period", "metric", "complete", "anomalies", "serviceAccounts");
        assertThat(json.get("period").get("start").asText()).isEqualTo(START.toString());
        assertThat(json.get("period").get("end").asText()).isEqualTo(END.toString());
        assertThat(json.get("metric").asText()).isEqualTo("billed");
        assertThat(json.get("complete").asBoolean()).isTrue();
        JsonNode list = json.get("anomalies");
        assertThat(list).hasSize(2);
        JsonNode project = list.get(0);
        assertThat(fields(project)).containsExactly("day", "project", "currency", "cost", "baseline", "spread",
                "drivers");
        assertThat(project.get("day").asText()).isEqualTo(SPIKE.toString());
        assertThat(project.get("project").asText()).isEqualTo("project-web");
        assertThat(project.get("currency").asText()).isEqualTo("USD");
        assertThat(project.get("cost").asText()).isEqualTo("350.5");
        assertThat(project.get("baseline").asText()).isEqualTo("100");
        assertThat(project.get("spread").asText()).isEqualTo("0");
        JsonNode service = list.get(1);
        assertThat(fields(service)).containsExactly("day", "project", "service", "currency", "cost", "baseline",
                "spread", "drivers");
        assertThat(service.get("service").asText()).isEqualTo("Amazon Elastic Compute Cloud - Compute");
        assertThat(service.get("cost").asText()).isEqualTo("350.5");
        for (JsonNode a : list) {
            // region and usage type each had a new value that day, rising by 250.5 of the 250.5 increase
            assertThat(a.get("drivers")).extracting(d -> d.get("dimension").asText())
                    .containsExactly("region", "usageType");
            for (JsonNode d : a.get("drivers")) {
                assertThat(fields(d)).containsExactly("dimension", "value", "cost", "baseline");
                assertThat(d.get("cost").asText()).isEqualTo("250.5");
                assertThat(d.get("baseline").asText()).isEqualTo("0");
            }
            assertThat(a.get("drivers").get(1).get("value").asText()).isEqualTo("USE1-AmazonEC2");
        }
        assertThat(json.get("serviceAccounts")).extracting(a -> a.get("name").asText() + " " + a.get("status").asText())
                .containsExactly("web-prod OK", "web-krw OK", "ops-usd OK");
        assertThat(r.err).contains("alert: anomaly on " + SPIKE + " in project-web USD: 350.50 USD against a"
                + " baseline of 100.00 USD");
    }

    @Test
    void table_showsEachAnomalyWithItsDrivers_andAPeriodWithoutOneExits0() {
        Cli r = anomalies();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(AnomaliesCommand.ANOMALY);
        assertThat(r.out).contains("Anomalies from " + START + " to " + END.minusDays(1) + " (billed), complete")
                .contains("DAY", "DRIVERS").contains(SPIKE + "  project-web  -")
                .contains("region ").contains("250.50 USD (baseline 0.00 USD)");

        Cli quiet = Cli.run(env, "anomalies", "--config", config.toString(), "--from", START.toString(), "--to",
                SPIKE.toString(), "--format", "json");
        assertThat(quiet.exitCode).as(quiet.toString()).isZero();
        assertThat(quiet.out).contains("\"anomalies\": [ ]");
    }

    @Test
    void aFailedAccount_exits3EvenWithAnAnomaly() throws Exception {
        HB.simulator().fault(OPS, Fault.rejectedKey());
        Cli r = anomalies("--format", "json");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(BillingCli.INCOMPLETE);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("complete").asBoolean()).isFalse();
        assertThat(json.get("anomalies")).hasSize(2);
        assertThat(json.get("serviceAccounts").get(2).get("status").asText()).isEqualTo("FAILED");
        assertThat(r.err).contains("warning: ops-usd");
    }

    @Test
    void fromStore_alertsOnceAcrossRuns_andARestatedDayIsJudgedOnItsNewValueWithoutASecondAlert() throws Exception {
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();

        Cli first = anomalies("--from-store", "--store", store.toString(), "--format", "json");
        assertThat(first.exitCode).as(first.toString()).isEqualTo(AnomaliesCommand.ANOMALY);
        assertThat(first.err.lines().filter(l -> l.startsWith("alert:"))).hasSize(2);
        assertThat(JSON.readTree(first.out).get("serviceAccounts").get(0).has("asOf")).isTrue();

        Cli second = anomalies("--from-store", "--store", store.toString(), "--format", "json");
        assertThat(second.exitCode).isEqualTo(AnomaliesCommand.ANOMALY);
        assertThat(second.err).doesNotContain("alert:");

        HB.simulator().data(data("400"));
        assertThat(Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back",
                "2").exitCode).isZero();
        Cli restated = anomalies("--from-store", "--store", store.toString(), "--format", "json");
        assertThat(restated.exitCode).isEqualTo(AnomaliesCommand.ANOMALY);
        assertThat(JSON.readTree(restated.out).get("anomalies").get(0).get("cost").asText()).isEqualTo("500");
        assertThat(restated.err).doesNotContain("alert:");
    }

    @Test
    void fromStore_withoutTheMonthsOfThePeriodAndItsBaseline_exits3NamingThem() throws Exception {
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "0");
        assertThat(synced.exitCode).as(synced.toString()).isZero();

        Cli r = anomalies("--from-store", "--store", store.toString(), "--format", "json");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(BillingCli.INCOMPLETE);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("complete").asBoolean()).isFalse();
        assertThat(json.get("anomalies")).isEmpty();
        assertThat(json.get("serviceAccounts").get(0).get("missingMonths")).extracting(JsonNode::asText)
                .contains(YearMonth.from(START.minusDays(14)).toString(), YearMonth.from(START).toString());
    }

    @Test
    void settingsFromTheConfiguration_areApplied_andBadOnesExit2NamingTheField() throws Exception {
        writeConfig("{\"minimumIncrease\": {\"USD\": \"250.5\"}}");
        Cli blocked = anomalies("--format", "json");
        assertThat(blocked.exitCode).as(blocked.toString()).isZero();

        writeConfig("{\"minimumIncrease\": {\"USD\": \"250.49\"}, \"sensitivity\": 3, \"minimumPercent\": \"250\"}");
        assertThat(anomalies().exitCode).isEqualTo(AnomaliesCommand.ANOMALY);

        writeConfig("{\"sensitivity\": \"-1\"}");
        Cli negative = anomalies();
        assertThat(negative.exitCode).isEqualTo(BillingCli.USAGE);
        assertThat(negative.err).contains("anomalies", "sensitivity must be at least 0");

        writeConfig("{\"sensitivty\": \"2\"}");
        Cli unknown = anomalies();
        assertThat(unknown.exitCode).isEqualTo(BillingCli.USAGE);
        assertThat(unknown.err).contains("anomalies.sensitivty: unknown field");

        writeConfig("{\"minimumIncrease\": {\"XYZ1\": \"2\"}}");
        assertThat(anomalies().err).contains("anomalies.minimumIncrease.XYZ1", "ISO 4217");
    }

    @Test
    void help_andBadUsage() {
        Cli help = Cli.run(env, "anomalies", "--help");
        assertThat(help.exitCode).isZero();
        assertThat(help.out).contains("--from-store", "--metric", "1.4826", "Exit codes: 5");

        Cli backwards = Cli.run(env, "anomalies", "--config", config.toString(), "--from", END.toString(), "--to",
                START.toString());
        assertThat(backwards.exitCode).isEqualTo(BillingCli.USAGE);
        Cli storeOnly = anomalies("--store", store.toString());
        assertThat(storeOnly.exitCode).isEqualTo(BillingCli.USAGE);
        assertThat(storeOnly.err).contains("add --from-store");
        Cli metric = anomalies("--metric", "bogus");
        assertThat(metric.exitCode).isEqualTo(BillingCli.USAGE);
    }
}
