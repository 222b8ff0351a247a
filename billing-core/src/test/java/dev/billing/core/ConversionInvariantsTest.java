package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Converted reports over seeded random data sets and seeded random rate tables (several rate changes inside the
 * period), each checked against a straightforward {@link BigDecimal} reference: every in-period line item times
 * the rate of its own day.
 */
@Timeout(30)
class ConversionInvariantsTest {
    private static final List<String> CODES = List.of("USD", "EUR", "JPY", "KRW", "CHF");

    static IntStream seeds() {
        return RandomDataset.seeds();
    }

    /** Per currency other than the target: a first row before the period, then a few changes inside it. */
    private static List<ExchangeRate> randomRates(RandomDataset data, Currency target, SplittableRandom rnd) {
        List<ExchangeRate> rows = new ArrayList<>();
        for (String code : CODES) {
            Currency from = Currency.getInstance(code);
            if (from.equals(target)) {
                continue;
            }
            LocalDate day = data.period.start().minusDays(10 + rnd.nextInt(30));
            for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
                BigDecimal rate = BigDecimal.valueOf(1 + rnd.nextLong(10_000_000_000L), rnd.nextInt(11));
                rows.add(new ExchangeRate(from, target, day, rate, "random"));
                day = day.plusDays(1 + rnd.nextLong(Math.max(1, data.period.days() / 2)));
            }
        }
        return rows;
    }

    /** The reference: the row of each line item's own day, the latest on or before it. */
    private static ExchangeRate rowFor(List<ExchangeRate> rows, CostRecord r, Currency target) {
        return rows.stream().filter(x -> x.from().equals(r.billedCost().currency()) && x.to().equals(target)
                        && !x.date().isAfter(r.chargeDate()))
                .max(Comparator.comparing(ExchangeRate::date)).orElseThrow();
    }

    private static BigDecimal sum(List<Money> totals) {
        return totals.stream().map(Money::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sumOfPoints(List<SeriesPoint> points) {
        return points.stream().map(p -> p.amount().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theConvertedDomainEqualsItsProjectsItsSeriesItsRowsAndTheLineItemReference(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        SplittableRandom rnd = new SplittableRandom(seed * 31L);
        Currency target = Currency.getInstance(CODES.get(rnd.nextInt(CODES.size())));
        List<ExchangeRate> rows = randomRates(data, target, rnd);
        ExchangeRates rates = ExchangeRates.of(rows);
        BigDecimal reference = BigDecimal.ZERO;
        Set<ExchangeRate> used = new LinkedHashSet<>();
        Map<ProjectId, BigDecimal> referenceByProject = new HashMap<>();
        for (CostRecord r : data.recordsInPeriod()) {
            BigDecimal converted = r.billedCost().amount();
            if (!r.billedCost().currency().equals(target)) {
                ExchangeRate row = rowFor(rows, r, target);
                used.add(row);
                converted = converted.multiply(row.rate());
            }
            reference = reference.add(converted);
            referenceByProject.merge(r.project(), converted, BigDecimal::add);
        }
        List<ExchangeRate> expectedRates = new ArrayList<>(used);
        expectedRates.sort(Comparator.comparing((ExchangeRate x) -> x.from().getCurrencyCode()).thenComparing(ExchangeRate::date));

        try (Billing billing = data.billing(false, 4)) {
            for (Granularity g : Granularity.values()) {
                CostQuery plainQuery = CostQuery.builder(data.period).granularity(g).groupBy(Dimension.SERVICE).build();
                CostReport plain = billing.costs().report(plainQuery);
                CostReport report = billing.costs().report(plainQuery.toBuilder().convertTo(target, rates).build());
                ConvertedCosts c = report.converted().orElseThrow();

                assertThat(c.currency()).isEqualTo(target);
                assertThat(c.total().amount()).as("%s %s", data, g).isEqualByComparingTo(reference);
                assertThat(sum(c.domain().totals())).isEqualByComparingTo(reference);
                assertThat(sumOfPoints(c.domain().series())).isEqualByComparingTo(reference);
                assertThat(c.rows().stream().map(CostRow::amount).map(Money::amount)
                        .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(reference);
                BigDecimal projects = BigDecimal.ZERO;
                for (Map.Entry<ProjectId, CostSummary> p : c.projects().entrySet()) {
                    BigDecimal total = sum(p.getValue().totals());
                    assertThat(total).isEqualByComparingTo(referenceByProject.getOrDefault(p.getKey(), BigDecimal.ZERO));
                    assertThat(sumOfPoints(p.getValue().series())).isEqualByComparingTo(total);
                    projects = projects.add(total);
                }
                assertThat(projects).isEqualByComparingTo(reference);
                assertThat(c.domain().series()).allSatisfy(p -> {
                    assertThat(p.amount().currency()).isEqualTo(target);
                    assertThat(p.period()).isEqualTo(g.label(p.start()));
                });
                assertThat(c.rates()).as("exactly the rows used, by from then date").containsExactlyElementsOf(expectedRates);

                assertThat(report.domain()).as("unconverted amounts unchanged").isEqualTo(plain.domain());
                assertThat(report.projects()).isEqualTo(plain.projects());
                assertThat(report.rows()).isEqualTo(plain.rows());
                assertThat(report.coverage()).extracting(AccountCoverage::code).isEqualTo(
                        plain.coverage().stream().map(AccountCoverage::code).toList());
                assertThat(report.query().granularity()).isEqualTo(g);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void withRatesOfOneTheConvertedTotalIsTheSumOfEveryCurrencysTotal(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        Currency target = Currency.getInstance("CHF");
        ExchangeRates one = (from, to, date) -> new ExchangeRate(from, to, LocalDate.MIN, BigDecimal.ONE, "one");
        try (Billing billing = data.billing(false, 4)) {
            CostReport report = billing.costs().report(CostQuery.builder(data.period).convertTo(target, one).build());

            assertThat(report.converted().orElseThrow().total().amount()).isEqualByComparingTo(sum(report.totals()));
        }
    }

    private static Billing billing(List<CostRecord> records) {
        TestProvider p = new TestProvider().withinPeriod().serve("sa-1", records);
        Billing billing = Billing.builder().discoverProviders(false).addProvider(p).build();
        billing.serviceAccounts().register("sa-1", TestProvider.ID, TestProvider.credentials(), "project-web");
        return billing;
    }

    @Test
    void lineItemsBeforeAndAfterARateChangeInTheMonthConvertAtTheirOwnRates() {
        ExchangeRates rates = ExchangeRates.of(ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 1), "1300"),
                ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 15), "1400.5"));
        try (Billing billing = billing(List.of(Records.usdRecord("sa-1", "project-web", "2026-01-14", "100.01"),
                Records.usdRecord("sa-1", "project-web", "2026-01-15", "100"),
                Records.usdRecord("sa-1", "project-web", "2026-01-31", "0.001")))) {
            CostReport report = billing.costs().report(CostQuery.builder(BillingPeriod.month(java.time.YearMonth.of(2026, 1)))
                    .convertTo(Currency.getInstance("KRW"), rates).build());

            ConvertedCosts c = report.converted().orElseThrow();
            // 100.01 x 1300 + (100 + 0.001) x 1400.5
            assertThat(c.total().amount()).isEqualByComparingTo("270064.4005");
            assertThat(c.domain().series()).singleElement().satisfies(p -> assertThat(p.period()).isEqualTo("2026-01"));
            assertThat(c.rates()).extracting(r -> r.date().toString()).containsExactly("2026-01-01", "2026-01-15");
            assertThat(report.totals()).containsExactly(Money.of("200.011", "USD"));
        }
    }

    @Test
    void aMissingRateFailsTheReportNamingThePairAndTheEarliestDay() {
        ExchangeRates rates = ExchangeRates.of(ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 10), "1300"));
        try (Billing billing = billing(List.of(Records.usdRecord("sa-1", "project-web", "2026-01-20", "1"),
                Records.usdRecord("sa-1", "project-web", "2026-01-05", "1"),
                Records.usdRecord("sa-1", "project-web", "2026-01-07", "1")))) {
            CostQuery query = CostQuery.builder(BillingPeriod.month(java.time.YearMonth.of(2026, 1)))
                    .convertTo(Currency.getInstance("KRW"), rates).build();

            assertThatThrownBy(() -> billing.costs().report(query))
                    .isInstanceOfSatisfying(MissingExchangeRateException.class, e -> {
                        assertThat(e.from().getCurrencyCode()).isEqualTo("USD");
                        assertThat(e.date()).isEqualTo(LocalDate.of(2026, 1, 5));
                    });
        }
    }

    @Test
    void theReportingCurrencyItselfNeedsNoRate() {
        try (Billing billing = billing(List.of(Records.usdRecord("sa-1", "project-web", "2026-01-20", "12.5")))) {
            CostReport report = billing.costs().report(CostQuery.builder(BillingPeriod.month(java.time.YearMonth.of(2026, 1)))
                    .convertTo(Currency.getInstance("USD"), ExchangeRates.of()).build());

            assertThat(report.converted().orElseThrow().total()).isEqualTo(Money.of("12.5", "USD"));
            assertThat(report.converted().orElseThrow().rates()).isEmpty();
        }
    }

    @Test
    void aReportFromTheStoreConvertsLikeTheLiveOne() {
        ExchangeRates rates = ExchangeRates.of(ExchangeRate.of("USD", "EUR", LocalDate.of(2025, 12, 1), "0.91"),
                ExchangeRate.of("USD", "EUR", LocalDate.of(2026, 1, 20), "0.9275"),
                ExchangeRate.of("KRW", "EUR", LocalDate.of(2025, 12, 1), "0.00068"));
        List<CostRecord> records = List.of(Records.usdRecord("sa-1", "project-web", "2026-01-03", "10.25"),
                Records.usdRecord("sa-1", "project-web", "2026-01-25", "3"),
                Records.of("sa-1", "project-web", "2026-02-02", "Storage", "global", ChargeCategory.USAGE, "15000", "KRW"),
                Records.usdRecord("sa-1", "project-web", "2026-02-10", "-1.5"));
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-02-20T00:00:00Z"), java.time.ZoneOffset.UTC);
        try (Billing billing = billing(records); dev.billing.core.spi.CostStore store = CostStores.inMemory()) {
            CostSync sync = CostSync.builder(billing).store(store).monthsBack(1).clock(clock).build();
            assertThat(sync.sync().accounts()).allSatisfy(a -> assertThat(a.status().code()).isEqualTo(CoverageStatus.OK));
            CostQuery query = CostQuery.builder(BillingPeriod.monthsThrough(java.time.YearMonth.of(2026, 1),
                    java.time.YearMonth.of(2026, 2))).groupBy(Dimension.SERVICE)
                    .convertTo(Currency.getInstance("EUR"), rates).build();

            CostReport fromStore = sync.report(query);
            CostReport live = billing.costs().report(query);

            // 10.25 x 0.91 + 3 x 0.9275 + 15000 x 0.00068 - 1.5 x 0.9275
            assertThat(fromStore.converted().orElseThrow().total().amount()).isEqualByComparingTo("20.91875");
            assertThat(fromStore.converted().orElseThrow().domain()).isEqualTo(live.converted().orElseThrow().domain());
            assertThat(fromStore.converted().orElseThrow().rows()).isEqualTo(live.converted().orElseThrow().rows());
            assertThat(fromStore.converted().orElseThrow().rates()).isEqualTo(live.converted().orElseThrow().rates());
            assertThat(fromStore.domain()).isEqualTo(live.domain());
        }
    }
}
