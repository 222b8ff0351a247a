package dev.billing.core.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.ProjectId;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.AlertLog;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostCellColumns;
import dev.billing.core.spi.RollupSink;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import dev.billing.core.support.ClaimedWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The default {@link CostStore}: windows kept in this process's memory, in a {@link ColumnarStore},
 * one segment per window. A replacement is streamed into a new segment aside and swapped in for the
 * window's old segment in one step, so readers see the old or the new window whole.
 *
 * <p>Each window also keeps its exact totals per project and currency, computed once when it is
 * written, in the {@link WindowRollup} (its totals per currency are summed from those when asked). A whole-month
 * query at MONTHLY or YEARLY granularity without group-by, filtered at most by project and service account (the
 * domain and project dashboards), is answered from those: one small sum per window instead of a scan of its line
 * items. Other queries run the columnar kernel.
 */
public final class InMemoryCostStore implements CostStore {
    private record Key(ServiceAccountId account, YearMonth month) {
    }

    /**
     * A window: its line items and where its totals by project are in the {@link WindowRollup}. A store may hold
     * 100,000s of windows of a few line items each, so a window keeps nothing it can read from those.
     */
    private static final class Window {
        final ColumnarStore.Segment rows;
        final Instant syncedAt;
        /** The first of its rows in {@link #rollup}; guarded by the store. */
        int rollupStart;
        /** How many rows it has in {@link #rollup}: one per project and currency. */
        final int rollupCount;

        Window(ColumnarStore.Segment rows, Instant syncedAt, int rollupCount) {
            this.rows = rows;
            this.syncedAt = syncedAt;
            this.rollupCount = rollupCount;
        }
    }

    /**
     * One account's windows, oldest first: an immutable snapshot, rebuilt when one of its windows is replaced, so
     * that a report over 10,000 accounts reads two arrays per account and hands out its held months as a view of
     * them ({@link HeldMonths}).
     */
    private record Account(int id, YearMonth[] months, Window[] windows) {
        static final Account EMPTY = new Account(-1, new YearMonth[0], new Window[0]);

        Window get(YearMonth month) {
            int i = Arrays.binarySearch(months, month);
            return i < 0 ? null : windows[i];
        }

        Account with(YearMonth month, Window window) {
            int i = Arrays.binarySearch(months, month);
            YearMonth[] m;
            Window[] w;
            if (i >= 0) {
                m = months;
                w = windows.clone();
                w[i] = window;
            } else {
                int at = -i - 1;
                m = new YearMonth[months.length + 1];
                w = new Window[windows.length + 1];
                System.arraycopy(months, 0, m, 0, at);
                System.arraycopy(windows, 0, w, 0, at);
                m[at] = month;
                w[at] = window;
                System.arraycopy(months, at, m, at + 1, months.length - at);
                System.arraycopy(windows, at, w, at + 1, windows.length - at);
            }
            return new Account(id, m, w);
        }

        /** @return the held months from {@code first} to {@code last}, with their sync times */
        Map<YearMonth, Instant> held(YearMonth first, YearMonth last) {
            int from = 0;
            while (from < months.length && months[from].isBefore(first)) {
                from++;
            }
            int to = from;
            while (to < months.length && !months[to].isAfter(last)) {
                to++;
            }
            return new HeldMonths(months, windows, from, to);
        }
    }

    /**
     * The months {@code [from, to)} of an account's snapshot with their sync times, as an unmodifiable map read
     * from the snapshot's arrays (which never change): a store of 100,000s of windows keeps no map per account.
     */
    private static final class HeldMonths extends AbstractMap<YearMonth, Instant> {
        private final YearMonth[] months;
        private final Window[] windows;
        private final int from;
        private final int to;

        HeldMonths(YearMonth[] months, Window[] windows, int from, int to) {
            this.months = months;
            this.windows = windows;
            this.from = from;
            this.to = to;
        }

        @Override
        public Instant get(Object key) {
            int i = key instanceof YearMonth m ? Arrays.binarySearch(months, from, to, m) : -1;
            return i < 0 ? null : windows[i].syncedAt;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public int size() {
            return to - from;
        }

        @Override
        public Set<Entry<YearMonth, Instant>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<YearMonth, Instant>> iterator() {
                    return new Iterator<>() {
                        private int next = from;

                        @Override
                        public boolean hasNext() {
                            return next < to;
                        }

                        @Override
                        public Entry<YearMonth, Instant> next() {
                            if (next >= to) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(months[i], windows[i].syncedAt);
                        }
                    };
                }

                @Override
                public int size() {
                    return to - from;
                }
            };
        }
    }

    private final ColumnarStore columns = new ColumnarStore();
    /** Each account's windows. Guarded by this. */
    private final Map<ServiceAccountId, Account> windows = new HashMap<>();
    /** Every window's totals by project, for whole-month dashboard queries. Guarded by this. */
    private final WindowRollup rollup = new WindowRollup();
    /** One instance of each month the windows are of, shared by them. Guarded by this. */
    private final Map<YearMonth, YearMonth> months = new HashMap<>();
    private final Map<ServiceAccountId, Instant> lastSyncs = new HashMap<>();
    /** An immutable copy of {@link #lastSyncs}, handed to every report until the next sync changes it. */
    private Map<ServiceAccountId, Instant> lastSyncsCopy;
    private final Set<Key> replacing = ConcurrentHashMap.newKeySet();
    private final AlertLog alerts = AlertLog.inMemory();

    /** A window claimed in this process: no other sync of this store fetches it until it is given back. */
    private final class Lease extends ClaimedWindow {
        private final Key key;
        /** What {@link #appender()} took, not yet in the store. */
        private WindowSink appended;

        Lease(ServiceAccount account, YearMonth month, Key key) {
            super(account, month);
            this.key = key;
        }

        @Override
        public Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source) {
            try {
                WindowSink sink = appended != null ? appended : new WindowSink(account(), month(), columns.newSegment());
                return Optional.of(write(key, syncedAt, source, sink));
            } finally {
                close();
            }
        }

        /** Appends to a new segment of the store, committed by {@link #replace}. */
        @Override
        public Optional<CostSink> appender() {
            if (appended == null) {
                appended = new WindowSink(account(), month(), columns.newSegment());
            }
            return Optional.of(appended);
        }

        @Override
        protected synchronized void release() {
            appended = null;
            replacing.remove(key);
        }
    }

    @Override
    public Optional<WindowLease> claimWindow(ServiceAccount account, YearMonth month) {
        Key key = new Key(account.id(), month);
        return replacing.add(key) ? Optional.of(new Lease(account, month, key)) : Optional.empty();
    }

    @Override
    public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                     WindowSource source) {
        return claimWindow(account, month).flatMap(lease -> lease.replace(syncedAt, source));
    }

    @Override
    public synchronized Map<ServiceAccountId, Map<YearMonth, Instant>> heldWindows(
            Collection<ServiceAccountId> accounts, YearMonth first, YearMonth last) {
        Map<ServiceAccountId, Map<YearMonth, Instant>> out = new HashMap<>();
        if (last.isBefore(first)) {
            return out;
        }
        for (ServiceAccountId a : accounts) {
            Account held = windows.get(a);
            if (held != null) {
                Map<YearMonth, Instant> range = held.held(first, last);
                if (!range.isEmpty()) {
                    out.put(a, range);
                }
            }
        }
        return out;
    }

    /** Writes {@code source} to {@code sink} (after what it already holds) and replaces the window with it. */
    private WindowReplacement write(Key key, Instant syncedAt, WindowSource source, WindowSink sink) {
        ServiceAccount account = sink.account;
        ColumnarStore.Segment rows = sink.rows;
        FetchStats stats = source.writeTo(sink);
        if (sink.refused != null) {
            throw sink.refused;
        }
        List<WindowRollup.Sum> byProject = new ArrayList<>();
        rows.totalsByProject().forEach((project, amounts) -> amounts.forEach((currency, amount) ->
                byProject.add(new WindowRollup.Sum(ProjectId.of(project), currency, amount))));
        Window fresh = new Window(rows, syncedAt, byProject.size());
        Window old;
        List<Money> oldTotals = List.of();
        List<Money> totals;
        synchronized (this) {
            YearMonth month = months.computeIfAbsent(sink.month, m -> m);
            Account held = windows.get(key.account());
            if (held == null) {
                held = new Account(windows.size(), Account.EMPTY.months(), Account.EMPTY.windows());
            }
            old = held.get(month);
            columns.replace(old == null ? null : old.rows, rows);
            if (old != null) {
                oldTotals = rollup.totals(old.rollupStart, old.rollupCount);
                rollup.kill(old.rollupStart, old.rollupCount);
            }
            fresh.rollupStart = rollup.append(held.id(), month, byProject);
            totals = rollup.totals(fresh.rollupStart, fresh.rollupCount);
            windows.put(key.account(), held.with(month, fresh));
            if (rollup.wantsCompaction()) {
                int[] moved = rollup.compact();
                windows.values().forEach(a -> {
                    for (Window w : a.windows()) {
                        w.rollupStart = w.rollupCount == 0 ? 0 : moved[w.rollupStart];
                    }
                });
            }
        }
        return new WindowReplacement(account.id(), sink.month, old == null ? null : old.syncedAt, oldTotals, totals,
                rows.size(), stats);
    }

    /**
     * Checks that every line item belongs to the window, then appends it to the window's segment; after the first
     * that does not, keeps the refusal (thrown when the window would be written) and appends nothing more.
     */
    private static final class WindowSink implements CostSink {
        private final ServiceAccount account;
        private final YearMonth month;
        private final int from;
        private final int to;
        private final ColumnarStore.Segment rows;
        private LocalDate lastDate;
        private boolean lastInside;
        long count;
        BillingException refused;

        WindowSink(ServiceAccount account, YearMonth month, ColumnarStore.Segment rows) {
            this.account = account;
            this.month = month;
            this.from = (int) month.atDay(1).toEpochDay();
            this.to = (int) month.plusMonths(1).atDay(1).toEpochDay();
            this.rows = rows;
        }

        @Override
        public void accept(CostRecord record) {
            if (refused != null) {
                return;
            }
            LocalDate date = record.chargeDate();
            if (date != lastDate) {
                long day = date.toEpochDay();
                lastInside = day >= from && day < to;
                lastDate = date;
            }
            if (!lastInside || !record.serviceAccount().equals(account.id())) {
                refused = new BillingException("a line item of service account '" + record.serviceAccount()
                        + "' dated " + record.chargeDate() + " is outside the window " + account.id() + " " + month
                        + " being replaced", account.name(), false, null);
                return;
            }
            rows.add(record);
            count++;
        }

        @Override
        public void acceptAll(List<CostRecord> records) {
            for (int i = 0, n = records.size(); i < n; i++) {
                accept(records.get(i));
            }
        }
    }

    @Override
    public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        if (!fromWindowTotals(query, accounts, sink)) {
            columns.cells(query, accounts, sink);
        }
    }

    /** Hands the cells on as the kernel summed them, in its columns: no {@link CostCell} per cell. */
    @Override
    public void aggregateColumns(CostQuery query, Collection<ServiceAccountId> accounts,
                                 Consumer<CostCellColumns> sink) {
        List<CostCell> totals = new ArrayList<>();
        if (!fromWindowTotals(query, accounts, totals::add)) {
            sink.accept(columns.sums(query, accounts));
        } else if (!totals.isEmpty()) {
            sink.accept(CostCellColumns.of(totals));
        }
    }

    /**
     * Hands on the sums as the kernel summed them, in its columns: the cells, or, when their cross product of
     * projects and group-by values is much larger, the two roll-ups a report shows. For an allocated report (a cube
     * of an {@link Allocator}), the kernel decides each line item's route once per distinct combination of the
     * values the rules read and hands over the routed cells, as few as the allocated report needs.
     */
    @Override
    public void aggregateRollups(CostQuery query, Collection<ServiceAccountId> accounts, RollupSink sink) {
        if (sink instanceof CostCube cube && cube.allocator() != null) {
            // an allocated report's cells: the kernel routes each line item as it sums it
            Allocator.StoreRouting routing = cube.allocator().storeRouting();
            columns.routed(query, accounts, routing, cube);
            return;
        }
        List<CostCell> totals = new ArrayList<>();
        if (!fromWindowTotals(query, accounts, totals::add)) {
            columns.rollups(query, accounts, sink);
        } else if (!totals.isEmpty()) {
            sink.cells(CostCellColumns.of(totals));
        }
    }

    /**
     * Answers a whole-month query of billed costs at MONTHLY or YEARLY granularity, without group-by and filtered at most by
     * project and service account, from the windows' totals per project: exact, as they are exact sums of the
     * same line items, and a window holds its month's line items only.
     *
     * @return false, having passed on nothing, when the query needs the line items
     */
    private boolean fromWindowTotals(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        LocalDate start = query.period().start();
        LocalDate end = query.period().end();
        if (query.metric() != Metric.BILLED || query.granularity() == Granularity.DAILY || !query.groupBy().isEmpty()
                || start.getDayOfMonth() != 1 || end.getDayOfMonth() != 1) {
            return false;
        }
        for (Dimension d : query.filters().keySet()) {
            if (d != Dimension.PROJECT && d != Dimension.SERVICE_ACCOUNT) {
                return false;
            }
        }
        Set<String> projects = query.filters().get(Dimension.PROJECT);
        Set<String> allowed = query.filters().get(Dimension.SERVICE_ACCOUNT);
        YearMonth first = YearMonth.from(start);
        YearMonth last = YearMonth.from(end.minusDays(1));
        if (last.isBefore(first)) {
            return true;
        }
        List<CostCell> cells = new ArrayList<>();
        synchronized (this) {
            boolean[] wanted = new boolean[windows.size()];
            for (ServiceAccountId a : accounts) {
                Account held = windows.get(a);
                if (held != null && (allowed == null || allowed.contains(a.value()))) {
                    wanted[held.id()] = true;
                }
            }
            if (!rollup.sum(wanted, first, last, projects, cells::add)) {
                return false;
            }
        }
        cells.forEach(sink);
        return true;
    }

    /** The kept line items, read back window by window (each window whole, as of when it is read). */
    @Override
    public void lineItems(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostRecord> sink) {
        YearMonth first = YearMonth.from(query.period().start());
        YearMonth last = YearMonth.from(query.period().end().minusDays(1));
        for (ServiceAccountId a : new LinkedHashSet<>(accounts)) {
            for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                List<CostRecord> rows;
                synchronized (this) {
                    Window w = windows.getOrDefault(a, Account.EMPTY).get(m);
                    // read under this store's lock: a replacement (which empties the old segment) waits for it
                    rows = w == null ? List.of() : columns.records(w.rows);
                }
                for (CostRecord r : rows) {
                    if (query.accepts(r)) {
                        sink.accept(r);
                    }
                }
            }
        }
    }

    @Override
    public synchronized void markSynced(ServiceAccountId account, Instant at) {
        lastSyncs.merge(account, at, (a, b) -> a.isAfter(b) ? a : b);
        lastSyncsCopy = null;
    }

    @Override
    public synchronized Map<ServiceAccountId, Instant> lastSyncs() {
        if (lastSyncsCopy == null) {
            lastSyncsCopy = Map.copyOf(lastSyncs);
        }
        return lastSyncsCopy;
    }

    @Override
    public synchronized List<StoredWindow> windows(ServiceAccountId account) {
        Account held = windows.getOrDefault(account, Account.EMPTY);
        List<StoredWindow> out = new ArrayList<>(held.months().length);
        for (int k = 0; k < held.months().length; k++) {
            Window w = held.windows()[k];
            out.add(new StoredWindow(held.months()[k], w.syncedAt, rollup.totals(w.rollupStart, w.rollupCount),
                    w.rows.size()));
        }
        return out;
    }

    @Override
    public AlertLog alerts() {
        return alerts;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
