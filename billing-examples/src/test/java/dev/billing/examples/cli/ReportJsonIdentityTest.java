package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.BillingException;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.SeriesPoint;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.FakeBillingProvider;
import dev.billing.testkit.Fault;
import dev.billing.testkit.SimulatorData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code report --format json} prints, byte for byte, what it printed before its writer moved to
 * {@code billing-dashboard} (the Jackson writer kept in {@link JacksonReportJson} is the oracle).
 */
class ReportJsonIdentityTest {

    private static String cli(CostReport report, boolean fromStore) {
        StringWriter out = new StringWriter();
        ReportWriter.json(report, fromStore, new PrintWriter(out, true));
        return out.toString();
    }

    private static String oracle(CostReport report, boolean fromStore) {
        StringWriter out = new StringWriter();
        JacksonReportJson.json(report, fromStore, new PrintWriter(out, true));
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MONTHLY", "DAILY", "YEARLY"})
    void realReports_withAFailedAccountAndGroupBy_printTheSameBytesAsBefore(String granularity) {
        SimulatorData data = SimulatorData.generator().seed(7).accounts(3).currencies("USD", "KRW", "EUR")
                .days(LocalDate.of(2026, 1, 1), 70).rowsPerDay(4).build();
        try (Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(FakeBillingProvider.builder().data(data).fault(data.accounts().get(2), new Fault.RejectedKey())
                        .build()).build()) {
            String[] projects = {"project-web", "project-data", "project-web"};
            for (int i = 0; i < 3; i++) {
                String account = data.accounts().get(i);
                SimulatorData.ApiUser user = data.userFor(account).orElseThrow();
                billing.serviceAccounts().register("acct-" + i, FakeBillingProvider.DEFAULT_ID, Credentials.of(Map.of(
                        "account", account, "email", user.email(), "key", user.key())), projects[i]);
            }
            BillingPeriod period = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
            Granularity g = Granularity.parse(granularity);
            List<CostQuery> queries = List.of(
                    CostQuery.builder(period).granularity(g).build(),
                    CostQuery.builder(period).granularity(g).groupBy(Dimension.SERVICE, Dimension.REGION).build(),
                    CostQuery.builder(period).granularity(g).project("project-web").groupBy(Dimension.PROJECT).build(),
                    CostQuery.builder(BillingPeriod.monthsThrough(YearMonth.of(2027, 1), YearMonth.of(2027, 1))).build());
            for (CostQuery q : queries) {
                CostReport report = billing.costs().report(q);
                for (boolean fromStore : new boolean[] {false, true}) {
                    assertThat(cli(report, fromStore)).as("%s fromStore=%s", q, fromStore)
                            .isEqualTo(oracle(report, fromStore));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void craftedReports_withEveryControlCharacterAndUnicode_printTheSameBytesAsBefore(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int n = 0; n < 20; n++) {
            CostReport report = randomReport(random);
            boolean fromStore = random.nextBoolean();
            assertThat(cli(report, fromStore)).isEqualTo(oracle(report, fromStore));
        }
    }

    private static final String[] CURRENCIES = {"USD", "KRW", "EUR", "JPY", "BHD"};

    private static CostReport randomReport(SplittableRandom r) {
        BillingPeriod period = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 1 + r.nextInt(6)));
        List<Dimension> dims = new ArrayList<>();
        for (Dimension d : Dimension.fixed()) {
            if (r.nextInt(4) == 0) {
                dims.add(d);
            }
        }
        CostQuery query = CostQuery.builder(period).groupBy(dims.toArray(Dimension[]::new)).build();
        Map<ProjectId, CostSummary> projects = new TreeMap<>();
        int np = r.nextInt(4);
        for (int i = 0; i < np; i++) {
            projects.put(ProjectId.of("p-" + i + "." + r.nextInt(100)), summary(r));
        }
        List<CostRow> rows = new ArrayList<>();
        int nr = dims.isEmpty() ? 0 : r.nextInt(6);
        for (int i = 0; i < nr; i++) {
            Map<Dimension, String> keys = new LinkedHashMap<>();
            dims.forEach(d -> keys.put(d, text(r)));
            rows.add(new CostRow(LocalDate.of(2026, 1, 1), "2026-01", keys, money(r)));
        }
        List<AccountCoverage> coverage = new ArrayList<>();
        int na = r.nextInt(5);
        for (int i = 0; i < na; i++) {
            CoverageStatus status = CoverageStatus.values()[r.nextInt(CoverageStatus.values().length)];
            Instant asOf = Instant.ofEpochSecond(1_780_000_000L + r.nextInt(1_000_000));
            AccountStatus typed = switch (status) {
                case OK -> AccountStatus.Ok.INSTANCE;
                case STALE -> new AccountStatus.Stale(asOf);
                case FAILED -> new AccountStatus.Failed(new BillingException(text(r)));
                case PARTIAL -> new AccountStatus.Partial(List.of(java.time.YearMonth.of(2026, 1 + r.nextInt(12))), asOf,
                        text(r));
                case PENDING -> AccountStatus.Pending.INSTANCE;
            };
            coverage.add(new AccountCoverage(ServiceAccountId.of("sa-" + i), ProviderId.of("hyperbilling-aws"),
                    ProjectId.of("p-" + i), typed,
                    Instant.ofEpochSecond(1_780_000_000L + r.nextInt(1_000_000), r.nextInt(3) == 0 ? r.nextInt(1_000_000_000) : 0),
                    FetchStats.EMPTY));
        }
        return new CostReport(query, summary(r), projects, rows, coverage);
    }

    private static CostSummary summary(SplittableRandom r) {
        List<Money> totals = new ArrayList<>();
        List<SeriesPoint> series = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            Money m = money(r);
            totals.add(m);
            series.add(new SeriesPoint(LocalDate.of(2026, 1 + i, 1), "2026-0" + (1 + i), m));
        }
        return new CostSummary(totals, series);
    }

    private static Money money(SplittableRandom r) {
        BigDecimal amount = switch (r.nextInt(5)) {
            case 0 -> BigDecimal.ZERO.setScale(r.nextInt(4));
            case 1 -> new BigDecimal("1E+" + r.nextInt(8));
            default -> BigDecimal.valueOf(r.nextLong(-10_000_000_000L, 10_000_000_000L), r.nextInt(10));
        };
        return Money.of(amount, java.util.Currency.getInstance(CURRENCIES[r.nextInt(CURRENCIES.length)]));
    }

    /** Text with control characters, quotes, backslashes, markup and characters outside ASCII and the BMP. */
    private static String text(SplittableRandom r) {
        String[] pieces = {"\"", "\\", "/", "<script>", "&amp;", "é", "한국", "\uD83D\uDCB8", "\u2028", "\u007F",
                "\uFFFF", "'", " ", "AmazonEC2"};
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(r.nextBoolean() ? pieces[r.nextInt(pieces.length)] : String.valueOf((char) r.nextInt(0x20)));
        }
        return sb.toString();
    }
}
