package dev.billing.dashboard;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Dimension;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.support.Arguments;
import dev.billing.core.spi.FetchStats;
import dev.billing.dashboard.internal.ReportMerge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Live reports that answer on time, for a dashboard: a {@link ReportSource} over a {@link Billing} that
 * fetches each service account on its own, caches what it fetched, and never waits past a deadline.
 * <ul>
 * <li><b>Deadline</b>: {@link #report} returns when every account in scope has answered or when the deadline
 *     (default {@code PT10S}) has passed, whichever comes first. An account that has not answered by then is
 *     in the report as {@link CoverageStatus#PENDING}: its costs are missing, the report is not complete
 *     ({@link CostReport#isComplete()} is false), and its fetch goes on in the background to fill the cache,
 *     so that a reload shows it.</li>
 * <li><b>Cache</b>: each account's report is kept per (query, account) for the time to live (default
 *     {@code PT5M}) after it answered: a page load within it asks no provider again. An account that
 *     FAILED is asked again at the next load.</li>
 * <li><b>Single flight</b>: identical requests share one fetch per account (fifty concurrent identical
 *     page loads cost one provider fetch per account).</li>
 * <li><b>Isolation</b>: no thread waits on a provider but the one of the page that asked, and only up to
 *     its deadline; a slow or hung account never delays a page that does not contain it (a project page
 *     asks only its own accounts).</li>
 * </ul>
 * Thread-safe. Used by {@link DashboardHandler} through {@code DashboardHandler.builder(liveReports)}:
 *
 * <pre>{@code
 * LiveReports reports = LiveReports.builder(billing).deadline(Duration.ofSeconds(10)).build();
 * server.createContext("/", DashboardHandler.builder(reports).build());
 * }</pre>
 */
public final class LiveReports implements ReportSource {
    /** Cache entries kept at most; beyond it, answered entries are dropped oldest first. */
    private static final int MAX_ENTRIES = 10_000;

    private final Billing billing;
    private final Duration deadline;
    private final Duration timeToLive;
    private final Clock clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    private LiveReports(Builder b) {
        this.billing = b.billing;
        this.deadline = b.deadline;
        this.timeToLive = b.timeToLive;
        this.clock = b.clock;
    }

    /**
     * @param billing where accounts and their costs come from
     * @return a builder
     */
    public static Builder builder(Billing billing) {
        return new Builder(billing);
    }

    /** @return how long a report waits for the accounts in scope */
    public Duration deadline() {
        return deadline;
    }

    /**
     * @param query what to report
     * @return the report by the deadline: the accounts that answered, the others PENDING; with the {@code Billing}'s
     *     allocation (a query not asking for raw costs), the whole allocated report once every account has answered
     * @throws dev.billing.core.InvalidRequestException when the query names a project or service account that is
     *     not registered
     * @throws dev.billing.core.MissingExchangeRateException when the query converts and a rate is missing
     */
    @Override
    public CostReport report(CostQuery query) {
        if (!billing.allocation().isEmpty() && !query.rawCosts()) {
            // an allocation divides costs across accounts: one whole report, not one per account
            return billing.costs().report(query);
        }
        List<ServiceAccount> scope = billing.serviceAccounts().inScope(query);
        Map<ServiceAccount, CompletableFuture<CostReport>> fetches = new LinkedHashMap<>();
        for (ServiceAccount account : scope) {
            fetches.put(account, fetch(query, account));
        }
        try {
            CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new))
                    .get(TimeUnit.NANOSECONDS.convert(deadline), TimeUnit.NANOSECONDS); // saturates
        } catch (TimeoutException | ExecutionException e) {
            // the accounts not done are pending; a failed fetch is rethrown below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CostReport> parts = new ArrayList<>();
        List<AccountCoverage> coverage = new ArrayList<>();
        Set<ProjectId> projects = new LinkedHashSet<>();
        Instant now = clock.instant();
        for (Map.Entry<ServiceAccount, CompletableFuture<CostReport>> e : fetches.entrySet()) {
            ServiceAccount a = e.getKey();
            projects.add(a.project());
            CompletableFuture<CostReport> f = e.getValue();
            if (f.isDone()) {
                CostReport part = join(f);
                parts.add(part);
                coverage.addAll(part.coverage());
            } else {
                coverage.add(new AccountCoverage(a.id(), a.provider(), a.project(), AccountStatus.Pending.INSTANCE,
                        now, FetchStats.EMPTY));
            }
        }
        return ReportMerge.merge(query, projects, parts, coverage);
    }

    private static CostReport join(CompletableFuture<CostReport> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** The account's report for the query: the cached one, the one in flight, or a new fetch. */
    private CompletableFuture<CostReport> fetch(CostQuery query, ServiceAccount account) {
        CostQuery one = oneAccount(query, account);
        Key key = new Key(one.toString(), query.conversion().map(CostQuery.Conversion::rates).orElse(null));
        Instant now = clock.instant();
        Entry entry = cache.compute(key, (k, old) -> old != null && old.fresh(now, timeToLive) ? old
                : new Entry(now, startFetch(one)));
        if (cache.size() > MAX_ENTRIES) {
            evict(now);
        }
        return entry.report;
    }

    private CompletableFuture<CostReport> startFetch(CostQuery one) {
        try {
            return billing.costs().reportAsync(one);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The query for one account: the same period, granularity, group-by, filters and conversion. */
    private static CostQuery oneAccount(CostQuery query, ServiceAccount account) {
        CostQuery.Builder b = CostQuery.builder(query.period()).granularity(query.granularity())
                .groupBy(query.groupBy().toArray(Dimension[]::new));
        query.filters().forEach((d, values) -> {
            if (d != Dimension.PROJECT && d != Dimension.SERVICE_ACCOUNT) {
                b.filter(d, values.toArray(String[]::new));
            }
        });
        query.conversion().ifPresent(c -> b.convertTo(c.currency(), c.rates()));
        return b.filter(Dimension.SERVICE_ACCOUNT, account.name()).build();
    }

    private void evict(Instant now) {
        cache.values().removeIf(e -> !e.fresh(now, timeToLive));
        if (cache.size() > MAX_ENTRIES) {
            cache.entrySet().stream().filter(e -> e.getValue().report.isDone())
                    .sorted((a, b) -> a.getValue().started.compareTo(b.getValue().started))
                    .limit(cache.size() - MAX_ENTRIES).map(Map.Entry::getKey).toList().forEach(cache::remove);
        }
    }

    private record Key(String query, Object rates) {
    }

    /** A fetch and when it started; its answer is kept until the time to live has passed since it answered. */
    private final class Entry {
        final Instant started;
        final CompletableFuture<CostReport> report;
        volatile Instant answered;

        Entry(Instant started, CompletableFuture<CostReport> report) {
            this.started = started;
            this.report = report.whenComplete((r, e) -> answered = clock.instant());
        }

        /** In flight, or answered OK within the time to live. */
        boolean fresh(Instant now, Duration ttl) {
            if (!report.isDone()) {
                return true;
            }
            if (report.isCompletedExceptionally()
                    || report.join().coverage().stream().anyMatch(c -> c.code() == CoverageStatus.FAILED)) {
                return false;
            }
            Instant at = answered;
            return at != null && now.isBefore(at.plus(ttl));
        }
    }

    /** Builds {@link LiveReports}. */
    public static final class Builder {
        private final Billing billing;
        private Duration deadline = Duration.ofSeconds(10);
        private Duration timeToLive = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();

        private Builder(Billing billing) {
            this.billing = Objects.requireNonNull(billing, "billing");
        }

        /**
         * @param deadline how long a report waits for its accounts before showing the others as pending
         *     (default {@code PT10S}), positive
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = Arguments.positive(deadline, "deadline");
            return this;
        }

        /**
         * @param timeToLive how long an account's answer is reused after it came (default {@code PT5M}), positive
         * @return this builder
         */
        public Builder timeToLive(Duration timeToLive) {
            this.timeToLive = Arguments.positive(timeToLive, "timeToLive");
            return this;
        }

        /**
         * @param clock the clock of the time to live and of pending accounts' {@code asOf} (default UTC system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the live reports */
        public LiveReports build() {
            return new LiveReports(this);
        }
    }
}
