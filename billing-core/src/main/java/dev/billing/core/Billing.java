package dev.billing.core;

import dev.billing.core.internal.FetchEngine;
import dev.billing.core.internal.InMemoryServiceAccountStore;
import dev.billing.core.support.Arguments;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ServiceAccountStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SDK's entry point: the enabled {@link #providers() providers}, the registered
 * {@link #serviceAccounts() billing service accounts}, and the {@link #costs() cost aggregator}.
 *
 * <pre>{@code
 * try (Billing billing = Billing.create()) {
 *     billing.serviceAccounts().register("prod-aws", "hyperbilling-aws", credentials, "project-web");
 *     CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the fetch threads the SDK started (none when the host
 * gave its own executor).
 */
public final class Billing implements AutoCloseable {
    private final BillingProviders providers;
    private final ServiceAccountRegistry serviceAccounts;
    private final CostAggregator costs;
    private final ExecutorService ownExecutor;
    private final FetchEngine engine;
    private final FetchListener listener;
    private final TagAliases tagAliases;
    private final Allocation allocation;

    private Billing(Builder b) {
        this.providers = BillingProviders.create(b.classLoader, b.discover, b.settings, b.disabled, b.added);
        this.serviceAccounts = new ServiceAccountRegistry(providers, b.store);
        this.ownExecutor = b.executor == null ? Executors.newCachedThreadPool(daemonThreads()) : null;
        Executor executor = b.executor == null ? ownExecutor : b.executor;
        this.engine = new FetchEngine(executor, b.maxConcurrentFetches, b.fetchTimeout);
        this.listener = b.listener;
        this.tagAliases = b.tagAliases;
        this.allocation = b.allocation;
        this.costs = new CostAggregator(providers, serviceAccounts, engine, b.clock, b.listener, tagAliases,
                allocation);
    }

    /**
     * @return an instance with every installed provider enabled, in-memory storage and default settings
     * @throws ProviderConfigurationException when an installed provider cannot be loaded or two installed
     *     providers share an id
     */
    public static Billing create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the enabled providers */
    public BillingProviders providers() {
        return providers;
    }

    /** @return the registry of billing service accounts */
    public ServiceAccountRegistry serviceAccounts() {
        return serviceAccounts;
    }

    /** @return the cost aggregator */
    public CostAggregator costs() {
        return costs;
    }

    /** @return the fetch engine every report and sync of this instance shares */
    FetchEngine engine() {
        return engine;
    }

    /** @return the tag aliases every report reads tags with, unless its query sets its own */
    public TagAliases tagAliases() {
        return tagAliases;
    }

    /**
     * @return the allocation every report of this instance applies, unless its query asks for
     *     {@linkplain CostQuery#rawCosts() raw costs}; {@link Allocation#NONE} by default
     */
    public Allocation allocation() {
        return allocation;
    }

    /** @return the listener that hears fetch progress */
    FetchListener listener() {
        return listener;
    }

    /**
     * Cancels the fetches in flight, closes the providers this instance created and stops the SDK's own
     * fetch threads (a host's own executor is left running). Later reports mark every account FAILED with
     * "Billing is closed". Providers the host {@link Builder#addProvider added} are the host's to close.
     */
    @Override
    public void close() {
        engine.close();
        providers.closeCreated();
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "billing-fetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link Billing}. */
    public static final class Builder {
        private ClassLoader classLoader = Billing.class.getClassLoader();
        private boolean discover = true;
        private final Map<String, Map<String, String>> settings = new HashMap<>();
        private final Set<String> disabled = new HashSet<>();
        private final List<BillingProvider> added = new ArrayList<>();
        private ServiceAccountStore store = new InMemoryServiceAccountStore();
        private Executor executor;
        private int maxConcurrentFetches = 8;
        private Duration fetchTimeout = Duration.ofMinutes(10);
        private Clock clock = Clock.systemUTC();
        private FetchListener listener = FetchListener.NONE;
        private TagAliases tagAliases = TagAliases.NONE;
        private Allocation allocation = Allocation.NONE;

        private Builder() {
        }

        /**
         * @param allocation the rules and splits every report of this instance (live, from a {@link CostSync}
         *     store, budgets, anomalies) applies unless its query asks for {@linkplain CostQuery.Builder#rawCosts
         *     raw costs}; default {@link Allocation#NONE}: each line item stays in its service account's project
         * @return this builder
         */
        public Builder allocation(Allocation allocation) {
            this.allocation = Objects.requireNonNull(allocation, "allocation");
            return this;
        }

        /**
         * @param tagAliases the tag keys that mean one key, applied when costs are read by every report and sync
         *     report of this instance (a query may set its own); default {@link TagAliases#NONE}: keys compared
         *     exactly
         * @return this builder
         */
        public Builder tagAliases(TagAliases tagAliases) {
            this.tagAliases = Objects.requireNonNull(tagAliases, "tagAliases");
            return this;
        }

        /**
         * @param discover whether to enable every provider installed on the classpath (default true)
         * @return this builder
         */
        public Builder discoverProviders(boolean discover) {
            this.discover = discover;
            return this;
        }

        /**
         * @param classLoader where installed providers are looked for
         * @return this builder
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /**
         * @param providerId an installed provider's id
         * @param settings its settings, for example {@code endpoint}
         * @return this builder; {@link #build()} fails when no installed provider has that id, or a setting
         *     is not one the provider declares or breaks its rule
         */
        public Builder providerSettings(String providerId, Map<String, String> settings) {
            this.settings.put(Objects.requireNonNull(providerId), Map.copyOf(settings));
            return this;
        }

        /**
         * @param providerId an installed provider not to enable
         * @return this builder
         */
        public Builder disableProvider(String providerId) {
            disabled.add(Objects.requireNonNull(providerId));
            return this;
        }

        /**
         * @param provider a provider to enable besides the installed ones
         * @return this builder
         */
        public Builder addProvider(BillingProvider provider) {
            added.add(Objects.requireNonNull(provider));
            return this;
        }

        /**
         * @param store where service accounts are kept (default: in memory)
         * @return this builder
         */
        public Builder serviceAccountStore(ServiceAccountStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * @param executor where blocking fetch work runs (default: the SDK's own daemon threads)
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param max the most fetches in flight at once over this whole instance, reports and syncs together
         *     (default 8); the others wait their turn without holding a thread
         * @return this builder
         */
        public Builder maxConcurrentFetches(int max) {
            this.maxConcurrentFetches = Arguments.atLeastOne(max, "maxConcurrentFetches");
            return this;
        }

        /**
         * How long one fetch (a service account's period for a report, or one month's window for a sync) may
         * take. When it passes, the fetch is cancelled: the provider learns it through
         * {@link dev.billing.core.spi.FetchRequest#cancellation()} and stops, records it still passes are
         * dropped, and the account is FAILED with a {@link FetchCancelledException} ("no answer within ...").
         *
         * @param timeout the longest wait for one account's fetch, positive (default 10 minutes)
         * @return this builder
         * @throws IllegalArgumentException when zero or negative
         */
        public Builder fetchTimeout(Duration timeout) {
            this.fetchTimeout = Arguments.positive(timeout, "fetchTimeout");
            return this;
        }

        /**
         * @param clock the clock coverage times are read from (default: UTC system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param listener hears fetch progress (default: none)
         * @return this builder
         */
        public Builder listener(FetchListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the instance
         * @throws ProviderConfigurationException when an installed provider cannot be loaded, two installed
         *     providers share an id, an installed factory creates a provider with another id, two added providers share an id, or an added
         *     provider clashes with an installed one
         */
        public Billing build() {
            return new Billing(this);
        }
    }
}
