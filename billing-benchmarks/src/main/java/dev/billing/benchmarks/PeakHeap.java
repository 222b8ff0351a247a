package dev.billing.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Benchmark 7: the peak heap of a live report against the naive code's list of records, with a provider
 * that generates each account's line items as it is fetched (so that the provider holds none).
 *
 * <ul>
 *   <li>the naive list: the heap growth, after a full GC, of holding every line item in one {@code List}
 *       (what the naive contender of {@link EndToEndBenchmark} builds before grouping);</li>
 *   <li>the live report: the largest heap in use after any GC while {@code report()} runs both queries of
 *       {@link EndToEndBenchmark}, less the heap in use before, in a JVM whose heap is capped at a third of
 *       the list's size; that it completes at all under that cap is the proof, the number is the measure.</li>
 * </ul>
 * Run {@code java -cp benchmarks.jar dev.billing.benchmarks.PeakHeap}; it forks the live JVM itself.
 */
public final class PeakHeap {
    private PeakHeap() {
    }

    /**
     * @param listBytes the naive list's heap growth
     * @param livePeakBytes the live report's peak heap after GC, above the heap before it
     * @param liveCells how many rows and series points the live reports held (to prove they ran)
     * @param completed whether the live reports completed under the heap cap
     * @param capBytes the heap cap of the live JVM, or 0 when measured in process
     */
    record Result(long listBytes, long livePeakBytes, long liveCells, boolean completed, long capBytes) {
    }

    /**
     * @param args none to measure (the list here, the live report in a forked JVM capped at a third of it);
     *     {@code live} to be that forked JVM
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length > 0 && args[0].equals("live")) {
            long[] live = live(EndToEndData.standard());
            System.out.println("live " + live[0] + " " + live[1]);
            return;
        }
        Result r = measure();
        System.out.println(describe(r));
    }

    static String describe(Result r) {
        return String.format(Locale.ROOT, "peak heap of a live report: %.1f MB (in a JVM capped at %.0f MB: %s) vs"
                        + " %.1f MB for the naive list of 5,000,000 records (%.1fx less; target <= 1/3: %s)",
                r.livePeakBytes() / 1e6, r.capBytes() / 1e6, r.completed() ? "completed" : "FAILED",
                r.listBytes() / 1e6, (double) r.listBytes() / Math.max(1, r.livePeakBytes()),
                r.completed() && r.livePeakBytes() * 3 <= r.listBytes() ? "met" : "MISSED");
    }

    /** Measures the list here and the live report in a JVM capped at a third of the list's size. */
    static Result measure() throws IOException, InterruptedException {
        EndToEndData data = EndToEndData.standard();
        long list = list(data);
        long cap = list / 3;
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx" + (cap >> 20) + "m", "-cp", System.getProperty("java.class.path"),
                PeakHeap.class.getName(), "live").redirectErrorStream(true).start();
        long peak = -1;
        long cells = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("live ")) {
                    String[] parts = line.split(" ");
                    peak = Long.parseLong(parts[1]);
                    cells = Long.parseLong(parts[2]);
                } else {
                    System.out.println("[live JVM] " + line);
                }
            }
        }
        boolean done = p.waitFor(30, TimeUnit.MINUTES) && p.exitValue() == 0 && peak >= 0;
        return new Result(list, Math.max(peak, 0), cells, done, cap >> 20 << 20);
    }

    /** Both measurements in this JVM, uncapped (for a quick check on small data). */
    static Result measureInProcess(EndToEndData data) {
        long list = list(data);
        long[] live = live(data);
        return new Result(list, live[0], live[1], true, 0);
    }

    private static long list(EndToEndData data) {
        BillingProvider provider = data.provider(null);
        try (Billing billing = EndToEndBenchmark.billing(provider, data)) {
            List<ServiceAccount> accounts = billing.serviceAccounts().list();
            long before = usedAfterGc();
            List<CostRecord> all = EndToEndBenchmark.naiveList(provider, accounts, Granularity.DAILY);
            ((ArrayList<CostRecord>) all).trimToSize();
            long with = usedAfterGc();
            Reference.reachabilityFence(all);
            return with - before;
        }
    }

    /** @return the peak heap after GC above the heap before, and the number of rows and points reported */
    private static long[] live(EndToEndData data) {
        BillingProvider provider = data.provider(null);
        try (Billing billing = EndToEndBenchmark.billing(provider, data)) {
            CostQuery domain = CostQuery.of(EndToEndData.PERIOD);
            CostQuery daily = CostQuery.builder(EndToEndData.PERIOD).granularity(Granularity.DAILY)
                    .groupBy(Dimension.SERVICE).build();
            billing.costs().report(CostQuery.of(dev.billing.core.BillingPeriod.day(EndToEndData.PERIOD.start())));
            long before = usedAfterGc();
            AtomicLong peak = new AtomicLong(before);
            List<Runnable> stop = watchAfterGc(peak);
            long cells = 0;
            try {
                for (CostQuery q : List.of(domain, daily)) {
                    CostReport r = billing.costs().report(q);
                    if (!r.isComplete()) {
                        throw new IllegalStateException("the live report is incomplete: " + r.coverage());
                    }
                    cells += r.rows().size() + r.domain().series().size();
                    Reference.reachabilityFence(r);
                }
            } finally {
                stop.forEach(Runnable::run);
            }
            return new long[] {Math.max(0, peak.get() - before), cells};
        }
    }

    /** Records the heap in use after every GC (all pools) into {@code peak}; returns how to stop. */
    private static List<Runnable> watchAfterGc(AtomicLong peak) {
        List<Runnable> stops = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                javax.management.NotificationListener l = (n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long after = 0;
                        for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                            after += u.getUsed();
                        }
                        peak.accumulateAndGet(after, Math::max);
                    }
                };
                emitter.addNotificationListener(l, null, null);
                stops.add(() -> {
                    try {
                        emitter.removeNotificationListener(l);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
        return stops;
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, used());
        }
        return used;
    }
}
