package dev.billing.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The ratios of {@link ShortRun} that a loaded machine blurs most, measured as CPU time with the contenders
 * alternating in one JVM, round after round (the first three rounds warm up): a burst of load then hits every
 * contender of a round alike. The report from the store and DuckDB's {@code threads=1} query run on the calling
 * thread, so they are timed by its CPU time; the live reports run on the fetch threads, so they are timed by the
 * process's. Then the kernel's full cube against the naive stream, ours the median of three per round. Run it with
 * {@code java -Xms6g -Xmx6g -cp billing-benchmarks/target/benchmarks.jar dev.billing.benchmarks.AlternatingRun 13}
 * ({@code AlternatingRun 13 store}: the store's reports and DuckDB's query alone).
 */
public final class AlternatingRun {
    private static final int WARM_UP = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private AlternatingRun() {
    }

    @FunctionalInterface
    private interface Op {
        void run() throws Exception;
    }

    /** @param args the number of rounds, warm-up included (13 by default) */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 13;
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
        String mode = args.length > 1 ? args[1] : "all";
        if (mode.equals("allocation")) {
            allocation(rounds, bh);
        } else {
            endToEnd(rounds, bh, mode.equals("all"));
            if (mode.equals("all")) {
                kernel(Math.max(2, rounds / 2), bh);
            }
        }
        System.exit(0);
    }

    /**
     * The reports with the allocation of {@link EndToEndBenchmark} and without, live and from the store, alternating
     * ({@code AlternatingRun 11 allocation}): the live ones timed by the process's CPU time (they run on the fetch
     * threads), the store's by the thread's.
     */
    private static void allocation(int rounds, Blackhole bh) throws Exception {
        EndToEndBenchmark.Data d = data();
        EndToEndBenchmark b = new EndToEndBenchmark();
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("oursDomain", () -> b.oursDomain(d, bh));
        ops.put("oursDomainAllocated", () -> b.oursDomainAllocated(d, bh));
        ops.put("oursDaily", () -> b.oursDaily(d, bh));
        ops.put("oursDailyAllocated", () -> b.oursDailyAllocated(d, bh));
        ops.put("storeDomain", () -> b.storeDomain(d, bh));
        ops.put("storeDomainAllocated", () -> b.storeDomainAllocated(d, bh));
        ops.put("storeDaily", () -> b.storeDaily(d, bh));
        ops.put("storeDailyAllocated", () -> b.storeDailyAllocated(d, bh));
        Map<String, List<Double>> thread = new LinkedHashMap<>();
        Map<String, List<Double>> process = new LinkedHashMap<>();
        alternate(rounds, ops, thread, process);
        EndToEndBenchmark.Data.release();
        ratio("live, domain + every project by month, without vs with allocation (process CPU; target: the time"
                + " <= 1.3x)", process.get("oursDomain"), process.get("oursDomainAllocated"), 1 / 1.3);
        ratio("live, service x day, without vs with allocation (process CPU; target: the time <= 1.3x)",
                process.get("oursDaily"), process.get("oursDailyAllocated"), 1 / 1.3);
        ratio("from CostStores.inMemory(), domain + every project by month, without vs with allocation (thread CPU;"
                + " target: the time <= 1.5x)", thread.get("storeDomain"), thread.get("storeDomainAllocated"), 1 / 1.5);
        ratio("from CostStores.inMemory(), service x day, without vs with allocation (thread CPU; target: the time"
                + " <= 1.5x)", thread.get("storeDaily"), thread.get("storeDailyAllocated"), 1 / 1.5);
    }

    /**
     * Runs the operations in turn, round after round, and notes each one's thread and process CPU times after the
     * warm-up.
     */
    private static void alternate(int rounds, Map<String, Op> ops, Map<String, List<Double>> thread,
                                  Map<String, List<Double>> process) throws Exception {
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Op> op : ops.entrySet()) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                long p0 = PROCESS.getProcessCpuTime();
                op.getValue().run();
                if (r >= WARM_UP) {
                    thread.computeIfAbsent(op.getKey(), k -> new ArrayList<>())
                            .add((THREADS.getCurrentThreadCpuTime() - t0) / 1e6);
                    process.computeIfAbsent(op.getKey(), k -> new ArrayList<>())
                            .add((PROCESS.getProcessCpuTime() - p0) / 1e6);
                }
            }
        }
    }

    /** @return the end-to-end benchmark's data, set up: 5,000,000 line items, or {@code -Drows=N} */
    private static EndToEndBenchmark.Data data() throws Exception {
        EndToEndBenchmark.Data d = new EndToEndBenchmark.Data();
        d.rows = Integer.getInteger("rows", 5_000_000);
        d.setUp();
        return d;
    }

    /** @param live whether the live reports run too ({@code AlternatingRun N store}: the store's and DuckDB's alone) */
    private static void endToEnd(int rounds, Blackhole bh, boolean live) throws Exception {
        EndToEndBenchmark.Data d = data();
        EndToEndBenchmark b = new EndToEndBenchmark();
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("duckDbQueryDaily", () -> b.duckDbQueryDaily(d, bh));
        ops.put("storeDaily", () -> b.storeDaily(d, bh));
        ops.put("storeDailyTeam", () -> b.storeDailyTeam(d, bh));
        if (live) {
            ops.put("oursDaily", () -> b.oursDaily(d, bh));
            ops.put("oursDailyTeam", () -> b.oursDailyTeam(d, bh));
        }
        Map<String, List<Double>> thread = new LinkedHashMap<>();
        Map<String, List<Double>> process = new LinkedHashMap<>();
        alternate(rounds, ops, thread, process);
        EndToEndBenchmark.Data.release();
        ratio("from CostStores.inMemory(), service x day, ours vs DuckDB threads=1 query alone (thread CPU)",
                thread.get("duckDbQueryDaily"), thread.get("storeDaily"), 2);
        ratio("from CostStores.inMemory(), service x day vs tag:team x day (thread CPU; target: the time <= 1.3x)",
                thread.get("storeDaily"), thread.get("storeDailyTeam"), 1 / 1.3);
        if (live) {
            ratio("live, service x day vs tag:team x day (process CPU; target: the time <= 1.3x)",
                    process.get("oursDaily"), process.get("oursDailyTeam"), 1 / 1.3);
        }
    }

    private static void kernel(int rounds, Blackhole bh) {
        KernelBenchmark.Data d = new KernelBenchmark.Data();
        d.rows = 10_000_000;
        d.accounts = 5_000;
        d.setUp();
        KernelBenchmark b = new KernelBenchmark();
        List<Double> ours = new ArrayList<>();
        List<Double> naive = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double[] three = new double[3];
            for (int i = 0; i < three.length; i++) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                b.cubeOurs(d, bh);
                three[i] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
            }
            long t0 = THREADS.getCurrentThreadCpuTime();
            b.cubeNaive(d, bh);
            double n = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
            if (r > 0) {
                Arrays.sort(three);
                ours.add(three[1]);
                naive.add(n);
            }
        }
        ratio("kernel, full cube day x service x region x account, ours vs naive stream (thread CPU)", naive, ours, 25);
    }

    /** Prints the per-round ratios {@code peer / ours} and their median against a target. */
    private static void ratio(String what, List<Double> peer, List<Double> ours, double target) {
        double[] ratios = new double[ours.size()];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = peer.get(i) / ours.get(i);
            each.append(String.format(Locale.ROOT, " %.2f", ratios[i]));
        }
        Arrays.sort(ratios);
        double median = ratios[ratios.length / 2];
        System.out.printf(Locale.ROOT, "%s: median %.2fx (%.1f vs %.1f ms median; per round:%s) (target >= %.2fx: %s)%n",
                what, median, median(peer), median(ours), each, target, median >= target ? "met" : "MISSED");
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[v.length / 2];
    }
}
