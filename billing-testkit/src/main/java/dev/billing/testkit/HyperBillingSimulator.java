package dev.billing.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.billing.testkit.internal.LoopbackServer;
import dev.billing.testkit.internal.ApiHandler;
import dev.billing.testkit.internal.SimulatorState;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.billing.core.Credentials;
import dev.billing.core.spi.BillingProvider;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A HyperBilling API server on a loopback port, serving the HyperBilling API of {@code docs/hyperbilling.md}: API-user
 * authentication, linked accounts, DAILY and MONTHLY billing search with the API's period limits,
 * paging with {@code NextDataToken}, {@code 204} for no data, and error bodies. Per-account
 * {@link Fault faults} make it misbehave like the real service.
 *
 * <pre>{@code
 * SimulatorData data = SimulatorData.generator().seed(42).accounts(3).currencies("USD", "KRW").build();
 * try (HyperBillingSimulator sim = HyperBillingSimulator.builder().data(data).start()) {
 *     String endpoint = sim.endpoint(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>Small answers are sent without delay: the simulator sets the JDK server's TCP_NODELAY
 * switch ({@code sun.net.httpserver.nodelay}) unless the host set it already. Thread-safe.
 */
public final class HyperBillingSimulator implements AutoCloseable {
    private final SimulatorState state;
    private final HttpServer server;
    private final ExecutorService threads;

    private HyperBillingSimulator(Builder b) throws IOException {
        this.state = new SimulatorState(b.data, b.pageSize, b.latency.toMillis(), b.requestsPerSecond, b.nanoTime);
        b.faults.forEach((account, faults) -> faults.forEach(f -> state.faults().add(account, f)));
        this.server = LoopbackServer.create(b.port, 64);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "hyperbilling-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", new ApiHandler(state));
        server.setExecutor(threads);
        server.start();
    }

    /** @return a builder: generated default data, any free port, 500 rows per page */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param data the data to serve
     * @return a started simulator on a free loopback port
     */
    public static HyperBillingSimulator start(SimulatorData data) {
        return builder().data(data).start();
    }

    /** @return the base URL, for example {@code http://127.0.0.1:49152} */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** @return the port listened on */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the data served now */
    public SimulatorData data() {
        return state.data();
    }

    /**
     * Serves other data from now on, for example a restated month.
     *
     * @param data the data
     */
    public void data(SimulatorData data) {
        state.data(data);
    }

    /**
     * @param account an AWS account id
     * @param fault a fault to add for it, from now on: the wire faults, {@link Fault#rowsOutsidePeriod()} and
     *     {@link Fault#nullCosts()}
     * @throws IllegalArgumentException for another data fault
     */
    public void fault(String account, Fault fault) {
        state.faults().add(Objects.requireNonNull(account, "account"), Objects.requireNonNull(fault, "fault"));
    }

    /**
     * @param provider a provider reading from this simulator with HyperBilling's credentials
     *     ({@code account}, {@code email}, {@code key})
     * @return the {@link ProviderContract} kit's target: the {@link SimulatorData#DEFAULT_EMAIL default user}'s
     *     credentials, a wrong key as the rejected ones, faults injected here; closing it closes the provider
     *     and this simulator
     */
    public ContractTarget contractTarget(BillingProvider provider) {
        HyperBillingSimulator simulator = this;
        return new ContractTarget() {
            @Override
            public BillingProvider provider() {
                return provider;
            }

            @Override
            public Credentials credentials(String account) {
                return Credentials.of(Map.of("account", account, "email", SimulatorData.DEFAULT_EMAIL,
                        "key", SimulatorData.DEFAULT_KEY));
            }

            @Override
            public Credentials rejectedCredentials(String account) {
                return Credentials.of(Map.of("account", account, "email", SimulatorData.DEFAULT_EMAIL,
                        "key", "wrong-" + SimulatorData.DEFAULT_KEY));
            }

            @Override
            public void fault(String account, Fault fault) {
                simulator.fault(account, fault);
            }

            @Override
            public int costRequests(String account) {
                return simulator.billingRequests(account);
            }

            @Override
            public void close() {
                provider.close();
                simulator.close();
            }
        };
    }

    /** Removes every fault and releases waiting requests. */
    public void clearFaults() {
        state.faults().clear();
    }

    /** @return the live state, shared with a {@link FakeBillingProvider} built on this simulator */
    SimulatorState state() {
        return state;
    }

    /** @return the requests answered so far, of any kind and status */
    public long requestCount() {
        return state.requests();
    }

    /**
     * @param account an AWS account id
     * @return the billing requests naming that account so far, pages and retries included
     */
    public int billingRequests(String account) {
        return state.billingRequests(account);
    }

    /** Stops the server and its threads. */
    @Override
    public void close() {
        state.faults().close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "HyperBillingSimulator[" + endpoint() + ", " + state.data() + "]";
    }

    /** Configures and starts a {@link HyperBillingSimulator}. */
    public static final class Builder {
        private SimulatorData data = SimulatorData.generator().build();
        private int port;
        private int pageSize = 500;
        private int threads = 8;
        private Duration latency = Duration.ZERO;
        private int requestsPerSecond;
        private LongSupplier nanoTime = System::nanoTime;
        private final Map<String, List<Fault>> faults = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param data the data to serve (default: {@code SimulatorData.generator().build()})
         * @return this builder
         */
        public Builder data(SimulatorData data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * @param port the loopback port, 0 (the default) for any free port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param pageSize rows per billing answer before {@code NextDataToken} (default 500)
         * @return this builder
         */
        public Builder pageSize(int pageSize) {
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * @param threads how many requests are served at once (default 8)
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param latency a delay before every answer, to look like a remote service (default none)
         * @return this builder
         */
        public Builder latency(Duration latency) {
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative");
            }
            this.latency = latency;
            return this;
        }

        /**
         * @param requestsPerSecond the most requests one API user may send in any second; more are
         *     answered {@code 429} with {@code Retry-After: 1} (default 0: no limit)
         * @return this builder
         */
        public Builder rateLimit(int requestsPerSecond) {
            if (requestsPerSecond < 0) {
                throw new IllegalArgumentException("requestsPerSecond must not be negative, got " + requestsPerSecond);
            }
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        /**
         * @param account an AWS account id
         * @param fault a fault for it; several may be given
         * @return this builder
         */
        public Builder fault(String account, Fault fault) {
            faults.computeIfAbsent(Objects.requireNonNull(account, "account"), a -> new ArrayList<>())
                    .add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** The rate limit's time source, for the simulator's own tests: a second passes when they say so. */
        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * @return the running simulator
         * @throws UncheckedIOException when the port cannot be bound
         */
        public HyperBillingSimulator start() {
            try {
                return new HyperBillingSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the HyperBilling simulator on 127.0.0.1:" + port, e);
            }
        }
    }
}
