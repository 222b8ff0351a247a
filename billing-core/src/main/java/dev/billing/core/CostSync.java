package dev.billing.core;

import dev.billing.core.spi.CostStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Keeps costs in a {@link CostStore} and reports from it, so that a dashboard is served in
 * milliseconds without asking the provider.
 *
 * <p>{@link #sync()} fetches, for each registered service account, whole windows (the account's
 * costs for one UTC month) and replaces each in the store in one transaction. The first sync of
 * an account reads the current month and {@link Builder#monthsBack(int) monthsBack} months before
 * it; later syncs re-read the open month, every month closed less than
 * {@link Builder#restatementGraceDays(int) restatementGraceDays} ago, and every month that was
 * still open at the account's last successful sync. When a re-read changes a kept window's totals,
 * the {@link RestatementListener listeners} hear it.
 *
 * <p>Later syncs also read every month of the {@code monthsBack} range the store does not hold
 * (backfill). A month skipped because another instance held it is not recorded as synced.
 *
 * <p>{@link #report(CostQuery)} answers from the store alone. Each account's coverage is decided
 * from the windows the store holds for the query's months: OK with the time of its last successful
 * sync, STALE when that is older than {@link Builder#staleAfter(Duration) staleAfter}, PARTIAL naming
 * the months the store does not hold (the report is then not complete), and FAILED, its costs left
 * out, when it was never synced.
 *
 * <pre>{@code
 * CostSync sync = CostSync.builder(billing).store(store).monthsBack(12).build();
 * sync.sync();
 * CostReport report = sync.report(CostQuery.of(BillingPeriod.year(2026)));
 * }</pre>
 *
 * <p>Thread-safe. Several instances, in several processes, may sync into one shared store at once:
 * the store lets one of them replace a window at a time.
 */
public final class CostSync {
    private final CostStore store;
    private final SyncOrchestrator orchestrator;
    private final StoreReports reports;

    private CostSync(Builder b) {
        SyncSchedule schedule = new SyncSchedule(b.monthsBack, b.graceDays, b.clock);
        this.store = b.store;
        this.orchestrator = new SyncOrchestrator(b.billing, b.store, schedule, b.listeners);
        this.reports = new StoreReports(b.billing, b.store, schedule, b.staleAfter);
    }

    /**
     * @param billing where the service accounts and providers come from
     * @return a builder: in-memory store, 12 months back, 10 grace days, stale after one day
     */
    public static Builder builder(Billing billing) {
        return new Builder(billing);
    }

    /** @return the store costs are kept in */
    public CostStore store() {
        return store;
    }

    /**
     * Syncs every registered service account: accounts concurrently (within the {@link Billing}'s bound on
     * concurrent fetches, shared with reports), each account's due windows one after another. Each window is
     * fetched into memory first and then replaced in the store in one short transaction, so no store
     * transaction is open while a provider is asked. A failing account never stops the others; its result
     * says why, and its windows not yet replaced keep their old data.
     *
     * @return what was synced
     * @throws BillingException when the store itself fails outside any one window
     */
    public SyncSummary sync() {
        try {
            return syncAsync().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /**
     * The asynchronous form of {@link #sync()}: no thread waits while fetches are in flight.
     *
     * @return completes with what was synced
     */
    public CompletableFuture<SyncSummary> syncAsync() {
        return orchestrator.run();
    }

    /**
     * Answers a query from the store alone, without asking any provider. Each account's coverage is decided
     * from the windows the store holds for the months of the query's period (up to the current month):
     * <ul>
     * <li>OK (or STALE, when its last sync is older than the stale age) when every month is held, as of its
     *     last sync;
     * <li>PARTIAL when some months are not held: the held months are in the report, the missing ones are named
     *     with the fix, and the report is not complete;
     * <li>FAILED, its costs left out, when it was never synced.
     * </ul>
     *
     * <p>A report of a {@linkplain CostQuery#metric() metric} an account's provider does not give marks that
     * account FAILED with the reason, its costs left out.
     *
     * @param asked what to report
     * @return the report, with each account's coverage as of its last successful sync
     * @throws MissingExchangeRateException when the query converts and a line item's day has no rate
     * @throws BillingException when the store fails
     */
    public CostReport report(CostQuery asked) {
        return reports.report(asked);
    }

    /**
     * Streams the kept line items a query accepts, from the store alone, for exports (such as
     * FOCUS) that need rows rather than totals. Each item passed on is the exact sum of the kept
     * line items of one day sharing every {@link Dimension} and currency (the store keeps no usage
     * quantity, so {@link CostRecord#usageQuantity()} is {@code null}). Accounts never synced are
     * left out and marked FAILED, as in {@link #report}. The query's granularity and group-by are
     * ignored.
     *
     * @param asked the period and filters
     * @param sink receives each line item, from the calling thread
     * @return the coverage of every account in scope, in registration order, as {@link #report} gives it
     * @throws BillingException when the store fails
     */
    public List<AccountCoverage> lineItems(CostQuery asked, Consumer<CostRecord> sink) {
        return reports.lineItems(asked, sink);
    }

    /** Builds a {@link CostSync}. */
    public static final class Builder {
        private final Billing billing;
        private CostStore store;
        private int monthsBack = 12;
        private int graceDays = 10;
        private Duration staleAfter = Duration.ofDays(1);
        private Clock clock = Clock.systemUTC();
        private final List<RestatementListener> listeners = new ArrayList<>();

        private Builder(Billing billing) {
            this.billing = Objects.requireNonNull(billing, "billing");
        }

        /**
         * @param store where costs are kept (default: {@link CostStore#inMemory()})
         * @return this builder
         */
        public Builder store(CostStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * @param months how many months before the current one an account's first sync reads (default 12)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder monthsBack(int months) {
            if (months < 0) {
                throw new IllegalArgumentException("monthsBack must be 0 or more, got " + months);
            }
            this.monthsBack = months;
            return this;
        }

        /**
         * @param days for how many days after a month closes later syncs still re-read it (default 10)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder restatementGraceDays(int days) {
            if (days < 0) {
                throw new IllegalArgumentException("restatementGraceDays must be 0 or more, got " + days);
            }
            this.graceDays = days;
            return this;
        }

        /**
         * @param age how old an account's last successful sync may be before reports mark it STALE (default one day)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder staleAfter(Duration age) {
            if (age.isNegative()) {
                throw new IllegalArgumentException("staleAfter must not be negative, got " + age);
            }
            this.staleAfter = age;
            return this;
        }

        /**
         * @param clock where sync and report times are read (default: UTC system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param listener hears restatements; may be called several times to add several
         * @return this builder
         */
        public Builder listener(RestatementListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @return the sync */
        public CostSync build() {
            if (store == null) {
                store = CostStore.inMemory();
            }
            return new CostSync(this);
        }
    }
}
