package dev.billing.benchmarks;

import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Streams line items into {@link CostStore#inMemory()} through the SPI, as a sync writes them: one window per run
 * of items of one service account and month (the generators emit each account's items in date order).
 */
final class StoreLoad implements Consumer<CostRecord> {
    private static final Instant SYNCED = Instant.parse("2026-04-01T00:00:00Z");
    private static final Credentials CREDENTIALS = Credentials.of(Map.of("account", "benchmark"));

    private final CostStore store = CostStore.inMemory();
    private final Set<ServiceAccountId> accounts = new LinkedHashSet<>();
    private final List<CostRecord> window = new ArrayList<>();
    private YearMonth month;

    /** @return a new store holding every line item {@code data} generates, and its accounts */
    static Loaded load(CostData data) {
        return load(data, r -> { });
    }

    /** Like {@link #load(CostData)}, handing every line item to {@code alsoTo} too (another contender's loader). */
    static Loaded load(CostData data, Consumer<CostRecord> alsoTo) {
        StoreLoad load = new StoreLoad();
        data.forEach(r -> {
            alsoTo.accept(r);
            load.accept(r);
        });
        return load.finish();
    }

    /** A store and the service accounts it holds windows of. */
    record Loaded(CostStore store, List<ServiceAccountId> accounts) {
    }

    @Override
    public void accept(CostRecord r) {
        YearMonth m = YearMonth.from(r.chargeDate());
        if (!window.isEmpty() && (!m.equals(month) || !r.serviceAccount().equals(window.get(0).serviceAccount()))) {
            flush();
        }
        month = m;
        window.add(r);
    }

    Loaded finish() {
        flush();
        return new Loaded(store, List.copyOf(accounts));
    }

    private void flush() {
        if (window.isEmpty()) {
            return;
        }
        CostRecord first = window.get(0);
        ServiceAccount account = new ServiceAccount(first.serviceAccount(), first.provider(), first.project(),
                CREDENTIALS, Map.of());
        store.replaceWindow(account, month, SYNCED, sink -> {
            sink.acceptAll(window);
            return FetchStats.builder().records(window.size()).requests(1).pages(1).build();
        });
        accounts.add(first.serviceAccount());
        window.clear();
    }
}
