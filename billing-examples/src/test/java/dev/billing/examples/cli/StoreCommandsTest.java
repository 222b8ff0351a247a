package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.BillingPeriod;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
 * End to end: {@code sync} into the embedded store, then {@code report --from-store}, against the
 * simulator over loopback HTTP. The data covers the current UTC month and the two before it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreCommandsTest {
    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
    static final YearMonth FIRST = NOW.minusMonths(2);
    static final SimulatorData DATA = SimulatorData.generator().seed(17).accounts(3).currencies("USD", "KRW", "USD")
            .days(FIRST.atDay(1), (int) ChronoUnit.DAYS.between(FIRST.atDay(1), NOW.plusMonths(1).atDay(1)))
            .rowsPerDay(4).build();
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
    Path store;
    Map<String, String> env;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("billing.json");
        Files.writeString(config, ReportCommandTest.config(HB.simulator().endpoint(), DATA, ACCOUNTS));
        store = dir.resolve("data").resolve("costs");
        env = new LinkedHashMap<>();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, DATA.userFor(ACCOUNTS[i][1]).orElseThrow().key());
        }
    }

    private Cli sync(String... more) {
        List<String> args = new ArrayList<>(List.of("sync", "--config", config.toString(), "--store", store.toString(),
                "--months-back", "2"));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    private Cli report(boolean fromStore, String... more) {
        List<String> args = new ArrayList<>(List.of("report", "--config", config.toString(), "--from", FIRST.toString(),
                "--to", NOW.plusMonths(1).toString(), "--format", "json"));
        if (fromStore) {
            args.addAll(List.of("--from-store", "--store", store.toString()));
        }
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void sync_thenReportFromStore_equalsTheLiveReportFieldByField() throws Exception {
        Cli synced = sync();
        assertThat(synced.exitCode).as(synced.toString()).isZero();
        assertThat(Files.isRegularFile(dir.resolve("data").resolve("costs.mv.db"))).isTrue();
        List<String> lines = synced.out.lines().toList();
        assertThat(lines.get(0)).contains("Synced 3 service accounts", "9 months replaced",
                DATA.rows().size() + " line items", "0 restatements", "complete");
        for (int i = 0; i < ACCOUNTS.length; i++) {
            String account = ACCOUNTS[i][1];
            long items = DATA.rows().stream().filter(r -> r.account().equals(account)).count();
            assertThat(lines.get(i + 2)).startsWith("  " + ACCOUNTS[i][0])
                    .contains(FIRST + ".." + NOW, " " + items + " ").endsWith("OK");
        }
        assertThat(synced.err).doesNotContain("restatement");

        for (String[] query : List.of(new String[0], new String[] {"--granularity", "DAILY", "--group-by",
                "service,region"}, new String[] {"--project", "project-web", "--granularity", "YEARLY"})) {
            Cli live = report(false, query);
            Cli stored = report(true, query);
            assertThat(live.exitCode).as(live.toString()).isZero();
            assertThat(stored.exitCode).as(stored.toString()).isZero();
            JsonNode fromStore = JSON.readTree(stored.out);
            for (JsonNode account : fromStore.get("serviceAccounts")) {
                assertThat(account.get("status").asText()).isEqualTo("OK");
                assertThat(Instant.parse(account.get("asOf").asText())).isBeforeOrEqualTo(Instant.now());
                ((ObjectNode) account).remove("asOf");
            }
            assertThat(fromStore).as("report %s", List.of(query)).isEqualTo(JSON.readTree(live.out));
        }
        BillingPeriod all = BillingPeriod.monthsThrough(FIRST, NOW);
        JsonNode domain = JSON.readTree(report(true).out).get("domain");
        assertThat(domain.get("totals").get(0).get("amount").asText())
                .isEqualTo(ReportWriter.exact(DATA.totals(DATA.accounts(), all).get(0).amount()));
        for (String key : env.values()) {
            assertThat(synced.out + synced.err).doesNotContain(key);
        }
    }

    @Test
    void secondSync_afterTheProviderRestatesAClosedMonth_printsTheRestatementWithOldAndNewTotals() throws Exception {
        assertThat(sync().exitCode).isZero();
        YearMonth closed = NOW.minusMonths(1);
        String account = ACCOUNTS[1][1];
        SimulatorData.Row template = DATA.rows(account, BillingPeriod.month(closed)).get(0);
        SimulatorData restated = DATA.withRows(List.of(new SimulatorData.Row(account, closed.atDay(20),
                template.region(), template.service(), template.usageType(), template.instanceType(),
                new BigDecimal("1234.5678901"), null)));
        HB.simulator().data(restated);

        Cli second = sync("--grace-days", "40");

        assertThat(second.exitCode).as(second.toString()).isZero();
        String old = ReportWriter.exact(DATA.total(account, BillingPeriod.month(closed)).amount());
        String now = ReportWriter.exact(restated.total(account, BillingPeriod.month(closed)).amount());
        assertThat(second.err.lines().filter(l -> l.startsWith("restatement:")))
                .containsExactly("restatement: data-krw " + closed + " (CLOSED): " + old + " KRW -> " + now + " KRW");
        assertThat(second.out).contains("1 restatements");
        JsonNode project = JSON.readTree(report(true, "--project", "project-data").out).get("projects").get(0);
        assertThat(project.get("totals").get(0).get("amount").asText())
                .isEqualTo(ReportWriter.exact(restated.total(account, BillingPeriod.monthsThrough(FIRST, NOW)).amount()));
    }

    @Test
    void rejectedKey_syncExits3_andReportFromStoreShowsTheNeverSyncedAccountFailed() throws Exception {
        HB.simulator().fault(ACCOUNTS[2][1], Fault.rejectedKey());

        Cli synced = sync();

        assertThat(synced.exitCode).as(synced.toString()).isEqualTo(3);
        assertThat(synced.out.lines().toList().get(0)).contains("INCOMPLETE: 1 failed");
        assertThat(synced.out.lines().filter(l -> l.startsWith("  ops-usd"))).singleElement()
                .satisfies(l -> assertThat(l).contains("FAILED: ", "ops-usd"));

        Cli stored = report(true);
        assertThat(stored.exitCode).as(stored.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(stored.out);
        assertThat(json.get("complete").asBoolean()).isFalse();
        JsonNode failed = json.get("serviceAccounts").get(2);
        assertThat(failed.get("name").asText()).isEqualTo("ops-usd");
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("error").asText()).contains("ops-usd", "never been synced");
        assertThat(failed.has("asOf")).isFalse();
        assertThat(json.get("serviceAccounts").get(0).get("status").asText()).isEqualTo("OK");
        BillingPeriod all = BillingPeriod.monthsThrough(FIRST, NOW);
        assertThat(json.get("projects").get(2).get("totals").get(0).get("amount").asText())
                .isEqualTo(ReportWriter.exact(DATA.total(ACCOUNTS[0][1], all).amount()));
        for (String key : env.values()) {
            assertThat(synced.out + synced.err + stored.out + stored.err).doesNotContain(key);
        }
    }

    @Test
    void reportFromStore_table_saysWhenEachAccountWasSynced_andStaleAccountsWarn() throws Exception {
        assertThat(sync().exitCode).isZero();
        Cli table = Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--from-store", "--store", store.toString());
        assertThat(table.exitCode).as(table.toString()).isZero();
        assertThat(table.out).contains("complete").containsPattern("web-prod .* OK, synced \\d{4}-");

        Instant synced = Instant.now();
        while (!Instant.now().isAfter(synced.plusMillis(1))) { // the clock, not a thread, is waited for
            Thread.onSpinWait();
        }
        Cli stale = report(true, "--stale-after", "PT0.001S");
        assertThat(stale.exitCode).as(stale.toString()).isZero();
        assertThat(JSON.readTree(stale.out).get("serviceAccounts")).allSatisfy(a ->
                assertThat(a.get("status").asText()).isEqualTo("STALE"));
        assertThat(stale.err).contains("warning: web-prod was last synced", "run 'billing sync'");
    }

    @Test
    void reportFromStore_overMonthsNeverSynced_exits3NamingTheMissingMonths_andALargerMonthsBackBackfills()
            throws Exception {
        Cli first = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "0");
        assertThat(first.exitCode).as(first.toString()).isZero();

        Cli partial = report(true);

        assertThat(partial.exitCode).as(partial.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(partial.out);
        assertThat(json.get("complete").asBoolean()).isFalse();
        for (JsonNode account : json.get("serviceAccounts")) {
            assertThat(account.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(account.get("missingMonths")).extracting(JsonNode::asText)
                    .containsExactly(FIRST.toString(), FIRST.plusMonths(1).toString());
            assertThat(account.get("error").asText()).contains(FIRST + ".." + FIRST.plusMonths(1) + " never synced",
                    "run billing sync with --months-back 2");
            assertThat(Instant.parse(account.get("asOf").asText())).isBeforeOrEqualTo(Instant.now());
        }
        BillingPeriod current = BillingPeriod.month(NOW);
        assertThat(json.get("projects").get(2).get("totals").get(0).get("amount").asText())
                .isEqualTo(ReportWriter.exact(DATA.total(ACCOUNTS[0][1], current).amount()));
        Cli table = Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--from-store", "--store", store.toString());
        assertThat(table.exitCode).isEqualTo(3);
        assertThat(table.out).contains("INCOMPLETE: 3 of 3 service accounts miss months", "PARTIAL: ");

        Cli backfill = sync();
        assertThat(backfill.exitCode).as(backfill.toString()).isZero();
        assertThat(backfill.out).contains(FIRST + ".." + NOW);
        Cli complete = report(true);
        assertThat(complete.exitCode).as(complete.toString()).isZero();
        assertThat(JSON.readTree(complete.out).get("complete").asBoolean()).isTrue();
        assertThat(JSON.readTree(complete.out).get("domain")).isEqualTo(JSON.readTree(report(false).out).get("domain"));
    }

    @Test
    void help_describesSyncAndFromStore() {
        assertThat(Cli.run(Map.of(), "--help").out).contains("sync");
        assertThat(Cli.run(Map.of(), "sync", "--help").out).contains("--store", "--months-back", "--grace-days",
                "billing-data/costs", "restatement");
        assertThat(Cli.run(Map.of(), "report", "--help").out).contains("--from-store", "--store", "--stale-after",
                "asOf");
    }
}
