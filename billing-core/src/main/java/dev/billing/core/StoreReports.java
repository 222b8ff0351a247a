package dev.billing.core;

import dev.billing.core.internal.CostCube;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.WindowCoverage;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@link CostSync#report} and {@link CostSync#lineItems}: each account's coverage decided from the windows the
 * store holds, and its cells aggregated by the store into the same cube, and through the same
 * {@link ReportScope#report assembly}, as a live report.
 */
final class StoreReports {
    private final BillingProviders providers;
    private final ServiceAccountRegistry accounts;
    private final TagAliases tagAliases;
    private final Allocation allocation;
    private final CostStore store;
    private final SyncSchedule schedule;
    private final Duration staleAfter;

    StoreReports(Billing billing, CostStore store, SyncSchedule schedule, Duration staleAfter) {
        this.providers = billing.providers();
        this.accounts = billing.serviceAccounts();
        this.tagAliases = billing.tagAliases();
        this.allocation = billing.allocation();
        this.store = store;
        this.schedule = schedule;
        this.staleAfter = staleAfter;
    }

    /**
     * Daemon threads for the sums of a report read at the same time as its coverage ({@link #concurrentReport}): a
     * thread per report in flight, ended after a minute idle.
     */
    private static final ExecutorService SUMS = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "billing-store-report-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    /** See {@link CostSync#report}. */
    CostReport report(CostQuery asked) {
        ReportScope scope = ReportScope.of(asked, tagAliases, accounts, allocation);
        if (store.concurrentReads()) {
            return concurrentReport(scope);
        }
        List<ServiceAccountId> synced = new ArrayList<>();
        List<AccountCoverage> coverage = coverage(scope, synced);
        CostCube cube = scope.cube();
        if (!synced.isEmpty()) {
            sums(scope, synced, cube);
        }
        return scope.report(cube, coverage);
    }

    /**
     * The same report as {@link #report}, the store's sums read on another thread while its coverage is read on this
     * one, so that the report waits for the longer of the two reads, not for both. The sums are read before coverage
     * has said which accounts are synced: over every account in scope that is not failed for a metric its provider
     * lacks (an account never synced holds no line items to sum). They are kept only when coverage then finds every
     * one of those accounts synced; otherwise (an account never synced: it could hold a window of a month after the
     * current one, or gain its first window between the two reads) they are thrown away and read again over the
     * synced accounts only, as {@link #report} reads them: no cell of an account the report calls never synced
     * reaches it. A failure of the early sums is thrown as {@link #report} throws it.
     */
    private CostReport concurrentReport(ReportScope scope) {
        List<ServiceAccountId> candidates = new ArrayList<>(scope.accounts().size());
        for (ServiceAccount a : scope.accounts()) {
            if (CostAggregator.lacksMetric(scope.query(), a, providers) == null) {
                candidates.add(a.id());
            }
        }
        CostCube early = scope.cube();
        CompletableFuture<Void> sums = candidates.isEmpty() ? null
                : CompletableFuture.runAsync(() -> store.aggregateRollups(scope.fetched(), candidates, early), SUMS);
        List<ServiceAccountId> synced = new ArrayList<>();
        List<AccountCoverage> coverage;
        try {
            coverage = coverage(scope, synced);
        } catch (RuntimeException | Error e) {
            awaitQuietly(sums);     // the store's read ends with the report, not after it
            throw e;
        }
        if (synced.isEmpty()) {
            awaitQuietly(sums);
            return scope.report(scope.cube(), coverage);
        }
        if (synced.size() == candidates.size()) {
            try {
                sums.join();
            } catch (CompletionException e) {
                rethrowSumsFailure(scope, e.getCause());
            }
            return scope.report(early, coverage);
        }
        awaitQuietly(sums);
        CostCube cube = scope.cube();
        sums(scope, synced, cube);
        return scope.report(cube, coverage);
    }

    private void sums(ReportScope scope, List<ServiceAccountId> synced, CostCube cube) {
        try {
            store.aggregateRollups(scope.fetched(), synced, cube);
        } catch (InvalidRequestException e) {
            throw cannotReport(scope, e);
        }
    }

    private InvalidRequestException cannotReport(ReportScope scope, InvalidRequestException e) {
        if (scope.tagsReadForAllocation()) {
            return new InvalidRequestException("the allocation (" + allocation.fingerprint() + ") reads tags,"
                    + " which this cost store cannot report by; use a store that keeps tags, or raw costs: "
                    + e.getMessage(), null, e);
        }
        return e;
    }

    private void rethrowSumsFailure(ReportScope scope, Throwable cause) {
        if (cause instanceof InvalidRequestException e) {
            throw cannotReport(scope, e);
        }
        if (cause instanceof RuntimeException e) {
            throw e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(cause);
    }

    /** Waits for the early sums to end, ignoring how (their result is not used). */
    private static void awaitQuietly(CompletableFuture<Void> sums) {
        if (sums != null) {
            try {
                sums.join();
            } catch (CompletionException | CancellationException e) {
                // not used
            }
        }
    }

    /** See {@link CostSync#lineItems}. */
    List<AccountCoverage> lineItems(CostQuery asked, Consumer<CostRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        ReportScope scope = ReportScope.of(asked, tagAliases, accounts);
        List<ServiceAccountId> synced = new ArrayList<>();
        List<AccountCoverage> coverage = coverage(scope, synced);
        if (!synced.isEmpty()) {
            store.lineItems(scope.query(), synced, sink);
        }
        return coverage;
    }

    /**
     * @param synced receives the accounts that have data in the store
     * @return each account's coverage from the windows the store holds for the query's months (up to the current
     *     one), in registration order
     */
    private List<AccountCoverage> coverage(ReportScope scope, List<ServiceAccountId> synced) {
        Instant now = schedule.now();
        List<YearMonth> needed = SyncSchedule.reported(scope.query().period(), now);
        // a period wholly after the current month asks about no window: the last syncs alone decide
        Map<ServiceAccountId, WindowCoverage> facts = needed.isEmpty() ? lastSyncsOnly(store.lastSyncs())
                : store.windowCoverage(scope.accounts().stream().map(ServiceAccount::id).toList(), needed.get(0),
                needed.get(needed.size() - 1));
        List<AccountCoverage> coverage = new ArrayList<>(scope.accounts().size());
        for (ServiceAccount a : scope.accounts()) {
            BillingException lacks = CostAggregator.lacksMetric(scope.query(), a, providers);
            if (lacks != null) {
                coverage.add(new AccountCoverage(a.id(), a.provider(), a.project(), new AccountStatus.Failed(lacks),
                        now, FetchStats.EMPTY));
                continue;
            }
            WindowCoverage held = facts.get(a.id());
            if (held == null) {
                String fix = needed.isEmpty() ? "" : "; " + fix(needed.get(0), "it");
                coverage.add(new AccountCoverage(a.id(), a.provider(), a.project(), new AccountStatus.Failed(
                        new BillingException("service account '" + a.name() + "' has never been synced into the cost"
                                + " store" + fix, a.name(), false, null)), now, FetchStats.EMPTY));
                continue;
            }
            synced.add(a.id());
            Instant last = held.lastSync();
            Instant asOf = held.asOf();
            List<YearMonth> missing = held.missing();
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
        return coverage;
    }

    private static Map<ServiceAccountId, WindowCoverage> lastSyncsOnly(Map<ServiceAccountId, Instant> lastSyncs) {
        Map<ServiceAccountId, WindowCoverage> out = new HashMap<>();
        lastSyncs.forEach((account, at) -> out.put(account, new WindowCoverage(at, null, List.of())));
        return out;
    }

    /**
     * @return the fix in the API's terms, "a sync reaching back to 2026-01 fills them" (a sync whose
     *     {@link CostSync.Builder#monthsBack(int)} reaches that month, or whose backfill does); a command line adds
     *     its own
     */
    private static String fix(YearMonth oldest, String what) {
        return "a sync reaching back to " + oldest + " fills " + what;
    }

    /** @return the months as runs, for example {@code 2026-01..2026-03, 2026-05} */
    private static String ranges(List<YearMonth> months) {
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
}
