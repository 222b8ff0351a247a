package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code "allocation"} block end to end against the simulator: ops's costs split 100 % to project-data (a
 * project no account is registered for), {@code --no-allocation}, {@code billing allocation check}, and an invalid
 * allocation refused with exit 2 naming the split; amounts checked against the simulator's rows alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AllocationCommandTest {
    static final LocalDate START = LocalDate.of(2026, 1, 1);
    static final SimulatorData DATA = SimulatorData.generator().seed(31).accounts(2).currencies("USD", "USD")
            .days(START, 59).rowsPerDay(3).build();
    static final String[][] ACCOUNTS = {
            {"web-prod", DATA.accounts().get(0), "project-web"},
            {"ops-prod", DATA.accounts().get(1), "project-ops"}};
    static final BillingPeriod PERIOD = BillingPeriod.of(START, START.plusDays(59));
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(DATA));

    @TempDir
    Path dir;
    Path config;
    Map<String, String> env;

    @BeforeEach
    void files() throws Exception {
        config = dir.resolve("billing.json");
        env = new LinkedHashMap<>();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, DATA.userFor(ACCOUNTS[i][1]).orElseThrow().key());
        }
        writeConfig("\"70\", \"30\"", "\"project-data\", \"project-web\"");
    }

    private void writeConfig(String percents, String targets) throws Exception {
        String text = ReportCommandTest.config(HB.simulator().endpoint(), DATA, ACCOUNTS);
        text = text.substring(0, text.lastIndexOf("\n}")) + ",\n  \"allocation\": {\"splits\": [{\"name\": \"platform\","
                + " \"from\": {\"project\": [\"project-ops\"]}, \"to\": [" + targets + "], \"method\": \"fixed\","
                + " \"percents\": [" + percents + "]}]}\n}\n";
        Files.writeString(config, text);
    }

    private Cli run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config.toString(), "--from", PERIOD.start().toString(), "--to",
                PERIOD.end().toString(), "--format", "json"));
        return Cli.run(env, all.toArray(String[]::new));
    }

    private static BigDecimal cost(String account) {
        return DATA.rows(account, PERIOD).stream().map(SimulatorData.Row::cost).reduce(BigDecimal.ZERO,
                BigDecimal::add);
    }

    private static BigDecimal total(JsonNode json, String project) {
        for (JsonNode p : json.get("projects")) {
            if (p.get("project").asText().equals(project)) {
                BigDecimal sum = BigDecimal.ZERO;
                for (JsonNode t : p.get("totals")) {
                    sum = sum.add(new BigDecimal(t.get("amount").asText()));
                }
                return sum;
            }
        }
        throw new AssertionError("no project " + project + " in " + json);
    }

    @Test
    void report_appliesTheAllocation_andSaysWhatMoved_noAllocationShowsRawCosts() throws Exception {
        Cli r = run("report");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        BigDecimal ops = cost(ACCOUNTS[1][1]);
        BigDecimal web = cost(ACCOUNTS[0][1]);

        assertThat(json.get("allocation").get("fingerprint").asText()).matches("sha256:[0-9a-f]{64}");
        JsonNode moved = json.get("allocation").get("moved");
        assertThat(moved).hasSize(2);
        assertThat(moved.get(0).get("by").asText()).isEqualTo("platform");
        assertThat(moved.get(0).get("from").asText()).isEqualTo("project-ops");
        assertThat(moved.get(0).get("to").asText()).isEqualTo("project-data");
        assertThat(moved.get(0).get("currency").asText()).isEqualTo("USD");
        assertThat(moved.get(1).get("to").asText()).isEqualTo("project-web");
        BigDecimal toData = new BigDecimal(moved.get(0).get("amount").asText());
        BigDecimal toWeb = new BigDecimal(moved.get(1).get("amount").asText());
        assertThat(toData.add(toWeb)).isEqualByComparingTo(ops);
        assertThat(toData.scale()).isGreaterThanOrEqualTo(10);
        assertThat(total(json, "project-data")).isEqualByComparingTo(toData);
        assertThat(total(json, "project-web")).isEqualByComparingTo(web.add(toWeb));
        assertThat(total(json, "project-ops")).isZero();
        for (JsonNode p : json.get("projects")) {
            assertThat(p.get("complete").asBoolean()).isTrue();
        }

        Cli raw = run("report", "--no-allocation");
        JsonNode rawJson = JSON.readTree(raw.out);
        assertThat(rawJson.has("allocation")).isFalse();
        assertThat(total(rawJson, "project-ops")).isEqualByComparingTo(ops);
        assertThat(rawJson.get("domain").get("totals")).isEqualTo(json.get("domain").get("totals"));

        Cli data = run("report", "--project", "project-data");
        assertThat(data.exitCode).as(data.toString()).isZero();
        assertThat(total(JSON.readTree(data.out), "project-data")).isEqualByComparingTo(toData);
    }

    @Test
    void allocationCheck_countsWhatEachSplitMatches() throws Exception {
        Cli r = run("allocation", "check");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        JsonNode split = json.get("splits").get(0);
        assertThat(split.get("name").asText()).isEqualTo("platform");
        assertThat(split.get("lineItems").asLong()).isEqualTo(DATA.rows(ACCOUNTS[1][1], PERIOD).size());
        assertThat(new BigDecimal(split.get("cost").get(0).get("amount").asText()))
                .isEqualByComparingTo(cost(ACCOUNTS[1][1]));
        assertThat(json.get("unmatched").get("lineItems").asLong()).isEqualTo(
                DATA.rows(ACCOUNTS[0][1], PERIOD).size() + DATA.rows(ACCOUNTS[1][1], PERIOD).size());
    }

    @Test
    void invalidAllocation_exitsTwoWithOneLineNamingTheSplit() throws Exception {
        writeConfig("\"70\", \"20\"", "\"project-data\", \"project-web\"");
        for (String command : List.of("report", "allocation check", "budgets")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--config", config.toString()));
            if (!command.equals("budgets")) {
                args.addAll(List.of("--from", "2026-01", "--to", "2026-02"));
            }
            Cli r = Cli.run(env, args.toArray(String[]::new));
            assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
            assertThat(r.err.strip()).doesNotContain("\n").contains("allocation split 'platform'")
                    .contains("percents add up to 90, not 100");
        }
        writeConfig("\"100\"", "\"project-ops\"");
        Cli self = run("report");
        assertThat(self.exitCode).as(self.toString()).isZero();
    }
}
