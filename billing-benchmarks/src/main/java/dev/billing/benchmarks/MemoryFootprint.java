package dev.billing.benchmarks;

import dev.billing.core.CostRecord;
import dev.billing.core.spi.CostStore;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 3: heap bytes per line item, measured as the growth of the heap used after a full GC
 * when the same seeded line items (each with a sub account and a tag set of two keys) are held by
 * {@link CostStores#inMemory()} (dictionaries and window bookkeeping included, loaded window by window
 * through the SPI) and by a list of {@link CostRecord}s; and, side by side, the same line items without tags in
 * a store. The list is measured at its best: strings,
 * dates, ids, tag maps and the currency are shared between records, as the generator makes them.
 */
public final class MemoryFootprint {
    private MemoryFootprint() {
    }

    /** Bytes per line item of the store, of the store of the same line items without tags, of the list. */
    record Result(double store, double storeUntagged, double list) {
    }

    /** @param args the number of line items, 10,000,000 by default */
    public static void main(String[] args) {
        Result r = measure(args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000);
        System.out.printf("memory per line item: store %.1f B (without tags %.1f B), list of records %.1f B%n",
                r.store(), r.storeUntagged(), r.list());
    }

    static Result measure(int rows) {
        CostData data = new CostData(rows, 5_000, 100, LocalDate.of(2026, 1, 1), 31, 42);
        double tagged = storeBytes(data, rows);
        double untagged = storeBytes(data.untagged(), rows);
        long before2 = usedAfterGc();
        List<CostRecord> list = new ArrayList<>();
        data.forEach(list::add);
        ((ArrayList<CostRecord>) list).trimToSize();
        long withList = usedAfterGc();
        Reference.reachabilityFence(list);
        return new Result(tagged, untagged, (double) (withList - before2) / rows);
    }

    private static double storeBytes(CostData data, int rows) {
        long before = usedAfterGc();
        CostStore store = StoreLoad.load(data).store();
        long withStore = usedAfterGc();
        Reference.reachabilityFence(store);
        return (double) (withStore - before) / rows;
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
