package dev.billing.micrometer;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.AccountSyncResult;
import dev.billing.core.Billing;
import dev.billing.core.CostSync;
import dev.billing.core.FetchListener;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.SyncSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Billing SDK's meters. Give it to the {@link Billing} as its {@link FetchListener}, then bind it to a
 * registry (Spring Boot binds every {@link MeterBinder} bean); time syncs through {@link #sync(CostSync)}:
 *
 * <pre>{@code
 * BillingMetrics metrics = new BillingMetrics();
 * Billing billing = Billing.builder().listener(metrics).build();
 * metrics.bindTo(registry);
 * SyncSummary summary = metrics.sync(costSync);
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code billing.fetch}</td><td>timer</td><td>provider, outcome</td><td>one service account's fetch
 *     (a live report's, or a sync's); outcome {@code ok}, {@code stale}, {@code partial} or {@code failed}</td></tr>
 * <tr><td>{@code billing.provider.requests}</td><td>counter</td><td>provider</td><td>HTTP requests sent to the
 *     provider by live reports' fetches, retries included</td></tr>
 * <tr><td>{@code billing.fetch.line.items}</td><td>counter</td><td>provider, service.account</td><td>line
 *     items read by live reports' fetches</td></tr>
 * <tr><td>{@code billing.fetch.retries}</td><td>counter</td><td>provider, reason</td><td>requests sent again;
 *     reason {@code throttled} or {@code failure}</td></tr>
 * <tr><td>{@code billing.fetch.throttle.wait}</td><td>timer</td><td>provider</td><td>time waited because the
 *     provider throttled</td></tr>
 * <tr><td>{@code billing.sync}</td><td>timer</td><td>outcome</td><td>one {@link CostSync#sync()}; outcome
 *     {@code complete}, {@code incomplete} or {@code error}</td></tr>
 * <tr><td>{@code billing.sync.line.items}</td><td>counter</td><td>provider, service.account</td><td>line items
 *     written to the store by syncs</td></tr>
 * <tr><td>{@code billing.account.data.age}</td><td>time gauge (seconds)</td><td>provider, service.account</td>
 *     <td>time since the account's costs were last read successfully; NaN before that</td></tr>
 * </table>
 *
 * <p>Tags are bounded: provider ids, outcomes, and the names of the registered service accounts. No
 * credential, period, project cost or other unbounded value is ever a tag. Thread-safe.
 */
public final class BillingMetrics implements MeterBinder, FetchListener {
    private static final String PROVIDER = "provider";
    private static final String ACCOUNT = "service.account";

    private final Map<ServiceAccountId, Queue<Long>> starts = new ConcurrentHashMap<>();
    private final Map<ServiceAccountId, AccountGauge> ages = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    /** Meters not yet bound: events before {@link #bindTo(MeterRegistry)} are not recorded. */
    public BillingMetrics() {
    }

    /**
     * Registers the meters; the data age gauge of each service account appears when the account is first
     * seen, or at once for those of {@link #registerAccounts(Billing)}.
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        ages.values().forEach(g -> g.register(registry));
    }

    /**
     * Creates the data age gauge of every service account registered now, so that an account never read shows
     * (as NaN) rather than being absent.
     *
     * @param billing the billing whose accounts to show
     * @return this
     */
    public BillingMetrics registerAccounts(Billing billing) {
        billing.serviceAccounts().list().forEach(this::gauge);
        return this;
    }

    @Override
    public void started(ServiceAccount account) {
        starts.computeIfAbsent(account.id(), k -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
    }

    @Override
    public void finished(AccountCoverage coverage, int done, int total) {
        MeterRegistry r = registry;
        Queue<Long> queue = starts.get(coverage.serviceAccount());
        Long start = queue == null ? null : queue.poll();
        if (r == null) {
            return;
        }
        String provider = coverage.provider().value();
        if (start != null) {
            Timer.builder("billing.fetch").description("Fetches of one service account's costs")
                    .tags(PROVIDER, provider, "outcome", coverage.code().name().toLowerCase(Locale.ROOT))
                    .register(r).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        if (coverage.stats().requests() > 0) {
            Counter.builder("billing.provider.requests").description("HTTP requests sent to the provider, retries included")
                    .tag(PROVIDER, provider).register(r).increment(coverage.stats().requests());
        }
        if (coverage.stats().records() > 0) {
            Counter.builder("billing.fetch.line.items").description("Line items read from the provider")
                    .tags(PROVIDER, provider, ACCOUNT, coverage.name()).baseUnit("items").register(r)
                    .increment(coverage.stats().records());
        }
        if (coverage.status() instanceof AccountStatus.Ok) {
            gauge(coverage.serviceAccount(), provider).readAt(coverage.asOf().toEpochMilli());
        }
    }

    @Override
    public void retrying(ServiceAccount account, Duration wait, boolean throttled) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        String provider = account.provider().value();
        Counter.builder("billing.fetch.retries").description("Requests sent again to the provider")
                .tags(PROVIDER, provider, "reason", throttled ? "throttled" : "failure").register(r).increment();
        if (throttled) {
            Timer.builder("billing.fetch.throttle.wait").description("Time waited because the provider throttled")
                    .tag(PROVIDER, provider).register(r).record(wait);
        }
    }

    /**
     * Runs one sync and records it: its duration ({@code billing.sync}) and the line items each account wrote.
     *
     * @param sync the sync to run
     * @return what {@link CostSync#sync()} returned
     * @throws dev.billing.core.BillingException what {@link CostSync#sync()} throws, recorded as outcome {@code error}
     */
    public SyncSummary sync(CostSync sync) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            SyncSummary summary = sync.sync();
            outcome = summary.isComplete() ? "complete" : "incomplete";
            MeterRegistry r = registry;
            if (r != null) {
                for (AccountSyncResult result : summary.accounts()) {
                    if (result.records() > 0) {
                        AccountGauge g = ages.get(result.account());
                        Counter.builder("billing.sync.line.items").description("Line items written to the cost store")
                                .tags(PROVIDER, g == null ? "unknown" : g.provider, ACCOUNT, result.account().value())
                                .baseUnit("items").register(r).increment(result.records());
                    }
                }
            }
            return summary;
        } finally {
            MeterRegistry r = registry;
            if (r != null) {
                Timer.builder("billing.sync").description("Syncs of every service account into the cost store")
                        .tag("outcome", outcome).register(r).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    private AccountGauge gauge(ServiceAccount account) {
        return gauge(account.id(), account.provider().value());
    }

    private AccountGauge gauge(ServiceAccountId id, String provider) {
        AccountGauge g = ages.computeIfAbsent(id, k -> new AccountGauge(k.value(), provider));
        MeterRegistry r = registry;
        if (r != null) {
            g.register(r);
        }
        return g;
    }

    /** The time of one account's last successful read, shown as its age. */
    private static final class AccountGauge {
        private final String account;
        private final String provider;
        private volatile long readAtMillis = Long.MIN_VALUE;

        AccountGauge(String account, String provider) {
            this.account = account;
            this.provider = provider;
        }

        void readAt(long millis) {
            readAtMillis = Math.max(readAtMillis, millis);
        }

        void register(MeterRegistry r) {
            TimeGauge.builder("billing.account.data.age", this, TimeUnit.MILLISECONDS, g -> g.age(r))
                    .description("Time since the service account's costs were last read successfully")
                    .tags(Tags.of(PROVIDER, provider, ACCOUNT, account)).register(r);
        }

        private double age(MeterRegistry r) {
            long at = readAtMillis;
            return at == Long.MIN_VALUE ? Double.NaN : r.config().clock().wallTime() - at;
        }
    }
}
