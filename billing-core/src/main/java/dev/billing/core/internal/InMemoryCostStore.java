package dev.billing.core.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The default {@link CostStore}: windows kept in this process's memory. A replacement is built
 * aside and swapped in under a lock, so readers see the old or the new window whole.
 */
public final class InMemoryCostStore implements CostStore {
    private record Key(ServiceAccountId account, YearMonth month) {
    }

    private record Window(List<CostRecord> records, List<Money> totals, Instant syncedAt) {
    }

    private final Map<Key, Window> windows = new HashMap<>();
    private final Map<ServiceAccountId, Instant> lastSyncs = new HashMap<>();
    private final Set<Key> replacing = ConcurrentHashMap.newKeySet();

    @Override
    public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                     WindowSource source) {
        Key key = new Key(account.id(), month);
        if (!replacing.add(key)) {
            return Optional.empty();
        }
        try {
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = source.writeTo(record -> {
                if (!record.serviceAccount().equals(account.id()) || !YearMonth.from(record.chargeDate()).equals(month)) {
                    throw new BillingException("a line item of service account '" + record.serviceAccount()
                            + "' dated " + record.chargeDate() + " is outside the window " + account.id() + " " + month
                            + " being replaced", account.name(), -1, false, null);
                }
                records.add(record);
            });
            Window fresh = new Window(List.copyOf(records), totals(records), syncedAt);
            Window old;
            synchronized (this) {
                old = windows.put(key, fresh);
            }
            return Optional.of(new WindowReplacement(account.id(), month, old == null ? null : old.syncedAt(),
                    old == null ? List.of() : old.totals(), fresh.totals(), records.size(), stats));
        } finally {
            replacing.remove(key);
        }
    }

    private static List<Money> totals(List<CostRecord> records) {
        Map<Currency, BigDecimal> sums = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        records.forEach(r -> sums.merge(r.cost().currency(), r.cost().amount(), BigDecimal::add));
        return sums.entrySet().stream().map(e -> new Money(e.getValue(), e.getKey())).toList();
    }

    @Override
    public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        Set<ServiceAccountId> scope = Set.copyOf(accounts);
        List<Window> selected;
        synchronized (this) {
            selected = windows.entrySet().stream()
                    .filter(e -> scope.contains(e.getKey().account()))
                    .map(Map.Entry::getValue)
                    .toList();
        }
        for (Window w : selected) {
            for (CostRecord r : w.records()) {
                if (query.accepts(r)) {
                    List<String> keys = new ArrayList<>(query.groupBy().size());
                    for (Dimension d : query.groupBy()) {
                        keys.add(d.valueOf(r));
                    }
                    sink.accept(new CostCell(r.chargeDate(), r.project(), keys, r.cost()));
                }
            }
        }
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
                        e.getValue().records().size()))
                .toList();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
