package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code report --currency --rates} and {@code budgets}, live and from the store, against the simulator
 * over loopback, checked against amounts computed here from the simulator's rows and the rates file alone. The data
 * covers the current UTC month and the two before it; KRW to USD changes rate in the middle of the first month.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurrencyAndBudgetsCommandTest {
    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
    static final YearMonth FIRST = NOW.minusMonths(2);
    static final YearMonth MIDDLE = NOW.minusMonths(1);
    static final SimulatorData DATA = SimulatorData.generator().seed(23).accounts(3).currencies("USD", "KRW", "USD")
            .days(FIRST.atDay(1), (int) ChronoUnit.DAYS.between(FIRST.atDay(1), NOW.plusMonths(1).atDay(1)))
            .rowsPerDay(3).build();
    static final String[][] ACCOUNTS = {
            {"web-prod", DATA.accounts().get(0), "project-web"},
            {"web-krw", DATA.accounts().get(1), "project-web"},
            {"ops-usd", DATA.accounts().get(2), "project-ops"}};
    private static final LocalDate CHANGE = FIRST.atDay(15);
    private static final BigDecimal EARLY = new BigDecimal("0.000731");
    private static final BigDecimal LATE = new BigDecimal("0.00074125");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(DATA).pageSize(100));

    @TempDir
    Path dir;
    Path config;
    Path rates;
    Path store;
    Map<String, String> env;

    @BeforeEach
    void files() throws Exception {
        config = dir.resolve("billing.json");
        rates = dir.resolve("rates.csv");
        store = dir.resolve("data").resolve("costs");
        Files.writeString(rates, "date,from,to,rate\n" + FIRST.atDay(1) + ",KRW,USD," + EARLY + "\n"
                + CHANGE + ",KRW,USD," + LATE + "\n" + FIRST.atDay(1) + ",EUR,USD,1.1\n");
        env = new LinkedHashMap<>();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, DATA.userFor(ACCOUNTS[i][1]).orElseThrow().key());
        }
        writeConfig("");
    }

    private void writeConfig(String budgets) throws Exception {
        String text = ReportCommandTest.config(HB.simulator().endpoint(), DATA, ACCOUNTS);
        if (!budgets.isEmpty()) {
            text = text.substring(0, text.lastIndexOf("\n}")) + ",\n  \"budgets\": [" + budgets + "]\n}\n";
        }
        Files.writeString(config, text);
    }

    private static BigDecimal rate(String currency, LocalDate day) {
        return currency.equals("USD") ? BigDecimal.ONE : day.isBefore(CHANGE) ? EARLY : LATE;
    }

    /** The USD reference of some accounts over a period: each row times its own day's rate. */
    private static BigDecimal converted(List<String> accounts, BillingPeriod period) {
        BigDecimal sum = BigDecimal.ZERO;
        for (String a : accounts) {
            String currency = DATA.currency(a).getCurrencyCode();
            for (SimulatorData.Row r : DATA.rows(a, period)) {
                sum = sum.add(r.cost().multiply(rate(currency, r.date())));
            }
        }
        return sum;
    }

    private static List<String> all() {
        return DATA.accounts();
    }

    private static BigDecimal amount(JsonNode node) {
        return new BigDecimal(node.get("amount").asText());
    }

    private Cli report(String... more) {
        List<String> args = new ArrayList<>(List.of("report", "--config", config.toString(), "--from", FIRST.toString(),
                "--to", NOW.plusMonths(1).toString()));
        args.addAll(List.of(more));
        if (!args.contains("--format")) {
            args.addAll(List.of("--format", "json"));
        }
        return Cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void reportConverted_domainProjectsAndSeriesEqualTheRowByRowReference_andListTheRatesUsed() throws Exception {
        Cli plain = report();
        Cli r = report("--currency", "USD", "--rates", rates.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        BillingPeriod period = BillingPeriod.of(FIRST.atDay(1), NOW.plusMonths(1).atDay(1));

        JsonNode domain = json.get("domain").get("converted");
        assertThat(domain.get("currency").asText()).isEqualTo("USD");
        assertThat(domain.get("totals")).singleElement().satisfies(t -> {
            assertThat(t.get("currency").asText()).isEqualTo("USD");
            assertThat(amount(t)).isEqualByComparingTo(converted(all(), period));
        });
        BigDecimal series = BigDecimal.ZERO;
        for (JsonNode p : domain.get("series")) {
            YearMonth m = YearMonth.parse(p.get("period").asText());
            assertThat(amount(p)).as("%s", m).isEqualByComparingTo(converted(all(), BillingPeriod.month(m)));
            series = series.add(amount(p));
        }
        assertThat(series).isEqualByComparingTo(converted(all(), period));
        JsonNode web = json.get("projects").get(1);
        assertThat(web.get("project").asText()).isEqualTo("project-web");
        assertThat(amount(web.get("converted").get("totals").get(0)))
                .isEqualByComparingTo(converted(List.of(ACCOUNTS[0][1], ACCOUNTS[1][1]), period));
        assertThat(json.get("rates")).isEqualTo(JSON.readTree("[{\"from\": \"KRW\", \"to\": \"USD\", \"date\": \""
                + FIRST.atDay(1) + "\", \"rate\": \"" + EARLY + "\"}, {\"from\": \"KRW\", \"to\": \"USD\", \"date\": \""
                + CHANGE + "\", \"rate\": \"" + LATE + "\"}]"));

        JsonNode unconverted = JSON.readTree(plain.out);
        assertThat(json.get("domain").get("totals")).isEqualTo(unconverted.get("domain").get("totals"));
        assertThat(json.get("domain").get("series")).isEqualTo(unconverted.get("domain").get("series"));
        assertThat(unconverted.has("rates")).isFalse();
        assertThat(unconverted.get("domain").has("converted")).isFalse();

        Cli table = report("--currency", "USD", "--rates", rates.toString(), "--format", "table");
        assertThat(table.out).contains("total, converted", "Exchange rates used (into USD)", CHANGE + "  KRW -> USD");
    }

    @Test
    void reportConvertedFromTheStore_equalsTheLiveOne() throws Exception {
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();

        Cli live = report("--currency", "USD", "--rates", rates.toString());
        Cli stored = report("--currency", "USD", "--rates", rates.toString(), "--from-store", "--store", store.toString());

        assertThat(stored.exitCode).as(stored.toString()).isZero();
        JsonNode a = JSON.readTree(live.out);
        JsonNode b = JSON.readTree(stored.out);
        assertThat(b.get("domain")).isEqualTo(a.get("domain"));
        assertThat(b.get("projects")).isEqualTo(a.get("projects"));
        assertThat(b.get("rates")).isEqualTo(a.get("rates"));
    }

    @Test
    void aMissingRateOrABadRatesFileIsExit2NamingWhatToFix() throws Exception {
        Files.writeString(rates, "date,from,to,rate\n" + CHANGE + ",KRW,USD,0.00074\n");
        Cli missing = report("--currency", "USD", "--rates", rates.toString());
        assertThat(missing.exitCode).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err).contains("KRW to USD", FIRST.atDay(1).toString(), rates.toString());
        assertThat(missing.out).isEmpty();

        Files.writeString(rates, "date,from,to,rate\n" + CHANGE + ",KRW,USD,0.00074\n2026-02-30,KRW,USD,1\n");
        Cli bad = report("--currency", "USD", "--rates", rates.toString());
        assertThat(bad.exitCode).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err).contains("line 3", "2026-02-30");

        Cli noRates = report("--currency", "USD");
        assertThat(noRates.exitCode).isEqualTo(2);
        assertThat(noRates.err).contains("--rates");
        Cli badCurrency = report("--currency", "DOLLARS", "--rates", rates.toString());
        assertThat(badCurrency.exitCode).isEqualTo(2);
        assertThat(badCurrency.err).contains("DOLLARS");
    }

    /** Spent, and days with data, of some accounts in a month, in USD at each day's rate. */
    private static BigDecimal[] spent(List<String> accounts, YearMonth month) {
        BigDecimal sum = BigDecimal.ZERO;
        Set<LocalDate> days = new HashSet<>();
        for (String a : accounts) {
            for (SimulatorData.Row r : DATA.rows(a, BillingPeriod.month(month))) {
                sum = sum.add(r.cost().multiply(rate(DATA.currency(a).getCurrencyCode(), r.date())));
                days.add(r.date());
            }
        }
        return new BigDecimal[] {sum, BigDecimal.valueOf(days.size())};
    }

    private static String budget(String name, String scope, BigDecimal amount, String currency) {
        return "{\"name\": \"" + name + "\", \"scope\": " + scope + ", \"amount\": \"" + amount.toPlainString()
                + "\", \"currency\": \"" + currency + "\", \"period\": \"MONTHLY\", \"thresholds\": [{\"percent\": 80},"
                + " {\"percent\": 100}, {\"percent\": 150, \"forecast\": true}]}";
    }

    private Cli budgets(String... more) {
        List<String> args = new ArrayList<>(List.of("budgets", "--config", config.toString()));
        args.addAll(List.of(more));
        if (!args.contains("--month")) {
            args.addAll(List.of("--month", MIDDLE.toString()));
        }
        if (!args.contains("--format")) {
            args.addAll(List.of("--format", "json"));
        }
        return Cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void budgets_spentForecastPercentAndCrossedEqualHandComputedValues_exit4AtTheLimit() throws Exception {
        BigDecimal[] ops = spent(List.of(ACCOUNTS[2][1]), MIDDLE);
        // ops at 90 % of its budget: 80 crossed, 100 not
        BigDecimal opsLimit = ops[0].multiply(BigDecimal.TEN).divide(BigDecimal.valueOf(9), 2, RoundingMode.UP);
        writeConfig(budget("ops", "{\"project\": \"project-ops\"}", opsLimit, "USD"));
        Cli r = budgets();
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("month").asText()).isEqualTo(MIDDLE.toString());
        JsonNode b = json.get("budgets").get(0);
        assertThat(b.get("name").asText()).isEqualTo("ops");
        assertThat(new BigDecimal(b.get("spent").asText())).isEqualByComparingTo(ops[0]);
        BigDecimal forecast = ops[0].multiply(BigDecimal.valueOf(MIDDLE.lengthOfMonth())).divide(ops[1], 4, RoundingMode.HALF_EVEN);
        assertThat(new BigDecimal(b.get("forecast").asText())).isEqualByComparingTo(forecast);
        assertThat(b.get("amount").asText()).isEqualTo(opsLimit.stripTrailingZeros().toPlainString());
        assertThat(b.get("currency").asText()).isEqualTo("USD");
        assertThat(b.get("percent").decimalValue()).isEqualByComparingTo(
                ops[0].multiply(BigDecimal.valueOf(100)).divide(opsLimit, 2, RoundingMode.HALF_EVEN));
        assertThat(b.get("crossed")).isEqualTo(JSON.readTree("[{\"percent\": 80, \"forecast\": false}]"));

        writeConfig(budget("ops", "{\"project\": \"project-ops\"}", ops[0], "USD"));
        Cli atLimit = budgets();
        assertThat(atLimit.exitCode).as(atLimit.toString()).isEqualTo(4);
        assertThat(JSON.readTree(atLimit.out).get("budgets").get(0).get("crossed")).extracting(t -> t.get("percent").asInt())
                .containsExactly(80, 100);
    }

    @Test
    void budgets_inAnotherCurrencyNeedRates_andConvertAtEachDaysRate() throws Exception {
        BigDecimal[] web = spent(List.of(ACCOUNTS[0][1], ACCOUNTS[1][1]), MIDDLE);
        writeConfig(budget("web", "{\"project\": \"project-web\"}", new BigDecimal("1000000"), "USD") + ", "
                + budget("krw-account", "{\"serviceAccount\": \"web-krw\"}", new BigDecimal("1"), "KRW"));

        Cli noRates = budgets();
        assertThat(noRates.exitCode).as(noRates.toString()).isEqualTo(2);
        assertThat(noRates.err).contains("budget 'web' is in USD", "KRW", "--rates");

        Cli r = budgets("--rates", rates.toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(4);
        JsonNode json = JSON.readTree(r.out);
        assertThat(new BigDecimal(json.get("budgets").get(0).get("spent").asText())).isEqualByComparingTo(web[0]);
        BigDecimal krw = DATA.total(ACCOUNTS[1][1], BillingPeriod.month(MIDDLE)).amount();
        assertThat(new BigDecimal(json.get("budgets").get(1).get("spent").asText())).isEqualByComparingTo(krw);
        assertThat(json.get("budgets").get(1).get("scope")).isEqualTo(JSON.readTree("{\"serviceAccount\": \"web-krw\"}"));
    }

    @Test
    void aBudgetThatCannotBeEvaluated_isExit2BeforeAnyAlert_andUsesNoAlertUp() throws Exception {
        BigDecimal[] ops = spent(List.of(ACCOUNTS[2][1]), MIDDLE);
        writeConfig(budget("ops", "{\"project\": \"project-ops\"}", ops[0], "USD") + ", "
                + budget("ops-eur", "{\"project\": \"project-ops\"}", ops[0], "EUR"));
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();

        Cli failed = budgets("--from-store", "--store", store.toString());
        assertThat(failed.exitCode).as(failed.toString()).isEqualTo(2);
        assertThat(failed.err).as(failed.toString()).doesNotContain("alert:")
                .contains("budget 'ops-eur' is in EUR", "USD");
        assertThat(failed.out).isEmpty();

        writeConfig(budget("ops", "{\"project\": \"project-ops\"}", ops[0], "USD"));
        Cli r = budgets("--from-store", "--store", store.toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(4);
        assertThat(r.err.lines().filter(l -> l.startsWith("alert: budget 'ops'"))).as(r.toString()).hasSize(2);
    }

    @Test
    void budgetsFromTheStore_alertOnceAcrossRuns_andTheTableShowsEveryBudget() throws Exception {
        BigDecimal[] ops = spent(List.of(ACCOUNTS[2][1]), MIDDLE);
        writeConfig(budget("ops", "{\"project\": \"project-ops\"}", ops[0], "USD") + ", "
                + budget("everything", "\"domain\"", new BigDecimal("100000000000"), "USD"));
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();

        Cli first = budgets("--from-store", "--store", store.toString(), "--rates", rates.toString());
        assertThat(first.exitCode).as(first.toString()).isEqualTo(4);
        assertThat(first.err.lines().filter(l -> l.startsWith("alert: budget 'ops'"))).hasSize(2);
        Cli second = budgets("--from-store", "--store", store.toString(), "--rates", rates.toString(), "--format", "table");
        assertThat(second.exitCode).as(second.toString()).isEqualTo(4);
        assertThat(second.err).doesNotContain("alert:");
        assertThat(second.out).contains("Budgets for " + MIDDLE, "ops", "project project-ops", "everything", "domain",
                "80%, 100%", "Exchange rates used");

        Cli never = budgets("--from-store", "--store", store.toString(), "--rates", rates.toString(),
                "--month", FIRST.minusMonths(1).toString());
        assertThat(never.exitCode).as("the month before the first synced one is missing: incomplete").isEqualTo(3);
        assertThat(JSON.readTree(never.out).get("complete").asBoolean()).isFalse();
    }

    @Test
    void badBudgetsAreExit2NamingTheField() throws Exception {
        Map<String, String> cases = new TreeMap<>(Map.of(
                "{\"name\": \"x\", \"scope\": {\"project\": \"nope\"}, \"amount\": \"1\", \"currency\": \"USD\"}",
                "budgets[0] ('x').scope.project: no service account belongs to project 'nope'",
                "{\"name\": \"x\", \"scope\": \"domain\", \"amount\": \"-1\", \"currency\": \"USD\"}", "must be positive",
                "{\"name\": \"x\", \"scope\": \"domain\", \"amount\": \"ten\", \"currency\": \"USD\"}",
                "budgets[0] ('x').amount: must be a decimal number",
                "{\"name\": \"x\", \"scope\": \"domain\", \"amount\": \"1\", \"currency\": \"USD\", \"period\": \"WEEKLY\"}",
                "must be \\\"MONTHLY\\\"",
                "{\"name\": \"x\", \"scope\": \"everything\", \"amount\": \"1\", \"currency\": \"USD\"}",
                "budgets[0] ('x').scope: must be \\\"domain\\\"",
                "{\"name\": \"x\", \"scope\": \"domain\", \"amount\": \"1\", \"currency\": \"USD\", \"thresholds\": [{\"percent\": 0}]}",
                "thresholds[0].percent",
                "{\"name\": \"x\", \"scope\": {\"serviceAccount\": \"ghost\"}, \"amount\": \"1\", \"currency\": \"USD\"}",
                "no service account is named 'ghost'"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            writeConfig(c.getKey());
            Cli r = budgets();
            assertThat(r.exitCode).as(c.getKey() + "\n" + r).isEqualTo(2);
            assertThat(r.err).contains(c.getValue().replace("\\\"", "\""));
        }
        writeConfig("");
        Cli none = budgets();
        assertThat(none.exitCode).isEqualTo(2);
        assertThat(none.err).contains("budgets: there are none");
    }
}
