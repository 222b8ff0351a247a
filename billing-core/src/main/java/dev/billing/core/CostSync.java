package dev.billing.core;

import dev.billing.core.internal.CostCube;
import dev.billing.core.internal.FetchEngine;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger log = LoggerFactory.getLogger(CostSync.class);

    private final BillingProviders providers;
    private final FetchEngine engine;
    private final FetchListener listener;
    private final ServiceAccountRegistry accounts;
    private final CostStore store;
    private final int monthsBack;
    private final int graceDays;
    private final Duration staleAfter;
    private final Clock clock;
    private final List<RestatementListener> listeners;
    private final TagAliases tagAliases;

    private CostSync(Builder b) {
        this.providers = b.billing.providers();
        this.engine = b.billing.engine();
        this.listener = b.billing.listener();
        this.accounts = b.billing.serviceAccounts();
        this.store = b.store;
        this.monthsBack = b.monthsBack;
        this.graceDays = b.graceDays;
        this.staleAfter = b.staleAfter;
        this.clock = b.clock;
        this.listeners = List.copyOf(b.listeners);
        this.tagAliases = b.billing.tagAliases();
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
        Instant now = clock.instant();
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        Map<ServiceAccountId, Instant> lastSyncs = store.lastSyncs();
        List<ServiceAccount> scope = accounts.list();
        Map<ServiceAccountId, Map<YearMonth, Instant>> held = store.heldWindows(
                scope.stream().map(ServiceAccount::id).toList(), current.minusMonths(monthsBack), current);
        List<RestatementEvent> restatements = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger finished = new AtomicInteger();
        List<CompletableFuture<AccountSyncResult>> results = new ArrayList<>(scope.size());
        for (ServiceAccount account : scope) {
            List<YearMonth> due = monthsDue(lastSyncs.get(account.id()), held.getOrDefault(account.id(), Map.of()).keySet(),
                    now);
            CostAggregator.notifyListener(() -> listener.started(account));
            results.add(syncAccount(account, due, now, restatements).thenApply(r -> {
                AccountCoverage c = new AccountCoverage(account.id(), account.provider(), account.project(),
                        r.status(), now, FetchStats.EMPTY);
                CostAggregator.notifyListener(() -> listener.finished(c, finished.incrementAndGet(), scope.size()));
                return r;
            }));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<RestatementEvent> events;
            synchronized (restatements) {
                events = List.copyOf(restatements);
            }
            return new SyncSummary(now, results.stream().map(CompletableFuture::join).toList(), events);
        });
    }

    /**
     * The months to read: those {@link #monthsDue(Instant, Instant)} re-reads, and every month of the
     * {@code monthsBack} range the store does not hold (so raising {@code monthsBack}, or a month skipped or
     * failed earlier, is backfilled).
     *
     * @param lastSync the account's last successful sync, or {@code null} for none
     * @param held the months of the range the store holds for the account
     * @param now the time of this sync
     * @return the months to read, oldest first
     */
    List<YearMonth> monthsDue(Instant lastSync, Set<YearMonth> held, Instant now) {
        Set<YearMonth> due = new java.util.TreeSet<>(monthsDue(lastSync, now));
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        for (YearMonth m = current.minusMonths(monthsBack); !m.isAfter(current); m = m.plusMonths(1)) {
            if (!held.contains(m)) {
                due.add(m);
            }
        }
        return List.copyOf(due);
    }

    /**
     * @param lastSync the account's last successful sync, or {@code null} for none
     * @param now the time of this sync
     * @return the months to read, oldest first
     */
    List<YearMonth> monthsDue(Instant lastSync, Instant now) {
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        YearMonth oldest = current.minusMonths(monthsBack);
        YearMonth from = current;
        if (lastSync == null) {
            from = oldest;
        } else {
            while (closedAt(from.minusMonths(1)).plus(Duration.ofDays(graceDays)).isAfter(now)) {
                from = from.minusMonths(1);
            }
            YearMonth openAtLastSync = YearMonth.from(lastSync.atZone(ZoneOffset.UTC));
            if (openAtLastSync.isBefore(from)) {
                from = openAtLastSync;
            }
            if (from.isBefore(oldest)) {
                from = oldest;
            }
        }
        List<YearMonth> months = new ArrayList<>();
        for (YearMonth m = from; !m.isAfter(current); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    private static Instant closedAt(YearMonth month) {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * One account's windows, oldest first, each claimed, fetched and then replaced; fails only when the store
     * itself fails ({@link CostStoreException}), since then no account can be synced.
     */
    private CompletableFuture<AccountSyncResult> syncAccount(ServiceAccount account, List<YearMonth> due, Instant now,
                                                             List<RestatementEvent> restatements) {
        AccountProgress progress = new AccountProgress(account);
        BillingProvider provider;
        try {
            provider = providers.get(account.provider().value());
        } catch (BillingException e) {
            return CompletableFuture.completedFuture(progress.failed(e, null));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (YearMonth m : due) {
            chain = chain.thenCompose(v -> syncWindow(provider, account, m, now, progress, restatements));
        }
        CompletableFuture<AccountSyncResult> result = new CompletableFuture<>();
        chain.thenApplyAsync(v -> {
            // A month skipped because another instance held it is not recorded as synced: the account's last
            // sync stays where it was, so the next sync re-reads from there (and backfills the month if the
            // other instance never wrote it).
            if (progress.skipped.isEmpty()) {
                store.markSynced(account.id(), now);
            }
            return progress.succeeded();
        }, engine.executor()).whenComplete((r, e) -> {
            if (e == null) {
                result.complete(r);
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CostStoreException storeFailure) {
                result.completeExceptionally(storeFailure);
            } else {
                result.complete(progress.failed(FetchEngine.unwrap(e, account), progress.month));
            }
        });
        return result;
    }

    /**
     * One window: claimed first (a lease, no transaction), then fetched into memory through the shared
     * fetch engine with nothing held in the store, then replaced in one short transaction. A window another
     * instance holds is skipped without being fetched.
     */
    private CompletableFuture<Void> syncWindow(BillingProvider provider, ServiceAccount account, YearMonth m,
                                               Instant now, AccountProgress progress,
                                               List<RestatementEvent> restatements) {
        progress.month = m;
        return CompletableFuture.supplyAsync(() -> store.claimWindow(account, m), engine.executor())
                .thenCompose(claimed -> {
                    if (claimed.isEmpty()) {
                        log.debug("service account {} {}: another instance is replacing it; skipped", account.name(), m);
                        progress.skipped.add(m);
                        return CompletableFuture.completedFuture(null);
                    }
                    WindowLease lease = claimed.get();
                    // appended to the store as it is fetched where the store allows it, else held until replaced
                    List<CostRecord> window = new ArrayList<>();
                    CostSink fetchedTo = lease.appender().orElse(window::add);
                    FetchRequest request = FetchRequest.of(account, BillingPeriod.month(m), Granularity.DAILY)
                            .withCancellation(CostAggregator.retriesTo(listener, account));
                    CompletableFuture<Void> done;
                    try {
                        done = engine.fetch(provider, request, fetchedTo).thenAcceptAsync(stats -> {
                            Optional<WindowReplacement> result = lease.replace(now, sink -> {
                                sink.acceptAll(window);
                                return stats;
                            });
                            window.clear();
                            recordReplacement(account, m, now, result, progress, restatements);
                        }, engine.executor());
                    } catch (RuntimeException e) {
                        done = CompletableFuture.failedFuture(e);
                    }
                    return done.whenComplete((v, e) -> lease.close());
                });
    }

    private void recordReplacement(ServiceAccount account, YearMonth m, Instant now, Optional<WindowReplacement> result,
                                   AccountProgress progress, List<RestatementEvent> restatements) {
        if (result.isEmpty()) {
            log.debug("service account {} {}: its lease expired and another instance took the window; skipped",
                    account.name(), m);
            progress.skipped.add(m);
            return;
        }
        WindowReplacement r = result.get();
        log.debug("service account {} {}: {} line items, totals {}", account.name(), m, r.records(), r.newTotals());
        progress.replaced.add(m);
        progress.records += r.records();
        if (r.totalsChanged()) {
            MonthState state = closedAt(m).isAfter(now) ? MonthState.OPEN : MonthState.CLOSED;
            RestatementEvent event = new RestatementEvent(account.id(), account.project(), m, state,
                    r.oldTotals(), r.newTotals(), r.previouslySyncedAt(), now);
            restatements.add(event);
            notifyListeners(event);
        }
    }

    /** What one account's sync has done so far; its windows run one after another. */
    private static final class AccountProgress {
        final ServiceAccount account;
        final List<YearMonth> replaced = new ArrayList<>();
        final List<YearMonth> skipped = new ArrayList<>();
        long records;
        volatile YearMonth month;

        AccountProgress(ServiceAccount account) {
            this.account = account;
        }

        AccountSyncResult succeeded() {
            return new AccountSyncResult(account.id(), replaced, skipped, records, AccountStatus.Ok.INSTANCE, null);
        }

        AccountSyncResult failed(BillingException e, YearMonth at) {
            log.warn("sync of service account {} stopped{}; its unsynced months keep their old data: {}",
                    account.name(), at == null ? "" : " at " + at, e.getMessage());
            return new AccountSyncResult(account.id(), replaced, skipped, records, new AccountStatus.Failed(e), at);
        }
    }

    private void notifyListeners(RestatementEvent event) {
        for (RestatementListener l : listeners) {
            try {
                l.restated(event);
            } catch (RuntimeException e) {
                log.warn("restatement listener {} failed on {} {}: {}", l.getClass().getName(), event.account(),
                        event.month(), e.toString());
            }
        }
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
        CostQuery query = CostAggregator.withAliases(asked, tagAliases);
        List<ServiceAccount> scope = accounts.inScope(query);
        List<AccountCoverage> coverage = new ArrayList<>();
        List<ServiceAccountId> synced = new ArrayList<>();
        Set<ProjectId> projects = new LinkedHashSet<>();
        scope.forEach(a -> projects.add(a.project()));
        coverage(query, scope, coverage, synced);
        CostQuery fetched = query.fetched();
        CostCube cube = new CostCube(fetched.granularity(), fetched.groupBy());
        if (!synced.isEmpty()) {
            store.aggregateColumns(fetched, synced, cube::add);
        }
        return ReportConversion.finish(cube.toReport(fetched, projects, coverage), query);
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
        Objects.requireNonNull(sink, "sink");
        CostQuery query = CostAggregator.withAliases(asked, tagAliases);
        List<ServiceAccount> scope = accounts.inScope(query);
        List<AccountCoverage> coverage = new ArrayList<>();
        List<ServiceAccountId> synced = new ArrayList<>();
        coverage(query, scope, coverage, synced);
        if (!synced.isEmpty()) {
            Dimension[] all = Dimension.fixed().toArray(Dimension[]::new);
            CostQuery daily = query.toBuilder().granularity(Granularity.DAILY).groupBy(all).build();
            store.aggregate(daily, synced, cell -> sink.accept(lineItem(cell, all)));
        }
        return coverage;
    }

    private static CostRecord lineItem(CostCell cell, Dimension[] dims) {
        Map<Dimension, String> keys = new HashMap<>();
        for (int i = 0; i < dims.length; i++) {
            keys.put(dims[i], cell.keys().get(i));
        }
        return CostRecord.builder().chargeDate(cell.bucket())
                .provider(ProviderId.of(keys.get(Dimension.PROVIDER)))
                .billingAccountId(keys.get(Dimension.ACCOUNT)).subAccountId(keys.get(Dimension.SUB_ACCOUNT))
                .serviceAccount(ServiceAccountId.of(keys.get(Dimension.SERVICE_ACCOUNT)))
                .project(cell.project()).service(keys.get(Dimension.SERVICE)).region(keys.get(Dimension.REGION))
                .usageType(keys.get(Dimension.USAGE_TYPE))
                .chargeCategory(ChargeCategory.valueOf(keys.get(Dimension.CHARGE_CATEGORY)))
                .billedCost(cell.amount()).build();
    }

    /**
     * Fills each account's coverage from the windows the store holds for the query's months (up to the
     * current one), and the accounts that have data.
     */
    private void coverage(CostQuery query, List<ServiceAccount> scope, List<AccountCoverage> coverage,
                          List<ServiceAccountId> synced) {
        Instant now = clock.instant();
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        List<YearMonth> needed = new ArrayList<>();
        YearMonth lastNeeded = YearMonth.from(query.period().end().minusDays(1));
        if (lastNeeded.isAfter(current)) {
            lastNeeded = current;
        }
        for (YearMonth m = YearMonth.from(query.period().start()); !m.isAfter(lastNeeded); m = m.plusMonths(1)) {
            needed.add(m);
        }
        Map<ServiceAccountId, Instant> lastSyncs = store.lastSyncs();
        Map<ServiceAccountId, Map<YearMonth, Instant>> held = needed.isEmpty() ? Map.of()
                : store.heldWindows(scope.stream().map(ServiceAccount::id).toList(), needed.get(0),
                needed.get(needed.size() - 1));
        for (ServiceAccount a : scope) {
            BillingException lacks = CostAggregator.lacksMetric(query, a, providers);
            if (lacks != null) {
                coverage.add(new AccountCoverage(a.id(), a.provider(), a.project(), new AccountStatus.Failed(lacks),
                        now, FetchStats.EMPTY));
                continue;
            }
            Instant last = lastSyncs.get(a.id());
            Map<YearMonth, Instant> windows = held.getOrDefault(a.id(), Map.of());
            Instant asOf = last;
            for (Instant t : windows.values()) {
                asOf = asOf == null || t.isAfter(asOf) ? t : asOf;
            }
            List<YearMonth> missing = needed.stream().filter(m -> !windows.containsKey(m)).toList();
            if (asOf == null) {
                String fix = needed.isEmpty() ? "" : "; " + fix(needed.get(0), "it");
                coverage.add(new AccountCoverage(a.id(), a.provider(), a.project(), new AccountStatus.Failed(
                        new BillingException("service account '" + a.name() + "' has never been synced into the cost"
                                + " store" + fix, a.name(), -1, false, null)), now, FetchStats.EMPTY));
                continue;
            }
            synced.add(a.id());
            AccountStatus status;
            if (!missing.isEmpty()) {
                status = new AccountStatus.Partial(missing, asOf, "service account '" + a.name() + "': "
                        + ranges(missing) + " never synced into the cost store; " + fix(missing.get(0), "them"));
            } else if (last != null && Duration.between(last, now).compareTo(staleAfter) > 0) {
                status = new AccountStatus.Stale(last);
            } else if (last == null && Duration.between(asOf, now).compareTo(staleAfter) > 0) {
                status = new AccountStatus.Stale(asOf);
            } else {
                status = AccountStatus.Ok.INSTANCE;
            }
            coverage.add(new AccountCoverage(a.id(), a.provider(), a.project(), status, asOf, FetchStats.EMPTY));
        }
    }

    /**
     * @return the fix in the API's terms, "a sync reaching back to 2026-01 fills them" (a sync whose
     *     {@link Builder#monthsBack(int)} reaches that month, or whose backfill does); a command line adds its own
     */
    private static String fix(YearMonth oldest, String what) {
        return "a sync reaching back to " + oldest + " fills " + what;
    }

    /** @return the months as runs, for example {@code 2026-01..2026-03, 2026-05} */
    static String ranges(List<YearMonth> months) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < months.size()) {
            int j = i;
            while (j + 1 < months.size() && months.get(j).plusMonths(1).equals(months.get(j + 1))) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(months.get(i));
            if (j > i) {
                sb.append("..").append(months.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
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
