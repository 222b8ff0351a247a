package dev.billing.core.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.BudgetAlertLog;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The default {@link CostStore}: windows kept in this process's memory, in a {@link ColumnarStore},
 * one segment per window. A replacement is streamed into a new segment aside and swapped in for the
 * window's old segment in one step, so readers see the old or the new window whole.
 */
public final class InMemoryCostStore implements CostStore {
    private record Key(ServiceAccountId account, YearMonth month) {
    }

    private record Window(ColumnarStore.Segment rows, List<Money> totals, long records, Instant syncedAt) {
    }

    private final ColumnarStore columns = new ColumnarStore();
    private final Map<Key, Window> windows = new HashMap<>();
    private final Map<ServiceAccountId, Instant> lastSyncs = new HashMap<>();
    private final Set<Key> replacing = ConcurrentHashMap.newKeySet();
    private final BudgetAlertLog alerts = BudgetAlertLog.inMemory();

    /** A window claimed in this process: no other sync of this store fetches it until it is given back. */
    private final class Lease implements WindowLease {
        private final ServiceAccount account;
        private final YearMonth month;
        private final Key key;
        private boolean open = true;

        Lease(ServiceAccount account, YearMonth month, Key key) {
            this.account = account;
            this.month = month;
            this.key = key;
        }

        @Override
        public ServiceAccount account() {
            return account;
        }

        @Override
        public YearMonth month() {
            return month;
        }

        @Override
        public Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source) {
            try {
                return Optional.of(write(account, month, key, syncedAt, source));
            } finally {
                close();
            }
        }

        @Override
        public synchronized void close() {
            if (open) {
                open = false;
                replacing.remove(key);
            }
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
        Set<ServiceAccountId> wanted = accounts instanceof Set<ServiceAccountId> set ? set : new HashSet<>(accounts);
        Map<ServiceAccountId, Map<YearMonth, Instant>> out = new HashMap<>();
        windows.forEach((k, w) -> {
            if (wanted.contains(k.account()) && !k.month().isBefore(first) && !k.month().isAfter(last)) {
                out.computeIfAbsent(k.account(), a -> new TreeMap<>()).put(k.month(), w.syncedAt());
            }
        });
        return out;
    }

    private WindowReplacement write(ServiceAccount account, YearMonth month, Key key, Instant syncedAt,
                                    WindowSource source) {
        ColumnarStore.Segment rows = columns.newSegment();
        WindowSink sink = new WindowSink(account, month, rows);
        FetchStats stats = source.writeTo(sink);
        Map<Currency, BigDecimal> sums = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        sums.putAll(rows.totals());
        long[] count = {sink.count};
        List<Money> totals = sums.entrySet().stream().map(e -> new Money(e.getValue(), e.getKey())).toList();
        Window fresh = new Window(rows, totals, count[0], syncedAt);
        Window old;
        synchronized (this) {
            old = windows.get(key);
            columns.replace(old == null ? null : old.rows(), rows);
            windows.put(key, fresh);
        }
        return new WindowReplacement(account.id(), month, old == null ? null : old.syncedAt(),
                old == null ? List.of() : old.totals(), totals, fresh.records(), stats);
    }

    /** Checks that every line item belongs to the window, then appends it to the window's segment. */
    private static final class WindowSink implements CostSink {
        private final ServiceAccount account;
        private final YearMonth month;
        private final int from;
        private final int to;
        private final ColumnarStore.Segment rows;
        private LocalDate lastDate;
        private boolean lastInside;
        long count;

        WindowSink(ServiceAccount account, YearMonth month, ColumnarStore.Segment rows) {
            this.account = account;
            this.month = month;
            this.from = (int) month.atDay(1).toEpochDay();
            this.to = (int) month.plusMonths(1).atDay(1).toEpochDay();
            this.rows = rows;
        }

        @Override
        public void accept(CostRecord record) {
            LocalDate date = record.chargeDate();
            if (date != lastDate) {
                long day = date.toEpochDay();
                lastInside = day >= from && day < to;
                lastDate = date;
            }
            if (!lastInside || !record.serviceAccount().equals(account.id())) {
                throw new BillingException("a line item of service account '" + record.serviceAccount()
                        + "' dated " + record.chargeDate() + " is outside the window " + account.id() + " " + month
                        + " being replaced", account.name(), -1, false, null);
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
        columns.cells(query, accounts, sink);
    }

    @Override
    public synchronized void markSynced(ServiceAccountId account, Instant at) {
        lastSyncs.merge(account, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public synchronized Map<ServiceAccountId, Instant> lastSyncs() {
        return Map.copyOf(lastSyncs);
    }

    @Override
    public synchronized List<StoredWindow> windows(ServiceAccountId account) {
        return windows.entrySet().stream()
                .filter(e -> e.getKey().account().equals(account))
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Key::month)))
                .map(e -> new StoredWindow(e.getKey().month(), e.getValue().syncedAt(), e.getValue().totals(),
                        e.getValue().records()))
                .toList();
    }

    @Override
    public BudgetAlertLog budgetAlerts() {
        return alerts;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
