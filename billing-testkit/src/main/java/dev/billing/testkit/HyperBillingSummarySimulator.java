package dev.billing.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.billing.testkit.internal.LoopbackServer;
import dev.billing.testkit.internal.SummaryHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A HyperBilling summary API server (the {@code hyperbilling-mzc} provider's API) on a loopback
 * port: {@code GET /summary?platform=&account_id=&month=yyyymm&kind=...}, each request
 * authenticated by an RS256 JSON Web Token whose signature is checked with the account's public
 * key (claims {@code iss}, {@code sub}, {@code email} = the account's client e-mail, {@code aud} =
 * {@code 127.0.0.1}, {@code exp} no more than 600 s after {@code iat}), answering the nested
 * {@code [{kind, month, data: [{project_id, project_name, data: [rows with costs]}]}]} for the kinds
 * {@code daily_cost}, {@code monthly_cost}, {@code cost_by_service} and {@code cost_by_region}.
 * Per-account {@link Fault faults}: throttling, server errors, a revoked key, rows outside the month,
 * rows of another month, unasked kinds, null costs, an {@code errorCode} in a 200, and the other wire faults.
 *
 * <pre>{@code
 * KeyPair key = SummaryData.newKeyPair();
 * SummaryData data = SummaryData.generate(7, List.of(new SummaryData.Account("gcp", "01A2B3-C4D5E6-F7A8B9",
 *         "billing@example.com", key.getPublic(), Currency.getInstance("KRW"))), LocalDate.of(2026, 1, 1), 90);
 * try (HyperBillingSummarySimulator sim = HyperBillingSummarySimulator.builder().data(data).start()) {
 *     String endpoint = sim.endpoint(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HyperBillingSummarySimulator implements AutoCloseable {
    private final SummaryHandler handler;
    private final HttpServer server;
    private final ExecutorService threads;

    private HyperBillingSummarySimulator(Builder b) throws IOException {
        this.handler = new SummaryHandler(b.data, "127.0.0.1", b.clock);
        b.faults.forEach((account, faults) -> faults.forEach(f -> handler.addFault(account, f)));
        this.server = LoopbackServer.create(b.port, 64);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "hyperbilling-summary-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", handler);
        server.setExecutor(threads);
        server.start();
    }

    /** @return a builder: no data, any free port */
    public static Builder builder() {
        return new Builder();
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
    public SummaryData data() {
        return handler.data();
    }

    /** @param data the data to serve from now on */
    public void data(SummaryData data) {
        handler.data(data);
    }

    /**
     * @param accountId a billing account id
     * @param fault a fault to add for it, from now on: any wire fault, and the data faults
     *     {@link Fault#rowsOutsidePeriod()}, {@link Fault#nullCosts()}, {@link Fault#rowsOfAnotherMonth()},
     *     {@link Fault#unaskedKinds()} and {@link Fault#errorIn200(String)}
     */
    public void fault(String accountId, Fault fault) {
        handler.addFault(Objects.requireNonNull(accountId, "accountId"), Objects.requireNonNull(fault, "fault"));
    }

    /** Removes every fault and releases waiting requests. */
    public void clearFaults() {
        handler.clearFaults();
    }

    /**
     * @param accountId a billing account id
     * @return the authenticated summary requests naming it so far, retries included
     */
    public int summaryRequests(String accountId) {
        return handler.requests(accountId);
    }

    /** @return the requests answered so far, of any kind and status */
    public int requestCount() {
        return handler.totalRequests();
    }

    /** Stops the server and its threads. */
    @Override
    public void close() {
        handler.close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "HyperBillingSummarySimulator[" + endpoint() + ", " + handler.data() + "]";
    }

    /** Configures and starts a {@link HyperBillingSummarySimulator}. */
    public static final class Builder {
        private SummaryData data = SummaryData.of(List.of(), List.of());
        private int port;
        private int threads = 4;
        private Clock clock = Clock.systemUTC();
        private final Map<String, List<Fault>> faults = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param data the data to serve
         * @return this builder
         */
        public Builder data(SummaryData data) {
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
         * @param threads how many requests are served at once (default 4)
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
         * @param clock the clock tokens' {@code iat} and {@code exp} are checked against (default: system UTC)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param accountId a billing account id
         * @param fault a fault for it; several may be given
         * @return this builder
         */
        public Builder fault(String accountId, Fault fault) {
            faults.computeIfAbsent(Objects.requireNonNull(accountId, "accountId"), a -> new ArrayList<>())
                    .add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /**
         * @return the running simulator
         * @throws UncheckedIOException when the port cannot be bound
         */
        public HyperBillingSummarySimulator start() {
            try {
                return new HyperBillingSummarySimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the HyperBilling summary simulator on 127.0.0.1:" + port, e);
            }
        }
    }
}
