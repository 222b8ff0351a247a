package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.focus.FocusWriter;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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

/** End to end: {@code billing export --format focus-csv}, live and from the store, against the simulator over loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExportCommandTest {
    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
    static final YearMonth FIRST = NOW.minusMonths(2);
    static final SimulatorData DATA = SimulatorData.generator().seed(23).accounts(3).currencies("USD", "KRW", "EUR")
            .days(FIRST.atDay(1), (int) ChronoUnit.DAYS.between(FIRST.atDay(1), NOW.plusMonths(1).atDay(1)))
            .rowsPerDay(4).build();
    static final String[][] ACCOUNTS = {
            {"web-prod", DATA.accounts().get(0), "project-web"},
            {"data-krw", DATA.accounts().get(1), "project-data"},
            {"ops-eur", DATA.accounts().get(2), "project-ops"}};
    static final BillingPeriod PERIOD = BillingPeriod.of(FIRST.atDay(1), NOW.plusMonths(1).atDay(1));
    /** FOCUS 1.2's Mandatory columns in the specification's order, then the columns the SDK adds. */
    static final String HEADER = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,"
            + "BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargePeriodEnd,ChargePeriodStart,"
            + "ContractedCost,EffectiveCost,InvoiceIssuerName,ListCost,PricingQuantity,PricingUnit,ProviderName,"
            + "PublisherName,ServiceCategory,ServiceName,RegionId,SubAccountId,Tags,x_Project,x_ServiceAccount,"
            + "x_FilledFromBilledCost,x_AllocationSplit,x_AllocationSourceProject";
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

    private Cli export(String... more) {
        List<String> args = new ArrayList<>(List.of("export", "--config", config.toString(), "--from", FIRST.toString(),
                "--to", NOW.plusMonths(1).toString(), "--format", "focus-csv"));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    /** @return the CSV's records; fields split on commas outside quotes, quotes undone */
    static List<List<String>> csv(String text) {
        List<List<String>> records = new ArrayList<>();
        for (String line : text.split("\r\n")) {
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"') {
                    if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                } else if (c == ',' && !quoted) {
                    fields.add(f.toString());
                    f.setLength(0);
                } else {
                    f.append(c);
                }
            }
            fields.add(f.toString());
            records.add(fields);
        }
        return records;
    }

    private static Map<String, BigDecimal> billedCostPerCurrency(List<List<String>> csv) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            sums.merge(row.get(3), new BigDecimal(row.get(0)), BigDecimal::add);
        }
        return sums;
    }

    private static Map<String, BigDecimal> expectedPerCurrency(String... awsAccounts) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (String a : awsAccounts) {
            for (SimulatorData.Row r : DATA.rows(a, PERIOD)) {
                sums.merge(DATA.currency(a).getCurrencyCode(), r.cost(), BigDecimal::add);
            }
        }
        return sums;
    }

    private static int expectedRows(String... awsAccounts) {
        int n = 0;
        for (String a : awsAccounts) {
            n += DATA.rows(a, PERIOD).size();
        }
        return n;
    }

    private static void assertSameSums(Map<String, BigDecimal> actual, Map<String, BigDecimal> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((c, v) -> assertThat(actual.get(c)).as(c).isEqualByComparingTo(v));
    }

    @Test
    void export_toStdout_isFocus12WithEveryLineItemAndExactSums() {
        Cli cli = export();

        assertThat(cli.exitCode).as(cli.toString()).isZero();
        List<List<String>> csv = csv(cli.out);
        assertThat(String.join(",", csv.get(0))).isEqualTo(HEADER);
        assertThat(csv).hasSize(expectedRows(DATA.accounts().toArray(String[]::new)) + 1);
        assertSameSums(billedCostPerCurrency(csv), expectedPerCurrency(DATA.accounts().toArray(String[]::new)));
        assertThat(csv.subList(1, csv.size())).allSatisfy(row -> {
            assertThat(row).hasSize(FocusWriter.COLUMNS.size());
            assertThat(row.get(17) + "/" + row.get(18) + "/" + row.get(13)).isEqualTo("MegazoneCloud/AWS/MegazoneCloud");
        });
        assertThat(cli.err).contains("exported " + (csv.size() - 1) + " FOCUS 1.2 rows of 3 service accounts");
        for (String key : env.values()) {
            assertThat(cli.out + cli.err).doesNotContain(key);
        }
    }

    @Test
    void export_toAFile_thenReportOfItThroughFocusFiles_equalsTheLiveReport() throws Exception {
        Path exports = Files.createDirectory(dir.resolve("exports"));
        Path file = exports.resolve("focus.csv");

        Cli cli = export("--output", file.toString());

        assertThat(cli.exitCode).as(cli.toString()).isZero();
        assertThat(cli.out).startsWith("exported ").contains(" to " + file);
        assertThat(Files.list(exports).toList()).containsExactly(file);
        StringBuilder focusConfig = new StringBuilder("{\"providers\": {\"focus-files\": {\"directory\": \""
                + exports.toString().replace("\\", "\\\\") + "\"}},\n \"serviceAccounts\": [\n");
        for (int i = 0; i < ACCOUNTS.length; i++) {
            focusConfig.append("  {\"name\": \"").append(ACCOUNTS[i][0]).append("\", \"provider\": \"focus-files\",")
                    .append(" \"project\": \"").append(ACCOUNTS[i][2]).append("\", \"credentials\": {\"billingAccountId\": \"")
                    .append(ACCOUNTS[i][1]).append("\"}}").append(i < ACCOUNTS.length - 1 ? ",\n" : "\n");
        }
        Path imported = dir.resolve("focus.json");
        Files.writeString(imported, focusConfig.append("]}\n").toString());
        String[] reportArgs = {"--from", FIRST.toString(), "--to", NOW.plusMonths(1).toString(), "--granularity",
                "DAILY", "--group-by", "project,service", "--format", "json"};

        Cli original = Cli.run(env, concat(new String[]{"report", "--config", config.toString()}, reportArgs));
        Cli roundTrip = Cli.run(Map.of(), concat(new String[]{"report", "--config", imported.toString()}, reportArgs));

        assertThat(roundTrip.exitCode).as(roundTrip.toString()).isZero();
        JsonNode before = JSON.readTree(original.out);
        JsonNode after = JSON.readTree(roundTrip.out);
        assertThat(before.get("rows").size()).isGreaterThan(100);
        assertThat(after.get("rows")).isEqualTo(before.get("rows"));
        assertThat(after.get("domain")).isEqualTo(before.get("domain"));
        assertThat(after.get("projects")).isEqualTo(before.get("projects"));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void failedAccount_exits3_itsRowsAbsent_andStderrNamesIt() {
        HB.simulator().fault(ACCOUNTS[2][1], Fault.rejectedKey());

        Cli cli = export();

        assertThat(cli.exitCode).as(cli.toString()).isEqualTo(3);
        assertThat(cli.err).contains("error: service account ops-eur failed; its rows are absent from the export")
                .contains("INCOMPLETE: 1 failed");
        List<List<String>> csv = csv(cli.out);
        assertThat(csv.subList(1, csv.size())).extracting(r -> r.get(25)).doesNotContain("ops-eur")
                .contains("web-prod", "data-krw");
        assertThat(csv).hasSize(expectedRows(ACCOUNTS[0][1], ACCOUNTS[1][1]) + 1);
        assertSameSums(billedCostPerCurrency(csv), expectedPerCurrency(ACCOUNTS[0][1], ACCOUNTS[1][1]));
    }

    @Test
    void exportFromStore_afterSync_hasTheSameSumsAsTheLiveExport() throws Exception {
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();
        Path file = dir.resolve("stored.csv");

        Cli cli = export("--from-store", "--store", store.toString(), "--output", file.toString());

        assertThat(cli.exitCode).as(cli.toString()).isZero();
        List<List<String>> csv = csv(Files.readString(file));
        assertThat(String.join(",", csv.get(0))).isEqualTo(HEADER);
        assertSameSums(billedCostPerCurrency(csv), expectedPerCurrency(DATA.accounts().toArray(String[]::new)));
        assertThat(csv.size() - 1).isPositive().isLessThanOrEqualTo(expectedRows(DATA.accounts().toArray(String[]::new)));
    }

    /** @return "project currency" (or "* currency") to the exact sum of BilledCost, zeros left out */
    private static Map<String, BigDecimal> billedPerProject(List<List<String>> csv) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            sums.merge(row.get(24) + " " + row.get(3), new BigDecimal(row.get(0)), BigDecimal::add);
            sums.merge("* " + row.get(3), new BigDecimal(row.get(0)), BigDecimal::add);
        }
        return nonZero(sums);
    }

    private static Map<String, BigDecimal> reportedPerProject(String json) throws Exception {
        JsonNode report = JSON.readTree(json);
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (JsonNode p : report.get("projects")) {
            for (JsonNode t : p.get("totals")) {
                sums.merge(p.get("project").asText() + " " + t.get("currency").asText(),
                        new BigDecimal(t.get("amount").asText()), BigDecimal::add);
            }
        }
        for (JsonNode t : report.get("domain").get("totals")) {
            sums.merge("* " + t.get("currency").asText(), new BigDecimal(t.get("amount").asText()), BigDecimal::add);
        }
        return nonZero(sums);
    }

    private static Map<String, BigDecimal> nonZero(Map<String, BigDecimal> sums) {
        Map<String, BigDecimal> out = new TreeMap<>();
        sums.forEach((k, v) -> {
            if (v.signum() != 0) {
                out.put(k, v.stripTrailingZeros());
            }
        });
        return out;
    }

    @Test
    void export_appliesTheAllocation_projectTotalsEqualTheReport_liveAndFromStore_noAllocationIsRaw()
            throws Exception {
        List<List<String>> before = csv(export().out);
        String service = before.get(1).get(20);
        String text = Files.readString(config);
        Files.writeString(config, text.substring(0, text.lastIndexOf("\n}")) + ",\n  \"allocation\": {\"rules\": ["
                + "{\"name\": \"shared service\", \"when\": {\"service\": [\"" + service + "\"]},"
                + " \"project\": \"project-shared\"}], \"splits\": ["
                + "{\"name\": \"shared\", \"from\": {\"project\": [\"project-shared\"]},"
                + " \"to\": [\"project-web\", \"project-data\"], \"method\": \"proportional\"},"
                + "{\"name\": \"ops\", \"from\": {\"project\": [\"project-ops\"]},"
                + " \"to\": [\"project-data\", \"project-web\"], \"method\": \"fixed\", \"percents\": [\"70\", \"30\"]}"
                + "]}\n}\n");
        String[] period = {"--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString()};
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back",
                "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();
        for (String[] source : List.of(new String[0], new String[] {"--from-store", "--store", store.toString()})) {
            Cli report = Cli.run(env, concat(concat(new String[] {"report", "--format", "json"}, period), source));
            Cli cli = export(source);
            assertThat(report.exitCode).as(report.toString()).isZero();
            assertThat(cli.exitCode).as(cli.toString()).isZero();
            List<List<String>> csv = csv(cli.out);
            Map<String, BigDecimal> exported = billedPerProject(csv);
            assertThat(exported).as(String.join(" ", source)).isEqualTo(reportedPerProject(report.out));
            assertThat(exported.keySet()).noneMatch(k -> k.startsWith("project-ops ") || k.startsWith("project-shared "));
            Map<String, BigDecimal> expected = new TreeMap<>();
            expectedPerCurrency(DATA.accounts().toArray(String[]::new)).forEach((c, v) -> expected.put("* " + c, v));
            assertThat(exported).containsAllEntriesOf(nonZero(expected));
            assertThat(csv.subList(1, csv.size())).extracting(r -> r.get(27) + "/" + r.get(28))
                    .contains("shared/project-shared", "ops/project-ops", "/");
        }

        Cli raw = export("--no-allocation");
        assertThat(raw.exitCode).as(raw.toString()).isZero();
        List<List<String>> csv = csv(raw.out);
        assertThat(csv).hasSize(expectedRows(DATA.accounts().toArray(String[]::new)) + 1);
        Map<String, String> projectOf = new TreeMap<>();
        for (String[] a : ACCOUNTS) {
            projectOf.put(a[0], a[2]);
        }
        assertThat(csv.subList(1, csv.size())).allSatisfy(r -> {
            assertThat(r.get(24)).isEqualTo(projectOf.get(r.get(25)));
            assertThat(r.get(27) + r.get(28)).isEmpty();
        });
    }

    @Test
    void badUsage_exits2_withAMessageSayingWhatToFix() throws Exception {
        Cli csvFormat = Cli.run(env, "export", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02",
                "--format", "csv");
        Cli storeWithoutFromStore = export("--store", store.toString());
        Cli noStore = export("--from-store", "--store", store.toString());
        Cli backwards = Cli.run(env, "export", "--config", config.toString(), "--from", "2026-03", "--to", "2026-01",
                "--format", "focus-csv");
        Path noDirectory = dir.resolve("nodir.json");
        Files.writeString(noDirectory, "{\"providers\": {\"focus-files\": {}}, \"serviceAccounts\": [{\"name\": \"f\","
                + " \"provider\": \"focus-files\", \"project\": \"p\", \"credentials\": {}}]}");
        Cli missingDirectory = Cli.run(Map.of(), "export", "--config", noDirectory.toString(), "--from", "2026-01",
                "--to", "2026-02", "--format", "focus-csv");

        assertThat(csvFormat.exitCode).isEqualTo(2);
        assertThat(csvFormat.err).contains("the only export format is focus-csv");
        assertThat(storeWithoutFromStore.exitCode).isEqualTo(2);
        assertThat(storeWithoutFromStore.err).contains("add --from-store");
        assertThat(noStore.exitCode).isEqualTo(2);
        assertThat(noStore.err).contains("run 'billing sync");
        assertThat(backwards.exitCode).isEqualTo(2);
        assertThat(missingDirectory.exitCode).as(missingDirectory.toString()).isEqualTo(2);
        assertThat(missingDirectory.err).contains("providers.focus-files.directory is missing");
        assertThat(csvFormat.out + storeWithoutFromStore.out + noStore.out).isEmpty();
    }
}
