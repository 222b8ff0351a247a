package dev.billing.core;

import dev.billing.core.internal.CostCube;
import dev.billing.core.internal.FetchEngine;
import dev.billing.core.internal.ColumnarStore;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final FetchEngine engine;
    private final Clock clock;
    private final FetchListener listener;

    CostAggregator(BillingProviders providers, ServiceAccountRegistry accounts, FetchEngine engine, Clock clock,
                   FetchListener listener) {
        this.providers = providers;
        this.accounts = accounts;
        this.engine = engine;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * @param period the period
     * @return the domain's totals (the sum over every account) and monthly series, each project's, and coverage
     */
    public CostReport domainTotal(BillingPeriod period) {
        return report(CostQuery.of(period));
    }

    /**
     * @param project a registered project's id
     * @param period the period
     * @return that project's totals and monthly series, and the coverage of its accounts
     * @throws InvalidRequestException when the project id is malformed or no service account is registered
     *     for it (the message names the registered projects)
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
     *     every account fails with "Billing is closed")
     * @throws InvalidRequestException when the query names a project or service account that is not registered
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
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     */
    public CompletableFuture<CostReport> reportAsync(CostQuery query) {
        List<ServiceAccount> scope = accounts.inScope(query);
        ColumnarStore store = new ColumnarStore();
        AtomicInteger finished = new AtomicInteger();
        List<CompletableFuture<AccountCoverage>> fetches = new ArrayList<>(scope.size());
        for (ServiceAccount account : scope) {
            fetches.add(fetchOne(account, query, store).thenApply(c -> {
                notifyListener(() -> listener.finished(c, finished.incrementAndGet(), scope.size()));
                return c;
            }));
        }
        Set<ProjectId> projects = new LinkedHashSet<>();
        scope.forEach(a -> projects.add(a.project()));
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApply(v ->
                CostCube.of(store, query).toReport(query, projects, fetches.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Streams one account into its own segment and commits it to the store on success; never fails.
     * Records of a fetch that failed or was cancelled stay in the abandoned segment, never in the report.
     */
    private CompletableFuture<AccountCoverage> fetchOne(ServiceAccount account, CostQuery query, ColumnarStore store) {
        long startNanos = System.nanoTime();
        notifyListener(() -> listener.started(account));
        ColumnarStore.Segment own = store.newSegment();
        CompletableFuture<FetchStats> fetch;
        try {
            BillingProvider provider = providers.get(account.provider().value());
            fetch = engine.fetch(provider, FetchRequest.of(account, query.period(), query.granularity()), record -> {
                if (query.accepts(record)) {
                    own.add(record);
                }
            });
        } catch (BillingException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        return fetch.handle((stats, error) -> {
            if (error == null) {
                store.commit(own);
                log.debug("service account {}: {} records, {} requests, {} pages, {} dropped in {} ms",
                        account.name(), stats.records(), stats.requests(), stats.pages(), stats.droppedRows(),
                        (System.nanoTime() - startNanos) / 1_000_000);
                return new AccountCoverage(account.id(), account.provider(), account.project(),
                        AccountStatus.Ok.INSTANCE, clock.instant(), stats);
            }
            BillingException failure = FetchEngine.unwrap(error, account);
            log.warn("service account {} left out of the report: {}", account.name(), failure.getMessage());
            return new AccountCoverage(account.id(), account.provider(), account.project(),
                    new AccountStatus.Failed(failure), clock.instant(), FetchStats.EMPTY);
        });
    }

    /** A listener's failure is the host's bug: it is logged and never fails an account or the report. */
    static void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("fetch listener failed: {}", e.toString());
        }
    }
}
