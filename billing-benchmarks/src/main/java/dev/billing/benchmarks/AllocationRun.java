package dev.billing.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.spi.BillingProvider;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The live reports with and without {@link EndToEndData#allocation()} ({@code oursDomain},
 * {@code oursDomainAllocated}, {@code oursDaily}, {@code oursDailyAllocated} of {@link EndToEndBenchmark}), alternating
 * in one JVM round after round and timed by the process's CPU time (the live reports run on the fetch threads), the
 * first three rounds warming up; prints each pair's ratio (allocated / raw) per round, its median and range, and a
 * digest of the four reports (so that two builds can be checked to answer identically). Run it with
 * {@code java -Xms6g -Xmx6g -cp billing-benchmarks/target/benchmarks.jar dev.billing.benchmarks.AllocationRun 11
 * 5000000}.
 */
public final class AllocationRun {
    private static final int WARM_UP = 3;
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private AllocationRun() {
    }

    /**
     * @param args the number of rounds, warm-up included (11 by default), of line items (5,000,000), and optionally
     *     the names of the reports to run, comma-separated (to profile one; then no ratio is printed)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
        EndToEndData data = new EndToEndData(rows, 2_000, 50, 18);
        BillingProvider provider = data.provider(data.generate());
        Billing raw = EndToEndBenchmark.billing(provider, data);
        Billing allocated = EndToEndBenchmark.billing(provider, data, EndToEndData.allocation());
        CostQuery domain = CostQuery.of(EndToEndData.PERIOD);
        CostQuery daily = CostQuery.builder(EndToEndData.PERIOD).granularity(Granularity.DAILY)
                .groupBy(Dimension.SERVICE).build();
        Map<String, Supplier<CostReport>> ops = new LinkedHashMap<>();
        ops.put("oursDomain", () -> raw.costs().report(domain));
        ops.put("oursDomainAllocated", () -> allocated.costs().report(domain));
        ops.put("oursDaily", () -> raw.costs().report(daily));
        ops.put("oursDailyAllocated", () -> allocated.costs().report(daily));
        if (args.length > 2) {
            ops.keySet().retainAll(List.of(args[2].split(",")));
        }
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, String> digests = new TreeMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Supplier<CostReport>> op : ops.entrySet()) {
                long p0 = PROCESS.getProcessCpuTime();
                CostReport report = op.getValue().get();
                double ms = (PROCESS.getProcessCpuTime() - p0) / 1e6;
                if (r == 0) {
                    digests.put(op.getKey(), digest(report));
                }
                if (r >= WARM_UP) {
                    cpu.computeIfAbsent(op.getKey(), k -> new ArrayList<>()).add(ms);
                }
            }
        }
        digests.forEach((k, v) -> System.out.println("digest " + k + ": " + v));
        if (ops.size() < 4) {
            cpu.forEach((k, v) -> System.out.println(k + ": " + median(v) + " ms CPU median"));
            System.exit(0);
        }
        ratio("live, domain + every project by month, with / without allocation (process CPU; target <= 1.3x)",
                cpu.get("oursDomainAllocated"), cpu.get("oursDomain"));
        ratio("live, service x day, with / without allocation (process CPU; target <= 1.3x)",
                cpu.get("oursDailyAllocated"), cpu.get("oursDaily"));
        raw.close();
        allocated.close();
        System.exit(0);
    }

    /** @return a hash of everything the report shows: series, rows and provenance */
    private static String digest(CostReport report) {
        StringBuilder s = new StringBuilder();
        s.append(new TreeMap<>(EndToEndBenchmark.domainCells(report)));
        report.rows().forEach(row -> s.append(row).append('\n'));
        report.allocation().ifPresent(a -> s.append(a));
        return Integer.toHexString(s.toString().hashCode()) + " (" + report.rows().size() + " rows, "
                + report.projects().size() + " projects)";
    }

    private static void ratio(String what, List<Double> allocated, List<Double> raw) {
        double[] ratios = new double[raw.size()];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = allocated.get(i) / raw.get(i);
            each.append(String.format(Locale.ROOT, " %.2f", ratios[i]));
        }
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "%s: median %.2fx, range %.2f-%.2fx (%.0f vs %.0f ms CPU median; per round:%s)%n",
                what, ratios[ratios.length / 2], ratios[0], ratios[ratios.length - 1], median(allocated), median(raw),
                each);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[v.length / 2];
    }
}
