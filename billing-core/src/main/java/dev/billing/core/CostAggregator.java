package dev.billing.core;

import dev.billing.core.internal.FetchEngine;
import dev.billing.core.internal.LiveAggregation;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
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
    private final TagAliases tagAliases;
    private final Allocation allocation;

    CostAggregator(BillingProviders providers, ServiceAccountRegistry accounts, FetchEngine engine, Clock clock,
                   FetchListener listener, TagAliases tagAliases, Allocation allocation) {
        this.providers = providers;
        this.accounts = accounts;
        this.engine = engine;
        this.clock = clock;
        this.listener = listener;
        this.tagAliases = tagAliases;
        this.allocation = allocation;
    }

    /**
     * The one rule for a metric a provider does not give: its accounts are FAILED with this reason, never
     * reported with another metric's amounts.
     *
     * @return why the account cannot be reported in the query's metric, or null when it can
     */
    static BillingException lacksMetric(CostQuery query, ServiceAccount account, BillingProviders providers) {
        Capability needed = query.metric().capability().orElse(null);
        if (needed == null) {
            return null;    // billed cost: every provider gives it (no provider look-up per account)
        }
        BillingProvider provider = providers.find(account.provider()).orElse(null);
        if (provider == null || provider.capabilities().contains(needed)) {
            return null;
        }
        return new BillingException("service account '" + account.name() + "': provider '"
                + account.provider().value() + "' gives no " + query.metric().key() + " cost (it does not declare "
                + needed + "); left out of a " + query.metric().key() + " report", account.name(), false, null);
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
    public CostReport projectTotal(ProjectId project, BillingPeriod period) {
        return report(CostQuery.builder(period).project(project).build());
    }

    /**
     * @param project a registered project's id, as text
     * @param period the period
     * @return {@link #projectTotal(ProjectId, BillingPeriod) projectTotal(ProjectId.of(project), period)}
     * @throws InvalidRequestException when the project id is malformed or no service account is registered for it
     */
    public CostReport projectTotal(String project, BillingPeriod period) {
        return projectTotal(ProjectId.of(project), period);
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
     * @throws MissingExchangeRateException when the query converts and a line item's day has no rate
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
     * @param asked what to report
     * @return completes with the report, or exceptionally with a {@link MissingExchangeRateException}
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     */
    public CompletableFuture<CostReport> reportAsync(CostQuery asked) {
        ReportScope scope = ReportScope.of(asked, tagAliases, accounts, allocation);
        LiveAggregation live = new LiveAggregation(scope.fetched(), scope.cube());
        AtomicInteger finished = new AtomicInteger();
        int size = scope.accounts().size();
        List<CompletableFuture<AccountCoverage>> fetches = new ArrayList<>(size);
        for (ServiceAccount account : scope.accounts()) {
            fetches.add(fetchOne(account, scope.fetched(), live).thenApply(c -> {
                notifyListener(() -> listener.finished(c, finished.incrementAndGet(), size));
                return c;
            }));
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApply(v ->
                scope.report(live.cube(), fetches.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Streams every line item a query accepts, one service account at a time, without aggregating
     * them: for exports (such as FOCUS) that need the rows themselves. The accounts are fetched
     * concurrently, as for {@link #report}, at the query's granularity (use {@link Granularity#DAILY}
     * for daily line items); each account's records are held until its fetch has succeeded and
     * then passed to {@code sink} all together, so a failing account's records never reach it
     * (never in part). Memory holds the records of the accounts in flight, never of all of them.
     * The query's group-by is ignored.
     *
     * @param asked the period, granularity and filters
     * @param sink receives each line item, tagged with its service account and project; called
     *     from one thread at a time
     * @return the coverage of every account in scope, in registration order: OK, or FAILED with the
     *     reason (its records left out)
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     * @throws RuntimeException whatever {@code sink} throws, after the fetches in flight have ended;
     *     no record is passed on after it
     */
    public List<AccountCoverage> lineItems(CostQuery asked, Consumer<CostRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        ReportScope reportScope = ReportScope.of(asked, tagAliases, accounts);
        CostQuery query = reportScope.query();
        List<ServiceAccount> scope = reportScope.accounts();
        AtomicInteger finished = new AtomicInteger();
        AtomicReference<RuntimeException> sinkFailure = new AtomicReference<>();
        Object delivery = new Object();
        List<CompletableFuture<AccountCoverage>> fetches = new ArrayList<>(scope.size());
        for (ServiceAccount account : scope) {
            List<CostRecord> held = new ArrayList<>();
            Consumer<CostRecord> own = r -> {
                synchronized (held) {
                    held.add(r);
                }
            };
            Runnable commit = () -> {
                List<CostRecord> records;
                synchronized (held) {
                    records = new ArrayList<>(held);
                    held.clear();
                }
                synchronized (delivery) {
                    if (sinkFailure.get() == null) {
                        try {
                            records.forEach(sink);
                        } catch (RuntimeException e) {
                            sinkFailure.set(e);
                        }
                    }
                }
            };
            fetches.add(fetchOne(account, query, (provider, request) -> engine.fetch(provider, request, r -> {
                if (query.accepts(r)) {
                    own.accept(r);
                }
            }), commit).thenApply(c -> {
                notifyListener(() -> listener.finished(c, finished.incrementAndGet(), scope.size()));
                return c;
            }));
        }
        List<AccountCoverage> coverage;
        try {
            CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).join();
            coverage = fetches.stream().map(CompletableFuture::join).toList();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        if (sinkFailure.get() != null) {
            throw sinkFailure.get();
        }
        return coverage;
    }

    /**
     * Aggregates one account's records, as they stream in, into its own partial sums and merges them into
     * the report on success; never fails. The partial of a fetch that failed or was cancelled is dropped
     * whole: none of its records reach the report.
     */
    private CompletableFuture<AccountCoverage> fetchOne(ServiceAccount account, CostQuery query, LiveAggregation live) {
        LiveAggregation.Partial own = live.partial(account);
        // the partial files every record under this account and its project, so records need no tagging
        return fetchOne(account, query, (provider, request) -> engine.fetchUntagged(provider, request, own),
                () -> live.commit(own));
    }

    /** Starts one account's fetch and runs {@code commit} when it succeeds; never fails. */
    private CompletableFuture<AccountCoverage> fetchOne(ServiceAccount account, CostQuery query,
            BiFunction<BillingProvider, FetchRequest, CompletableFuture<FetchStats>> start, Runnable commit) {
        long startNanos = System.nanoTime();
        notifyListener(() -> listener.started(account));
        CompletableFuture<FetchStats> fetch;
        try {
            BillingProvider provider = providers.get(account.provider());
            BillingException lacks = lacksMetric(query, account, providers);
            if (lacks != null) {
                throw lacks;
            }
            fetch = start.apply(provider, FetchRequest.of(account, query.period(), query.granularity())
                    .withCancellation(retriesTo(listener, account)));
        } catch (BillingException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        return fetch.handle((stats, error) -> {
            if (error == null) {
                commit.run();
                log.debug("service account {}: {} records, {} requests, {} pages, {} dropped, {} null costs in {} ms",
                        account.name(), stats.records(), stats.requests(), stats.pages(), stats.droppedRows(),
                        stats.nullCosts(),
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

    /**
     * @return a cancellation that is never cancelled and tells the listener of the account's retry waits; the
     *     engine's cancellation passes the provider's reports on to it
     */
    static Cancellation retriesTo(FetchListener listener, ServiceAccount account) {
        return Cancellation.reportingRetries((wait, throttled) ->
                notifyListener(() -> listener.retrying(account, wait, throttled)));
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
