package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.SeriesPoint;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.CostCellColumns;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.RollupSink;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reports from the in-memory store through {@link CostStore#aggregateRollups}: a breakdown whose cross product of
 * projects and group-by values is much larger than its two roll-ups is summed as the roll-ups (each project's series
 * and the rows, a pass each), a small one as cells; either way the report equals a {@code BigDecimal} reference to
 * the last digit (amounts that overflow a long, finer than 18 decimals, of 25 digits; tags read through aliases;
 * filters; a subset of the accounts) and the report made from the SPI's default (the cells of
 * {@link CostStore#aggregate}).
 */
class StoreRollupsTest {
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("USD"), Currency.getInstance("KRW"));
    private static final YearMonth FIRST = YearMonth.of(2026, 1);
    private static final ProviderId PROVIDER = ProviderId.of("test");
    private static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(FIRST, FIRST.plusMonths(1));
    private static final List<Map<String, String>> TAGS = List.of(Map.of(), Map.of("team", "a", "env", "prod"),
            Map.of("Team", "b", "env", "dev"), Map.of("team", "c"), Map.of("env", "prod"), Map.of("Team", "a"));

    private record Series(String project, LocalDate start, Currency currency) {
    }

    private record Row(LocalDate start, List<String> values, Currency currency) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void reports_fromRollupsOrCells_equalTheBigDecimalReference(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        InMemoryCostStore store = new InMemoryCostStore();
        List<ServiceAccount> accounts = new ArrayList<>();
        List<CostRecord> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ServiceAccount a = new ServiceAccount(ServiceAccountId.of("sa-" + i), PROVIDER,
                    ProjectId.of("p-" + i % 20), Credentials.of(Map.of("k", "v")), Map.of());
            accounts.add(a);
            for (int m = 0; m < 2; m++) {
                YearMonth month = FIRST.plusMonths(m);
                List<CostRecord> window = window(random, a, month);
                all.addAll(window);
                assertThat(store.replaceWindow(a, month, Instant.EPOCH, sink -> {
                    sink.acceptAll(window);
                    return FetchStats.EMPTY;
                })).isPresent();
            }
        }
        List<ServiceAccountId> ids = accounts.stream().map(ServiceAccount::id).toList();
        TagAliases aliases = TagAliases.of(Map.of("team", List.of("Team")));
        CostQuery daily = CostQuery.builder(PERIOD).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE).build();

        check(store, all, daily, ids, true);
        check(store, all, daily, ids.subList(7, 45), true);
        check(store, all, CostQuery.builder(PERIOD).granularity(Granularity.DAILY).groupBy(Dimension.tag("team"),
                Dimension.SERVICE).tagAliases(aliases).build(), ids, true);
        check(store, all, daily.toBuilder().filter(Dimension.tag("env"), "prod").filter(Dimension.REGION, "r-1", "r-2")
                .build(), ids, true);
        // few cells: the cross product is summed, as before
        check(store, all, CostQuery.builder(PERIOD).groupBy(Dimension.CHARGE_CATEGORY).build(), ids, false);
        // the project is a function of the service account: never more cells than rows
        check(store, all, daily.toBuilder().groupBy(Dimension.SERVICE_ACCOUNT).build(), ids, false);
    }

    /** The report from the store's sums, and from the SPI default's, equal the reference. */
    private static void check(InMemoryCostStore store, List<CostRecord> all, CostQuery query,
                              List<ServiceAccountId> accounts, boolean asRollups) {
        Map<Series, BigDecimal> series = new HashMap<>();
        Map<Row, BigDecimal> rows = new HashMap<>();
        Set<ProjectId> projects = new LinkedHashSet<>();
        Set<ServiceAccountId> inScope = Set.copyOf(accounts);
        for (CostRecord r : all) {
            if (inScope.contains(r.serviceAccount()) && query.accepts(r)) {
                LocalDate start = query.granularity().bucketStart(r.chargeDate());
                Currency currency = r.billedCost().currency();
                projects.add(r.project());
                series.merge(new Series(r.project().value(), start, currency), r.billedCost().amount(),
                        BigDecimal::add);
                rows.merge(new Row(start, query.groupBy().stream().map(d -> query.valueOf(d, r)).toList(), currency),
                        r.billedCost().amount(), BigDecimal::add);
            }
        }
        assertThat(rows.size()).as("a breakdown with data").isGreaterThan(10);
        Sink sink = new Sink(new CostCube(query.granularity(), query.groupBy()));
        store.aggregateRollups(query, accounts, sink);
        assertThat(sink.asRollups).as("summed as the roll-ups: " + query).isEqualTo(asRollups);
        assertThat(sink.asCells).as("summed as cells: " + query).isEqualTo(!asRollups);
        CostCube viaDefault = new CostCube(query.granularity(), query.groupBy());
        new InMemoryRollupTest.CellsOnly(store).aggregateRollups(query, accounts, viaDefault);
        for (CostCube cube : List.of(sink.cube, viaDefault)) {
            CostReport report = cube.toReport(query, projects, List.of());
            Map<Series, BigDecimal> reportedSeries = new HashMap<>();
            report.projects().forEach((p, summary) -> {
                for (SeriesPoint point : summary.series()) {
                    assertThat(reportedSeries.put(new Series(p.value(), point.start(), point.amount().currency()),
                            point.amount().amount())).isNull();
                }
            });
            Map<Row, BigDecimal> reportedRows = new HashMap<>();
            for (CostRow row : report.rows()) {
                assertThat(reportedRows.put(new Row(row.start(), List.copyOf(row.keys().values()),
                        row.amount().currency()), row.amount().amount())).isNull();
            }
            assertThat(normalized(reportedSeries)).as("series " + query).isEqualTo(normalized(series));
            assertThat(normalized(reportedRows)).as("rows " + query).isEqualTo(normalized(rows));
        }
    }

    /** Feeds a cube, noting how the sums came. */
    private static final class Sink implements RollupSink {
        final CostCube cube;
        boolean asCells;
        boolean asRollups;

        Sink(CostCube cube) {
            this.cube = cube;
        }

        @Override
        public void cells(CostCellColumns block) {
            asCells = true;
            cube.cells(block);
        }

        @Override
        public void projectSeries(CostCellColumns block) {
            asRollups = true;
            cube.projectSeries(block);
        }

        @Override
        public void rows(CostCellColumns block) {
            asRollups = true;
            cube.rows(block);
        }
    }

    private static <K> Map<K, BigDecimal> normalized(Map<K, BigDecimal> sums) {
        Map<K, BigDecimal> out = new HashMap<>();
        sums.forEach((c, v) -> out.put(c, v.signum() == 0 ? BigDecimal.ZERO : v.stripTrailingZeros()));
        return out;
    }

    private static List<CostRecord> window(SplittableRandom random, ServiceAccount a, YearMonth month) {
        List<CostRecord> out = new ArrayList<>();
        int n = 100 + random.nextInt(100);
        ChargeCategory[] categories = ChargeCategory.values();
        for (int i = 0; i < n; i++) {
            LocalDate day = month.atDay(1 + random.nextInt(month.lengthOfMonth()));
            out.add(CostRecord.builder().chargeDate(day).provider(PROVIDER).billingAccountId("acct")
                    .serviceAccount(a.id()).project(a.project()).service("svc-" + random.nextInt(25))
                    .region("r-" + random.nextInt(4)).usageType("usage")
                    .chargeCategory(categories[random.nextInt(categories.length)])
                    .tags(TAGS.get(random.nextInt(TAGS.size())))
                    .billedCost(new Money(InMemoryRollupTest.amount(random), CURRENCIES.get(random.nextInt(2))))
                    .build());
        }
        return out;
    }
}
