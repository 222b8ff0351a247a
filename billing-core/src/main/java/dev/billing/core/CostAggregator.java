package dev.billing.core;

import dev.billing.core.internal.Bounded;
import dev.billing.core.internal.CostCube;
import dev.billing.core.internal.ColumnarStore;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads billing: fetches the service accounts in scope concurrently (at most a bounded number at
 * once), tags each record with its service account and project, and aggregates exactly.
 *
 * <p>A failing account never fails a report: its costs are left out whole (never in part), its
 * coverage entry says why, and {@link CostReport#isComplete()} is {@code false}.
 */
public final class CostAggregator {
    private static final Logger log = LoggerFactory.getLogger(CostAggregator.class);

    private final BillingProviders providers;
    private final ServiceAccountRegistry accounts;
    private final Executor executor;
    private final int maxConcurrentFetches;
    private final Clock clock;
    private final FetchListener listener;
    private final Duration fetchTimeout;
    private volatile boolean closed;

    CostAggregator(BillingProviders providers, ServiceAccountRegistry accounts, Executor executor,
                   int maxConcurrentFetches, Duration fetchTimeout, Clock clock, FetchListener listener) {
        this.providers = providers;
        this.accounts = accounts;
        this.executor = executor;
        this.maxConcurrentFetches = maxConcurrentFetches;
        this.fetchTimeout = fetchTimeout;
        this.clock = clock;
        this.listener = listener;
    }

    /** Marks the SDK closed, so that fetches its shut-down executor rejects say so; called by {@link Billing#close()}. */
    void close() {
        closed = true;
    }

    /**
     * @param period the period
     * @return the domain's totals (the sum over every account) and monthly series, each project's, and coverage
     */
    public CostReport domainTotal(BillingPeriod period) {
        return report(CostQuery.of(period));
    }

    /**
     * @param project a project id
     * @param period the period
     * @return that project's totals and monthly series, and the coverage of its accounts
     * @throws InvalidRequestException when the project id is malformed
     */
    public CostReport projectTotal(String project, BillingPeriod period) {
        return report(CostQuery.builder(period).project(project).build());
    }

    /**
     * @param period the period
     * @return a report whose {@link CostReport#projects()} holds every project's totals
     */
    public CostReport projectTotals(BillingPeriod period) {
        return domainTotal(period);
    }

    /**
     * @param query what to report
     * @return the report; incomplete, never failed, when some accounts fail (on a closed {@link Billing},
     *     every account fails with "Billing is closed" unless the host gave its own executor)
     */
    public CostReport report(CostQuery query) {
        try {
            return reportAsync(query).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /**
     * The asynchronous form of {@link #report}; no thread blocks while fetches are in flight.
     *
     * @param query what to report
     * @return completes with the report
     */
    public CompletableFuture<CostReport> reportAsync(CostQuery query) {
        List<ServiceAccount> scope = accounts.inScope(query);
        ColumnarStore store = new ColumnarStore();
        AccountCoverage[] coverage = new AccountCoverage[scope.size()];
        AtomicInteger finished = new AtomicInteger();
        List<Supplier<CompletableFuture<?>>> tasks = new ArrayList<>(scope.size());
        for (int i = 0; i < scope.size(); i++) {
            int index = i;
            ServiceAccount account = scope.get(i);
            tasks.add(() -> fetchOne(account, query, store).thenAccept(c -> {
                coverage[index] = c;
                notifyListener(() -> listener.finished(c, finished.incrementAndGet(), scope.size()));
            }));
        }
        Set<ProjectId> projects = new LinkedHashSet<>();
        scope.forEach(a -> projects.add(a.project()));
        return Bounded.runAll(tasks, maxConcurrentFetches)
                .thenApply(v -> CostCube.of(store, query).toReport(query, projects, List.of(coverage)));
    }

    /**
     * Streams one account into its own segment and commits it to the store on success; never fails.
     * A fetch that has not completed within the fetch timeout fails the account; records it passes
     * afterwards go to the abandoned segment, never to the report.
     */
    private CompletableFuture<AccountCoverage> fetchOne(ServiceAccount account, CostQuery query, ColumnarStore store) {
        long startNanos = System.nanoTime();
        notifyListener(() -> listener.started(account));
        ColumnarStore.Segment own = store.newSegment();
        CompletableFuture<FetchStats> fetch;
        try {
            BillingProvider provider = providers.get(account.provider().value());
            FetchRequest request = FetchRequest.of(account, query.period(), query.granularity());
            fetch = Objects.requireNonNull(provider.fetchAsync(request, record -> {
                CostRecord tagged = tag(record, account);
                if (query.accepts(tagged)) {
                    own.add(tagged);
                }
            }, executor), "fetchAsync returned null");
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        // copy(): the timeout completes our view of the fetch, not the provider's future
        long timeoutNanos = TimeUnit.NANOSECONDS.convert(fetchTimeout);
        return fetch.copy().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((stats, error) -> {
            if (error == null) {
                store.commit(own);
                log.debug("service account {}: {} records, {} requests, {} pages, {} dropped, {} null costs in {} ms",
                        account.name(), stats.records(), stats.requests(), stats.pages(), stats.droppedRows(),
                        stats.nullCosts(),
                        (System.nanoTime() - startNanos) / 1_000_000);
                return new AccountCoverage(account.id(), account.provider(), account.project(),
                        CoverageStatus.OK, null, clock.instant(), stats);
            }
            String reason = reason(error, account);
            log.warn("service account {} left out of the report: {}", account.name(), reason);
            return new AccountCoverage(account.id(), account.provider(), account.project(),
                    CoverageStatus.FAILED, reason, clock.instant(), FetchStats.EMPTY);
        });
    }

    /** A listener's failure is the host's bug: it is logged and never fails an account or the report. */
    private static void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("fetch listener failed: {}", e.toString());
        }
    }

    /** @return the record carrying the account's id and project, whatever the provider put there */
    static CostRecord tag(CostRecord r, ServiceAccount account) {
        if (r.serviceAccount().equals(account.id()) && r.project().equals(account.project())) {
            return r;
        }
        return new CostRecord(r.chargeDate(), r.provider(), r.billingAccountId(), account.id(), account.project(),
                r.service(), r.region(), r.usageType(), r.chargeCategory(), r.cost(), r.usageQuantity());
    }

    private String reason(Throwable error, ServiceAccount account) {
        if (error instanceof TimeoutException) {
            return "no answer within " + fetchTimeout + " while fetching service account '" + account.name()
                    + "' from " + account.provider() + "; raise Billing.builder().fetchTimeout(...) if the provider"
                    + " is this slow";
        }
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof BillingException) {
            return e.getMessage();
        }
        if (e instanceof RejectedExecutionException) {
            return closed ? "Billing is closed; service account '" + account.name() + "' was not fetched; build a"
                    + " new Billing to read costs"
                    : "the fetch executor rejected the fetch of service account '" + account.name()
                    + "'; is the executor given to Billing.builder().executor(...) shut down?";
        }
        return "unexpected " + e.getClass().getSimpleName() + " while fetching service account '" + account.name()
                + "' from " + account.provider();
    }
}
