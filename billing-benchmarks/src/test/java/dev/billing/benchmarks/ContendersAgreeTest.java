package dev.billing.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.CostRecord;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every benchmark's contenders, on small data, give exactly the answer of a {@link BigDecimal} reference the test
 * computes itself from the generated line items (a plain loop, no contender's code), cell by cell and to the last
 * digit; the reference is checked to be neither empty nor trivial first. A contender that drifts fails here, not
 * only when the contenders disagree among themselves.
 */
class ContendersAgreeTest {

    /** The exact sums of {@code records} by {@code key}. */
    private static Map<String, BigDecimal> reference(Iterable<CostRecord> records, Function<CostRecord, String> key) {
        Map<String, BigDecimal> sums = new HashMap<>();
        for (CostRecord r : records) {
            sums.merge(key.apply(r), r.billedCost().amount(), BigDecimal::add);
        }
        return sums;
    }

    /** Asserts the reference is not trivial: at least {@code minCells} cells, not all of them zero. */
    private static void assertNotTrivial(Map<String, BigDecimal> reference, int minCells) {
        assertThat(reference).hasSizeGreaterThanOrEqualTo(minCells);
        assertThat(reference.values()).anySatisfy(v -> assertThat(v.signum()).isNotZero());
    }

    /** Asserts {@code actual} has exactly the reference's cells, each numerically equal to the last digit. */
    private static void assertExact(String contender, Map<String, BigDecimal> actual, Map<String, BigDecimal> reference) {
        assertThat(actual.keySet()).as(contender + ": cells").containsExactlyInAnyOrderElementsOf(reference.keySet());
        reference.forEach((cell, expected) -> assertThat(actual.get(cell)).as(contender + " at " + cell)
                .isEqualByComparingTo(expected));
    }

    @Test
    void kernel_everyContender_equalsTheReferenceToTheLastDigit() {
        KernelBenchmark.Data data = new KernelBenchmark.Data();
        data.rows = 20_000;
        data.accounts = 50;
        data.setUp();

        Map<String, BigDecimal> byAccount = reference(data.records, CostRecord::billingAccountId);
        assertNotTrivial(byAccount, 50);
        assertExact("ours", KernelBenchmark.cells(data, data.oneKey, false), byAccount);
        assertExact("duckdb", data.duck.cells(KernelBenchmark.ONE_KEY_SQL), byAccount);
        assertExact("naive", KernelBenchmark.naiveOneKey(data.records), byAccount);

        Map<String, BigDecimal> cube = reference(data.records,
                r -> r.chargeDate() + "|" + r.service() + "|" + r.region() + "|" + r.billingAccountId());
        assertNotTrivial(cube, 1_000);
        assertExact("ours", KernelBenchmark.cells(data, data.cube, true), cube);
        assertExact("naive", KernelBenchmark.stringKeys(KernelBenchmark.naiveCube(data.records),
                k -> k.day() + "|" + k.service() + "|" + k.region() + "|" + k.account()), cube);
        // DuckDB's cube is read as its summary (cells, total, total of absolute values), as the benchmark times it
        assertExact("duckdb", KernelBenchmark.duckSummary(data.duck), KernelBenchmark.summary(cube));
    }

    @Test
    void rollup_everyContender_equalsTheReferenceToTheLastDigit() {
        RollupBenchmark.Data data = new RollupBenchmark.Data();
        data.rows = 20_000;
        data.accounts = 200;
        data.setUp();

        Map<String, BigDecimal> byProjectAndMonth = new HashMap<>();
        data.source.forEach(r -> {
            assertThat(data.query.period().contains(r.chargeDate())).isTrue();
            String month = YearMonth.from(r.chargeDate()).toString();
            byProjectAndMonth.merge(r.project().value() + "|" + month, r.billedCost().amount(), BigDecimal::add);
            byProjectAndMonth.merge("domain|" + month, r.billedCost().amount(), BigDecimal::add);
        });
        assertNotTrivial(byProjectAndMonth, 12 * 10);

        assertExact("ours", RollupBenchmark.Data.ours(data, data.query), byProjectAndMonth);
        assertExact("duckdb", data.duckCells(), byProjectAndMonth);
        assertExact("ours, the store's kernel", RollupBenchmark.Data.ours(data, data.byProject), byProjectAndMonth);
    }

    @Test
    @Timeout(60)
    void fetch_everyContender_fetchesTheReferenceTotalToTheLastDigit() {
        FetchBenchmark.Setting setting = new FetchBenchmark.Setting();
        setting.accountCount = 40;
        setting.setUp();
        try {
            // the reference sums the simulator's own rows of January, as data, not through any HTTP answer
            BigDecimal total = BigDecimal.ZERO;
            int rows = 0;
            for (SimulatorData.Row r : setting.simulator.data().rows()) {
                if (FetchBenchmark.JANUARY.contains(r.date())) {
                    total = total.add(r.cost());
                    rows++;
                }
            }
            assertThat(rows).isGreaterThan(40);
            Map<String, BigDecimal> reference = Map.of("USD", total);
            assertNotTrivial(reference, 1);
            assertExact("ours", Map.of("USD", FetchBenchmark.total(setting.concurrent)), reference);
            assertExact("sequential", Map.of("USD", FetchBenchmark.total(setting.sequential)), reference);
            assertExact("raw sendAsync", Map.of("USD", FetchBenchmark.rawTotal(setting)), reference);
        } finally {
            setting.tearDown();
        }
    }

    @Test
    @Timeout(120)
    void endToEnd_everyContender_equalsTheReferenceToTheLastDigit() throws Exception {
        EndToEndBenchmark.Data data = new EndToEndBenchmark.Data();
        data.rows = 20_000;
        data.setUp();
        try {
            // the reference regenerates every account's line items from the data set's seed
            Map<String, BigDecimal> domain = new HashMap<>();
            Map<String, BigDecimal> daily = new HashMap<>();
            for (int a = 0; a < data.data.accounts(); a++) {
                data.data.forEach(a, r -> {
                    if (!EndToEndData.PERIOD.contains(r.chargeDate())) {
                        return;
                    }
                    String month = YearMonth.from(r.chargeDate()) + "|" + r.billedCost().currency().getCurrencyCode();
                    domain.merge(r.project().value() + "|" + month, r.billedCost().amount(), BigDecimal::add);
                    domain.merge("domain|" + month, r.billedCost().amount(), BigDecimal::add);
                    daily.merge(r.chargeDate() + "|" + r.service() + "|" + r.billedCost().currency().getCurrencyCode(),
                            r.billedCost().amount(), BigDecimal::add);
                });
            }
            assertNotTrivial(domain, 3 * 2 * 10);
            assertNotTrivial(daily, 90);
            assertThat(domain.keySet()).anyMatch(k -> k.endsWith("|KRW")).anyMatch(k -> k.endsWith("|USD"));

            assertExact("ours", EndToEndBenchmark.domainCells(data.billing.costs().report(data.domain)), domain);
            assertExact("ours from the store", EndToEndBenchmark.domainCells(data.sync.report(data.domain)), domain);
            assertExact("duckdb", data.duck.domainCells(), domain);
            assertExact("naive", EndToEndBenchmark.naiveDomain(data), domain);

            assertExact("ours", EndToEndBenchmark.rowCells(data.billing.costs().report(data.daily)), daily);
            assertExact("ours from the store", EndToEndBenchmark.rowCells(data.sync.report(data.daily)), daily);
            assertExact("duckdb", data.duck.cells(EndToEndBenchmark.DAILY_SQL), daily);
            assertExact("naive", EndToEndBenchmark.naiveDaily(data), daily);
        } finally {
            EndToEndBenchmark.Data.release();
        }
    }

    @Test
    @Timeout(120)
    void peakHeap_onSmallData_measuresBothHolders() {
        PeakHeap.Result r = PeakHeap.measureInProcess(new EndToEndData(20_000, 200, 10, 18));

        assertThat(r.listBytes()).isPositive();
        assertThat(r.liveCells()).isPositive();
    }
}
