package dev.billing.core.spi;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.support.ClaimedWindow;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where fetched costs are kept between syncs, as whole <em>windows</em>: one service account's
 * line items for one calendar month (UTC). A window is only ever replaced whole, in one
 * transaction, so a reader sees either its old or its new line items, never a mix, and a
 * replacement that fails half way leaves the old ones in place.
 *
 * <p>Implementations are thread-safe; several stores (in several processes) may share one
 * database, and then a window is replaced by one of them at a time. The default,
 * {@link dev.billing.core.CostStores#inMemory()}, keeps costs in this process only; {@code billing-jdbc} keeps them in an
 * embedded database file or a shared PostgreSQL.
 *
 * <p>New methods are added to this interface only as {@code default} methods.
 */
public interface CostStore extends AutoCloseable {

    /**
     * Replaces one window: deletes its line items, streams the new ones from {@code source} into
     * it, and records its totals and {@code syncedAt}, all in one transaction. When {@code source}
     * or the store fails, nothing changes and the exception is thrown on.
     *
     * @param account the service account; every record passed to the sink must carry its id
     * @param month the window's month (UTC)
     * @param syncedAt when the data was read
     * @param source writes the window's new line items, every one dated inside {@code month}
     * @return what was replaced, or empty (changing nothing) when another store is replacing the
     *     same window right now
     * @throws dev.billing.core.BillingException when the source or the store fails
     */
    Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                              WindowSource source);

    /**
     * Sums the kept line items that a query accepts, per cell. Implementations push the sums down
     * to where the data is (for a database: {@code SUM ... GROUP BY}).
     *
     * @param query the period, filters and group-by dimensions
     * @param accounts the service accounts in scope; others are left out
     * @param sink receives the cells; a cell's bucket may be finer than the query's granularity,
     *     and the same cell may come more than once (the caller adds them up)
     * @throws dev.billing.core.BillingException when the store fails
     */
    void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink);

    /**
     * Like {@link #aggregate}, handing the cells on in columnar blocks instead of a {@link CostCell} per cell:
     * a store that keeps its data in columns overrides it so that its speed reaches the report. The default
     * hands on the cells of {@link #aggregate}, 4,096 at a time.
     *
     * @param query the period, filters and group-by dimensions
     * @param accounts the service accounts in scope; others are left out
     * @param sink receives the blocks, from the calling thread; the same cell may come more than once, in
     *     one block or in several (the caller adds them up)
     * @throws dev.billing.core.BillingException when the store fails
     */
    default void aggregateColumns(CostQuery query, Collection<ServiceAccountId> accounts,
                                  Consumer<CostCellColumns> sink) {
        List<CostCell> block = new ArrayList<>();
        aggregate(query, accounts, cell -> {
            block.add(cell);
            if (block.size() == 4096) {
                sink.accept(CostCellColumns.of(block));
                block.clear();
            }
        });
        if (!block.isEmpty()) {
            sink.accept(CostCellColumns.of(block));
        }
    }

    /**
     * Like {@link #aggregateColumns}, the sums a report is made of: either cells, or the two roll-ups a report
     * shows, each project's series and the rows, summed by the store ({@link RollupSink}). A store that aggregates
     * by scanning its line items overrides it, so that a report by many group-by values does not cost the cross
     * product of them and the projects. The default hands on the cells of {@link #aggregateColumns}.
     *
     * @param query the period, filters and group-by dimensions
     * @param accounts the service accounts in scope; others are left out
     * @param sink receives the sums, from the calling thread
     * @throws dev.billing.core.BillingException when the store fails
     */
    default void aggregateRollups(CostQuery query, Collection<ServiceAccountId> accounts, RollupSink sink) {
        aggregateColumns(query, accounts, sink::cells);
    }

    /**
     * Whether a report from the store gains from reading its coverage ({@link #windowCoverage}) and its sums
     * ({@link #aggregateRollups}) at the same time, on two threads: a store whose reads wait on a database server,
     * each on its own connection, says so, and a report then waits for the longer of the two reads instead of both.
     * The sums are then read over every account in scope before coverage has said which are synced, and read again
     * over the synced ones only when coverage finds one never synced. The default, {@code false}, reads one after
     * the other on the calling thread: a store answering from memory would only pay for the thread hop.
     *
     * @return whether the two reads of a report may run at the same time
     */
    default boolean concurrentReads() {
        return false;
    }

    /**
     * The kept line items a query accepts (its period and filters, tags read through its aliases), for an export
     * from the store: each with its tags and its billed, effective and list costs as the store keeps them.
     *
     * <p>The default rebuilds line items from {@link #aggregate}: one per day and value of every fixed dimension,
     * with its billed cost only and no tags. The built-in stores override it with the line items they keep.
     *
     * @param query the period and filters (its granularity and group-by are not used)
     * @param accounts the service accounts in scope; others are left out
     * @param sink receives each line item once, in no particular order
     * @throws dev.billing.core.BillingException when the store fails
     */
    default void lineItems(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostRecord> sink) {
        Dimension[] all = Dimension.fixed().toArray(Dimension[]::new);
        CostQuery daily = query.toBuilder().granularity(Granularity.DAILY).metric(Metric.BILLED).groupBy(all).build();
        aggregate(daily, accounts, cell -> {
            Map<Dimension, String> keys = new HashMap<>();
            for (int i = 0; i < all.length; i++) {
                keys.put(all[i], cell.keys().get(i));
            }
            sink.accept(CostRecord.builder().chargeDate(cell.bucket())
                    .provider(ProviderId.of(keys.get(Dimension.PROVIDER)))
                    .billingAccountId(keys.get(Dimension.ACCOUNT)).subAccountId(keys.get(Dimension.SUB_ACCOUNT))
                    .serviceAccount(ServiceAccountId.of(keys.get(Dimension.SERVICE_ACCOUNT)))
                    .project(cell.project()).service(keys.get(Dimension.SERVICE)).region(keys.get(Dimension.REGION))
                    .usageType(keys.get(Dimension.USAGE_TYPE))
                    .chargeCategory(ChargeCategory.valueOf(keys.get(Dimension.CHARGE_CATEGORY)))
                    .billedCost(cell.amount()).build());
        });
    }

    /**
     * Records that every window due for an account was read successfully. Never moves the time back.
     *
     * @param account the service account
     * @param at when its sync started
     * @throws dev.billing.core.BillingException when the store fails
     */
    void markSynced(ServiceAccountId account, Instant at);

    /**
     * @return every account that has had a successful sync, with the time of its last one
     * @throws dev.billing.core.BillingException when the store fails
     */
    Map<ServiceAccountId, Instant> lastSyncs();

    /**
     * @param account a service account
     * @return its kept windows, oldest month first
     * @throws dev.billing.core.BillingException when the store fails
     */
    List<StoredWindow> windows(ServiceAccountId account);

    /**
     * Claims a window before it is fetched, so that no other instance fetches and replaces it at the
     * same time. The default claims nothing and replaces through {@link #replaceWindow}; a store shared
     * by several processes overrides it with a lease that holds no transaction while the window is fetched.
     *
     * @param account the service account
     * @param month the window's month (UTC)
     * @return the lease, or empty when another instance holds the window right now
     * @throws dev.billing.core.BillingException when the store fails
     */
    default Optional<WindowLease> claimWindow(ServiceAccount account, YearMonth month) {
        return Optional.of(new ClaimedWindow(account, month) {
            @Override
            public Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source) {
                return replaceWindow(account, month, syncedAt, source);
            }

            @Override
            protected void release() {
                // nothing claimed
            }
        });
    }

    /**
     * Which windows the store holds, and when each was synced: what coverage of a report from the store is
     * decided from. The default asks {@link #windows(ServiceAccountId)} account by account; a database
     * answers in one query.
     *
     * @param accounts the service accounts
     * @param first the first month asked about
     * @param last the last month asked about, inclusive
     * @return for each account holding at least one of those windows, its held months and their sync times
     * @throws dev.billing.core.BillingException when the store fails
     */
    default Map<ServiceAccountId, Map<YearMonth, Instant>> heldWindows(Collection<ServiceAccountId> accounts,
                                                                        YearMonth first, YearMonth last) {
        Map<ServiceAccountId, Map<YearMonth, Instant>> out = new HashMap<>();
        for (ServiceAccountId a : accounts) {
            for (StoredWindow w : windows(a)) {
                if (!w.month().isBefore(first) && !w.month().isAfter(last)) {
                    out.computeIfAbsent(a, k -> new TreeMap<>()).put(w.month(), w.syncedAt());
                }
            }
        }
        return out;
    }

    /**
     * The facts coverage of a report from the store is decided from, in one call: the accounts' last syncs and
     * the windows they hold of the months asked about. The default composes {@link #lastSyncs()} and
     * {@link #heldWindows}; a database answers in one statement.
     *
     * @param accounts the service accounts
     * @param first the first month asked about
     * @param last the last month asked about, inclusive
     * @return the accounts' last syncs and held windows
     * @throws dev.billing.core.BillingException when the store fails
     */
    default StoredCoverage storedCoverage(Collection<ServiceAccountId> accounts, YearMonth first, YearMonth last) {
        return new StoredCoverage(lastSyncs(), heldWindows(accounts, first, last));
    }

    /**
     * What coverage of a report from the store is decided from, reduced per account: its last sync, when its newest
     * held window of the months asked about was synced, and the months asked about it lacks. The default reduces
     * {@link #storedCoverage}; a database reduces in its query, sending a row per account instead of one per held
     * window.
     *
     * @param accounts the service accounts
     * @param first the first month asked about
     * @param last the last month asked about, inclusive
     * @return for each account asked about that has had a sync or holds a window of those months, its coverage;
     *     an account absent has never been synced and holds none of them
     * @throws dev.billing.core.BillingException when the store fails
     */
    default Map<ServiceAccountId, WindowCoverage> windowCoverage(Collection<ServiceAccountId> accounts,
                                                                 YearMonth first, YearMonth last) {
        StoredCoverage facts = storedCoverage(accounts, first, last);
        Map<ServiceAccountId, WindowCoverage> out = new HashMap<>();
        for (ServiceAccountId a : accounts) {
            Instant lastSync = facts.lastSyncs().get(a);
            Map<YearMonth, Instant> held = facts.windows().getOrDefault(a, Map.of());
            if (lastSync == null && held.isEmpty()) {
                continue;
            }
            out.put(a, WindowCoverage.of(lastSync, held.values().stream().max(Instant::compareTo).orElse(null),
                    held.keySet(), first, last));
        }
        return out;
    }

    /**
     * Where alerts are remembered with this store's data (budget thresholds, anomalies), so that each alerts once
     * even across restarts and instances sharing the store. The built-in stores keep it (the in-memory store in
     * memory, {@code billing-jdbc} in its database); the default has none.
     *
     * @return the store's alert log
     * @throws UnsupportedOperationException when the store keeps no alerts
     */
    default AlertLog alerts() {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no alerts; give the"
                + " BudgetEvaluator or AnomalyDetector an alert log of its own");
    }

    /**
     * Where budget alerts are remembered with this store's data, so that a threshold alerts once per month even
     * across restarts and instances sharing the store: {@link BudgetAlertLog#of(AlertLog)} of {@link #alerts()}.
     *
     * @return the store's budget alert log
     * @throws UnsupportedOperationException when the store keeps no alerts
     */
    default BudgetAlertLog budgetAlerts() {
        return BudgetAlertLog.of(alerts());
    }

    /** Releases the store's resources; the data stays where it is kept. */
    @Override
    void close();
}
