package dev.billing.core;

import dev.billing.core.internal.FetchEngine;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredCoverage;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link CostSync#sync() sync}: for each account the windows its {@link SyncSchedule} says are due,
 * each claimed (a lease), fetched into memory and replaced in the store; restatements are sent to the listeners.
 */
final class SyncOrchestrator {
    private static final Logger log = LoggerFactory.getLogger(CostSync.class);

    private final BillingProviders providers;
    private final FetchEngine engine;
    private final FetchListener listener;
    private final ServiceAccountRegistry accounts;
    private final CostStore store;
    private final SyncSchedule schedule;
    private final List<RestatementListener> listeners;

    SyncOrchestrator(Billing billing, CostStore store, SyncSchedule schedule, List<RestatementListener> listeners) {
        this.providers = billing.providers();
        this.engine = billing.engine();
        this.listener = billing.listener();
        this.accounts = billing.serviceAccounts();
        this.store = store;
        this.schedule = schedule;
        this.listeners = List.copyOf(listeners);
    }

    /** @return completes with what was synced; exceptionally only when the store itself fails */
    CompletableFuture<SyncSummary> run() {
        Instant now = schedule.now();
        List<ServiceAccount> scope = accounts.list();
        StoredCoverage facts = store.storedCoverage(scope.stream().map(ServiceAccount::id).toList(),
                schedule.oldest(now), SyncSchedule.monthOf(now));
        Map<ServiceAccountId, Instant> lastSyncs = facts.lastSyncs();
        Map<ServiceAccountId, Map<YearMonth, Instant>> held = facts.windows();
        List<RestatementEvent> restatements = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger finished = new AtomicInteger();
        List<CompletableFuture<AccountSyncResult>> results = new ArrayList<>(scope.size());
        for (ServiceAccount account : scope) {
            List<YearMonth> due = schedule.due(lastSyncs.get(account.id()),
                    held.getOrDefault(account.id(), Map.of()).keySet(), now);
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
     * One account's windows, oldest first, each claimed, fetched and then replaced; fails only when the store
     * itself fails ({@link CostStoreException}), since then no account can be synced.
     */
    private CompletableFuture<AccountSyncResult> syncAccount(ServiceAccount account, List<YearMonth> due, Instant now,
                                                             List<RestatementEvent> restatements) {
        AccountProgress progress = new AccountProgress(account);
        BillingProvider provider;
        try {
            provider = providers.get(account.provider());
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
            RestatementEvent event = new RestatementEvent(account.id(), account.project(), m,
                    SyncSchedule.state(m, now), r.oldTotals(), r.newTotals(), r.previouslySyncedAt(), now);
            restatements.add(event);
            notifyListeners(event);
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
}
