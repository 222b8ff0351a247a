package dev.billing.core;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.reducing;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants of aggregation over seeded random data sets, each checked against a straightforward
 * {@link BigDecimal} reference computed here from the raw records.
 */
@Timeout(20)
class AggregationInvariantsTest {

    static java.util.stream.IntStream seeds() {
        return RandomDataset.seeds();
    }

    /** Sums amounts by a key, in each currency separately. */
    private static <K> Map<K, BigDecimal> reference(Collection<CostRecord> records, Function<CostRecord, K> key) {
        return records.stream().collect(groupingBy(key, HashMap::new,
                reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
    }

    private static Map<Currency, BigDecimal> byCurrency(List<Money> totals) {
        Map<Currency, BigDecimal> m = new HashMap<>();
        for (Money money : totals) {
            assertThat(m.put(money.currency(), money.amount())).as("one total per currency").isNull();
        }
        return m;
    }

    private static void assertSameAmounts(Map<?, BigDecimal> actual, Map<?, BigDecimal> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as("%s", k).isEqualByComparingTo(v));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void domainAndProjectTotals_equalTheReferenceAndProjectsSumToTheDomain(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        List<CostRecord> in = data.recordsInPeriod();
        try (Billing billing = data.billing(false, 4)) {
            CostReport r = billing.costs().projectTotals(data.period);

            assertThat(r.isComplete()).isTrue();
            assertSameAmounts(byCurrency(r.totals()), reference(in, rec -> rec.billedCost().currency()));
            Map<Currency, BigDecimal> sumOfProjects = new HashMap<>();
            for (CostSummary project : r.projects().values()) {
                byCurrency(project.totals()).forEach((c, v) -> sumOfProjects.merge(c, v, BigDecimal::add));
            }
            assertSameAmounts(sumOfProjects, byCurrency(r.totals()));
            Set<String> projectsInScope = data.accounts.stream().map(RandomDataset.Account::project)
                    .collect(Collectors.toSet());
            assertThat(r.projects().keySet()).extracting(ProjectId::value)
                    .containsExactlyInAnyOrderElementsOf(projectsInScope);
            for (String p : projectsInScope) {
                List<CostRecord> ofProject = in.stream().filter(rec -> rec.project().value().equals(p)).toList();
                assertSameAmounts(byCurrency(r.project(p).totals()), reference(ofProject, rec -> rec.billedCost().currency()));
                assertSameAmounts(byCurrency(billing.costs().projectTotal(p, data.period).totals()),
                        byCurrency(r.project(p).totals()));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void dailyMonthlyAndYearlySeries_sumToTheSameTotalsAndMatchTheReferenceBuckets(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        List<CostRecord> in = data.recordsInPeriod();
        Map<Currency, BigDecimal> expectedTotals = reference(in, rec -> rec.billedCost().currency());
        try (Billing billing = data.billing(false, 4)) {
            for (Granularity g : Granularity.values()) {
                CostReport r = billing.costs().report(CostQuery.builder(data.period).granularity(g).build());

                assertSameAmounts(byCurrency(r.totals()), expectedTotals);
                Map<Currency, BigDecimal> seriesSum = r.domain().series().stream().collect(groupingBy(
                        p -> p.amount().currency(), HashMap::new,
                        reducing(BigDecimal.ZERO, p -> p.amount().amount(), BigDecimal::add)));
                assertSameAmounts(seriesSum, expectedTotals);
                Map<List<Object>, BigDecimal> buckets = new HashMap<>();
                for (SeriesPoint p : r.domain().series()) {
                    assertThat(p.period()).isEqualTo(g.label(p.start()));
                    assertThat(buckets.put(List.of(p.start(), p.amount().currency()), p.amount().amount()))
                            .as("one point per bucket and currency").isNull();
                }
                assertSameAmounts(buckets, reference(in, rec -> List.of(g.bucketStart(rec.chargeDate()),
                        rec.billedCost().currency())));
                for (Map.Entry<ProjectId, CostSummary> e : r.projects().entrySet()) {
                    Map<Currency, BigDecimal> projectSeries = e.getValue().series().stream().collect(groupingBy(
                            p -> p.amount().currency(), HashMap::new,
                            reducing(BigDecimal.ZERO, p -> p.amount().amount(), BigDecimal::add)));
                    assertSameAmounts(projectSeries, byCurrency(e.getValue().totals()));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void results_doNotDependOnRecordOrAccountOrderOrTheFetchBound(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        CostQuery q = CostQuery.builder(data.period).granularity(Granularity.DAILY)
                .groupBy(Dimension.SERVICE, Dimension.PROJECT).build();
        try (Billing ordered = data.billing(false, 1); Billing shuffled = data.billing(true, 8)) {
            CostReport a = ordered.costs().report(q);
            CostReport b = shuffled.costs().report(q);

            assertThat(b.totals()).isEqualTo(a.totals());
            assertThat(b.domain()).isEqualTo(a.domain());
            assertThat(b.projects()).isEqualTo(a.projects());
            assertThat(b.rows()).isEqualTo(a.rows());
            assertThat(b.coverage()).extracting(AccountCoverage::name, AccountCoverage::code)
                    .containsExactlyInAnyOrderElementsOf(a.coverage().stream()
                            .map(c -> org.assertj.core.groups.Tuple.tuple(c.name(), c.code())).toList());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void groupedRowsWithFilters_equalTheReference(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        SplittableRandom rnd = new SplittableRandom(seed * 31L);
        List<Dimension> dims = new ArrayList<>(Arrays.asList(Dimension.Fixed.values()));
        java.util.Collections.shuffle(dims, new java.util.Random(seed));
        List<Dimension> groupBy = dims.subList(0, 1 + rnd.nextInt(3));
        Dimension filterOn = Dimension.Fixed.values()[rnd.nextInt(Dimension.Fixed.values().length)];
        List<String> values = data.allRecords().stream().map(filterOn::valueOf).distinct().sorted().toList();
        Granularity g = Granularity.values()[rnd.nextInt(3)];
        CostQuery.Builder qb = CostQuery.builder(data.period).granularity(g).groupBy(groupBy.toArray(Dimension[]::new));
        Set<String> allowed = new HashSet<>();
        if (!values.isEmpty()) {
            allowed.add(values.get(rnd.nextInt(values.size())));
            qb.filter(filterOn, allowed.toArray(String[]::new));
        }
        List<CostRecord> in = data.recordsInPeriod().stream()
                .filter(rec -> allowed.isEmpty() || allowed.contains(filterOn.valueOf(rec))).toList();

        try (Billing billing = data.billing(false, 3)) {
            CostReport r = billing.costs().report(qb.build());

            Map<List<Object>, BigDecimal> actual = new HashMap<>();
            for (CostRow row : r.rows()) {
                assertThat(row.keys().keySet()).containsExactlyElementsOf(groupBy);
                assertThat(row.period()).isEqualTo(g.label(row.start()));
                List<Object> key = new ArrayList<>(List.of(row.start(), row.amount().currency()));
                key.addAll(row.keys().values());
                assertThat(actual.put(key, row.amount().amount())).as("one row per key").isNull();
            }
            assertSameAmounts(actual, reference(in, rec -> {
                List<Object> key = new ArrayList<>(List.of(g.bucketStart(rec.chargeDate()), rec.billedCost().currency()));
                groupBy.forEach(d -> key.add(d.valueOf(rec)));
                return key;
            }));
            assertSameAmounts(byCurrency(r.totals()), reference(in, rec -> rec.billedCost().currency()));
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void currencies_areNeverMixed(int seed) {
        RandomDataset data = RandomDataset.generate(seed);
        try (Billing billing = data.billing(false, 4)) {
            CostReport r = billing.costs().report(CostQuery.builder(data.period).granularity(Granularity.MONTHLY)
                    .groupBy(Dimension.PROJECT).build());
            Set<Currency> used = data.recordsInPeriod().stream().map(rec -> rec.billedCost().currency())
                    .collect(Collectors.toSet());

            // totals: one per currency, sorted by code, only currencies that records had
            assertThat(r.totals()).extracting(m -> m.currency().getCurrencyCode()).isSorted().doesNotHaveDuplicates();
            assertThat(r.totals()).extracting(Money::currency).containsExactlyInAnyOrderElementsOf(used);
            // every row's amount is the sum of records in its own currency only
            Map<List<Object>, BigDecimal> perCurrencyRows = new LinkedHashMap<>();
            r.rows().forEach(row -> perCurrencyRows.merge(List.of(row.amount().currency()), row.amount().amount(),
                    BigDecimal::add));
            for (Currency c : used) {
                BigDecimal onlyC = data.recordsInPeriod().stream().filter(rec -> rec.billedCost().currency().equals(c))
                        .map(rec -> rec.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
                assertThat(r.total(c).amount()).isEqualByComparingTo(onlyC);
                assertThat(perCurrencyRows.get(List.of(c))).isEqualByComparingTo(onlyC);
            }
            // adding a total to one in another currency is refused
            if (r.totals().size() > 1) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.totals().get(0).plus(r.totals().get(1)))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(new TreeMap<>(r.projects())).isEqualTo(r.projects());
        }
    }

    @Test
    void generator_coversNegativeLargeAndTenDecimalAmountsAndOutOfPeriodDates() {
        List<RandomDataset> sets = RandomDataset.seeds().mapToObj(RandomDataset::generate).toList();
        List<CostRecord> all = sets.stream().flatMap(d -> d.allRecords().stream()).toList();

        assertThat(all).anyMatch(rec -> rec.billedCost().amount().signum() < 0);
        assertThat(all).anyMatch(rec -> rec.billedCost().amount().abs().compareTo(new BigDecimal("1e18")) > 0);
        assertThat(all).anyMatch(rec -> rec.billedCost().amount().scale() == 10);
        assertThat(all).extracting(rec -> rec.billedCost().currency().getCurrencyCode()).contains("USD", "EUR", "JPY");
        assertThat(sets).anyMatch(d -> d.recordsInPeriod().size() < d.allRecords().size());
        assertThat(sets).anyMatch(d -> d.accounts.size() > 4 && d.period.days() > 366);
    }
}
