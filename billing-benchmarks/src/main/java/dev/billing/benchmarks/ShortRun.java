package dev.billing.benchmarks;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The short mode: every benchmark with few, short iterations, then one ratio per line, each
 * measured side by side in this run. The end-to-end benchmarks run in this JVM (their 5 M line items are
 * generated, synced and loaded into DuckDB once for all), and so do the kernel benchmarks (their 10 M line items
 * are loaded once for all six); the others fork as their annotations say. Run it with
 * {@code java -Xmx8g -cp billing-benchmarks/target/benchmarks.jar dev.billing.benchmarks.ShortRun}.
 */
public final class ShortRun {
    /** Line items of the memory measurement; the bytes per item barely change above a million. */
    private static final int MEMORY_ROWS = 2_000_000;
    /**
     * {@code EndToEndBenchmark.sync} on the code before the streaming engine (commit 4bae43a), in ms/op:
     * ingestion has no peer to run side by side, so the figure of the old code is given with
     * {@code -DsyncBeforeMs=...} (measured in the same session) or is the one measured on the shared 2-core
     * machine when this engine was written.
     */
    private static final double SYNC_BEFORE_MS = Double.parseDouble(System.getProperty("syncBeforeMs", "1428.9"));
    private final Map<String, Double> msPerOp = new HashMap<>();

    private ShortRun() {
    }

    /** @param args none */
    public static void main(String[] args) throws Exception {
        MemoryFootprint.Result memory = MemoryFootprint.measure(MEMORY_ROWS);
        PeakHeap.Result peak = PeakHeap.measure();
        ShortRun run = new ShortRun();
        run.run(EndToEndBenchmark.class, 0);
        EndToEndBenchmark.Data.release();
        run.run(KernelBenchmark.class, 0);
        run.run(RollupBenchmark.class, 1);
        run.run(FetchBenchmark.class, 1);
        System.out.println();
        System.out.println("=== ratios (higher is better for us), measured side by side in this run ===");
        run.endToEnd(peak);
        run.ratio("kernel, one key (5,000 groups), ours vs DuckDB threads=1", "KernelBenchmark.oneKeyDuckDb",
                "KernelBenchmark.oneKeyOurs", 2.5);
        run.ratio("kernel, one key (5,000 groups), ours vs naive stream", "KernelBenchmark.oneKeyNaive",
                "KernelBenchmark.oneKeyOurs", 10);
        run.ratio("kernel, full cube day x service x region x account, ours vs naive stream",
                "KernelBenchmark.cubeNaive", "KernelBenchmark.cubeOurs", 25);
        run.ratio("kernel, full cube, ours vs DuckDB threads=1 (no target)", "KernelBenchmark.cubeDuckDb",
                "KernelBenchmark.cubeOurs", 0);
        System.out.printf(Locale.ROOT, "memory per line item with a sub account and a tag set: %.1f B in"
                        + " CostStores.inMemory() vs %.1f B in a list of records (%.1fx less; %,d line items;"
                        + " target <= 36 B: %s)%n", memory.store(), memory.list(),
                memory.list() / memory.store(), MEMORY_ROWS, memory.store() <= 36 ? "met" : "MISSED");
        double tagBytes = memory.store() - memory.storeUntagged();
        System.out.printf(Locale.ROOT, "memory per line item, with tags vs the same line items without: %.1f B more"
                        + " (%.1f vs %.1f B; target <= 8 B more: %s)%n", tagBytes, memory.store(),
                memory.storeUntagged(), tagBytes <= 8 ? "met" : "MISSED");
        run.ratio("roll-up, domain and every project by month, ours vs DuckDB threads=1",
                "RollupBenchmark.duckDb", "RollupBenchmark.ours", 2);
        Double small = run.msPerOp.get("RollupBenchmark.oursUnder64m");
        System.out.println(small == null ? "roll-up under -Xmx64m: did not complete"
                : String.format(Locale.ROOT, "roll-up under -Xmx64m: completed, %.2f ms/op", small));
        run.ratio("fetch 1,000 accounts from the simulator, ours vs raw HttpClient.sendAsync (the ceiling)",
                "FetchBenchmark.raw", "FetchBenchmark.ours", 0.8);
        run.ratio("fetch 1,000 accounts, ours vs sequential", "FetchBenchmark.sequential", "FetchBenchmark.ours", 10);
    }

    /** The end-to-end lines: live reports, reports from the in-memory store, ingestion and peak heap. */
    private void endToEnd(PeakHeap.Result peak) {
        String e = "EndToEndBenchmark.";
        ratio("end to end, live domain + every project by month, ours vs naive List + groupingBy",
                e + "naiveDomain", e + "oursDomain", 3);
        ratio("end to end, live domain + every project by month, ours vs DuckDB threads=1 append + query (no target)",
                e + "duckDbLoadDomain", e + "oursDomain", 0);
        ratio("end to end, live domain + every project by month, ours vs DuckDB threads=1 query alone (no target)",
                e + "duckDbQueryDomain", e + "oursDomain", 0);
        ratio("end to end, live service x day DAILY, ours vs naive List + groupingBy",
                e + "naiveDaily", e + "oursDaily", 2.5);
        ratio("end to end, live service x day DAILY, ours vs DuckDB threads=1 append + query (no target)",
                e + "duckDbLoadDaily", e + "oursDaily", 0);
        ratio("end to end, live service x day DAILY, ours vs DuckDB threads=1 query alone (no target)",
                e + "duckDbQueryDaily", e + "oursDaily", 0);
        ratio("end to end, from CostStores.inMemory(), service x day, ours vs DuckDB threads=1 query alone",
                e + "duckDbQueryDaily", e + "storeDaily", 2);
        ratio("end to end, from CostStores.inMemory(), domain by month, ours vs DuckDB threads=1 query alone",
                e + "duckDbQueryDomain", e + "storeDomain", 10);
        atMost("end to end, live tag:team x day vs live service x day, on the same data", e + "oursDaily",
                e + "oursDailyTeam", 1.3);
        atMost("end to end, from CostStores.inMemory(), tag:team x day vs service x day, on the same data",
                e + "storeDaily", e + "storeDailyTeam", 1.3);
        atMost("end to end with allocation (50 rules, 3 splits), live domain + every project by month vs without",
                e + "oursDomain", e + "oursDomainAllocated", 1.3);
        atMost("end to end with allocation (50 rules, 3 splits), live service x day vs without", e + "oursDaily",
                e + "oursDailyAllocated", 1.3);
        atMost("end to end with allocation (50 rules, 3 splits), from CostStores.inMemory(), domain + every project"
                + " by month vs without", e + "storeDomain", e + "storeDomainAllocated", 1.5);
        atMost("end to end with allocation (50 rules, 3 splits), from CostStores.inMemory(), service x day vs without",
                e + "storeDaily", e + "storeDailyAllocated", 1.5);
        Double sync = msPerOp.get(e + "sync");
        System.out.println(sync == null ? "ingestion (CostSync into CostStores.inMemory()): not measured"
                : String.format(Locale.ROOT, "ingestion, CostSync of 5,000,000 line items into CostStores.inMemory():"
                        + " %.2fx faster than before this engine (%.2f vs %.2f ms/op measured before; target >= 2.0x: %s)",
                SYNC_BEFORE_MS / sync, SYNC_BEFORE_MS, sync, SYNC_BEFORE_MS / sync >= 2 ? "met" : "MISSED"));
        if (sync != null) {
            double perSecond = 5_000_000 / (sync / 1000);
            System.out.printf(Locale.ROOT, "ingestion, in-process sync into memory: %,.0f line items/s (target >= 1,000,000:"
                    + " %s)%n", perSecond, perSecond >= 1_000_000 ? "met" : "MISSED");
        }
        atMost("ingestion, CostSync into CostStores.inMemory(), with tags vs the same line items without",
                e + "syncUntagged", e + "sync", 1.25);
        System.out.println(PeakHeap.describe(peak));
    }

    private void run(Class<?> benchmark, int forks) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                // a benchmark that fails (the roll-up under -Xmx64m) is reported as not measured, the others still run
                .shouldFailOnError(false);
        if (forks == 0) {
            options.forks(0);
        }
        for (RunResult r : new Runner(options.build()).run()) {
            String name = r.getParams().getBenchmark();
            String simple = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            msPerOp.put(simple, r.getPrimaryResult().getScore());
        }
    }

    /** Prints how many times slower {@code measured} is than {@code base}, against an upper bound. */
    private void atMost(String what, String base, String measured, double limit) {
        Double b = msPerOp.get(base);
        Double m = msPerOp.get(measured);
        if (b == null || m == null) {
            System.out.println(what + ": not measured");
            return;
        }
        double times = m / b;
        System.out.printf(Locale.ROOT, "%s: %.2fx the time (%.2f vs %.2f ms/op) (target <= %.2fx: %s)%n", what, times,
                m, b, limit, times <= limit ? "met" : "MISSED");
    }

    private void ratio(String what, String peer, String ours, double target) {
        Double p = msPerOp.get(peer);
        Double o = msPerOp.get(ours);
        if (p == null || o == null) {
            System.out.println(what + ": not measured");
            return;
        }
        double ratio = p / o;
        String verdict = target <= 0 ? "" : String.format(Locale.ROOT, " (target >= %.1fx: %s)", target,
                ratio >= target ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "%s: %.2fx (%.2f vs %.2f ms/op)%s%n", what, ratio, p, o, verdict);
    }
}
