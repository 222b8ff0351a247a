package dev.billing.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.billing.testkit.internal.LoopbackServer;
import dev.billing.testkit.internal.aws.CostExplorerHandler;
import dev.billing.testkit.internal.aws.CostExplorerState;
import dev.billing.testkit.internal.aws.StsHandler;
import dev.billing.core.Credentials;
import dev.billing.core.spi.BillingProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An AWS Cost Explorer endpoint on a loopback port: the AWS JSON 1.1 protocol ({@code POST /},
 * {@code X-Amz-Target: AWSInsightsIndexService.GetCostAndUsage} or {@code ...GetDimensionValues},
 * {@code Content-Type: application/x-amz-json-1.1}), every request's SigV4 signature verified with the
 * secret key of the account it names, errors encoded as AWS does ({@code __type} in the body and the
 * {@code x-amzn-ErrorType} header).
 *
 * <p>{@code GetCostAndUsage} serves the crafted rows of the calling account: {@code TimePeriod} (End
 * exclusive), {@code Granularity} DAILY or MONTHLY, {@code Metrics} (unblended, blended and net unblended
 * cost are the row's amount, amortized and net amortized cost its amortized amount), {@code GroupBy} up to two of
 * the dimensions {@code LINKED_ACCOUNT}, {@code SERVICE}, {@code REGION}, {@code RECORD_TYPE} and tag keys
 * ({@code TAG}, answered as {@code key$value}, {@code key$} for a line without the tag), a {@code Filter} of
 * {@code Dimensions} (MatchOptions {@code EQUALS}), {@code Tags} (values, or MatchOptions {@code ABSENT}),
 * {@code And}, {@code Or} and {@code Not}, {@code Estimated} for buckets on or after
 * {@link Builder#estimatedFrom}, {@code DimensionValueAttributes} for linked accounts, and paging with
 * {@code NextPageToken} ({@link Builder#pageSize} groups a page). Per-account {@link Fault faults}
 * make it throttle, fail, refuse or hang like the real service.
 *
 * <pre>{@code
 * try (AwsCostExplorerSimulator sim = AwsCostExplorerSimulator.builder()
 *         .account("111111111111", "AKIAEXAMPLEPAYER0001", "payer-secret")
 *         .row(new AwsCostExplorerSimulator.Row("111111111111", LocalDate.of(2026, 1, 5), "222222222222",
 *                 "Amazon Elastic Compute Cloud - Compute", "us-east-1", "Usage", "USD", new BigDecimal("12.5")))
 *         .start()) {
 *     String endpoint = sim.endpoint(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AwsCostExplorerSimulator implements AutoCloseable {
    private final CostExplorerState state;
    private final HttpServer server;
    private final HttpServer sts;
    private final ExecutorService threads;

    private AwsCostExplorerSimulator(Builder b) throws IOException {
        this.state = new CostExplorerState(b.region, b.pageSize, b.estimatedFrom, b.clock);
        b.accounts.values().forEach(state::addAccount);
        state.rows(b.rows);
        b.names.forEach(state::name);
        b.webIdentities.forEach(w -> state.addWebIdentity(w.roleArn(), w.token(), w.temporary()));
        this.server = LoopbackServer.create(b.port, 64);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "aws-ce-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", new CostExplorerHandler(state));
        this.sts = LoopbackServer.create(0, 16);
        sts.createContext("/", new StsHandler(state));
        sts.setExecutor(threads);
        sts.start();
        server.setExecutor(threads);
        server.start();
    }

    /** @return a builder: no accounts, any free port, region {@code us-east-1}, 100 groups per page */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the endpoint URL, for example {@code http://127.0.0.1:49152} */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * @return the URL of the simulator's STS (its own loopback port), for example {@code http://127.0.0.1:49153}: it serves
     *     {@code AssumeRoleWithWebIdentity} for the roles of {@link Builder#webIdentityRole}
     */
    public String stsEndpoint() {
        return "http://127.0.0.1:" + sts.getAddress().getPort();
    }

    /** @return the STS requests received so far, of any outcome */
    public int stsRequests() {
        return state.stsRequests();
    }

    /** @return the port listened on */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves other rows from now on (for example a restated month); accounts and keys stay.
     *
     * @param rows every row, of every account
     */
    public void rows(List<Row> rows) {
        state.rows(rows);
    }

    /** @return the rows served now */
    public List<Row> rows() {
        return state.rows();
    }

    /**
     * Faults of the account's {@code GetCostAndUsage} requests. A throttle is HTTP 400
     * {@code LimitExceededException} ("Rate limit exceeded"), without {@code Retry-After}: Cost Explorer sends none,
     * so the fault's wait is not sent; a server error is {@code ServiceUnavailable} (503) or {@code InternalFailure};
     * {@link Fault#error} sends its code as {@code __type} (for example {@code ThrottlingException}); a rejected key
     * is HTTP 400 {@code UnrecognizedClientException}. It takes no data faults.
     *
     * @param account the 12-digit id of an account added to the builder
     * @param fault a fault for its cost requests, from now on
     * @throws IllegalArgumentException for a data fault
     */
    public void fault(String account, Fault fault) {
        state.addFault(Objects.requireNonNull(account, "account"), Objects.requireNonNull(fault, "fault"));
    }

    /** Removes every fault and releases waiting requests. */
    public void clearFaults() {
        state.clearFaults();
    }

    /**
     * @param account an account id
     * @return the {@code GetCostAndUsage} requests signed with that account's key so far, faulted ones included
     */
    public int costRequests(String account) {
        return state.costRequests(account);
    }

    /** @return every request received so far, of any kind and outcome */
    public int requestCount() {
        return state.requestCount();
    }

    /** @return the JSON bodies of the {@code GetCostAndUsage} requests received so far, oldest first */
    public List<String> costRequestBodies() {
        return state.bodies();
    }

    /**
     * @param account an account id
     * @return the access key id {@link #forContract} gives that account
     */
    public static String contractAccessKeyId(String account) {
        return "AKIASIM" + account;
    }

    /**
     * @param account an account id
     * @return the secret key {@link #forContract} gives that account
     */
    public static String contractSecretAccessKey(String account) {
        return "sim/secret/" + account + "/K7MDENGbPxRfiCYEXAMPLE";
    }

    /**
     * A builder serving the contract kit's rows: each kit account becomes a Cost Explorer account with the keys
     * {@link #contractAccessKeyId} / {@link #contractSecretAccessKey}, each row's sub account its linked account,
     * negative amounts record type {@code Credit} and the others {@code Usage}; pages of {@code data.pageSize()} groups.
     *
     * @param data the kit's rows
     * @return the builder, ready to start
     */
    public static Builder forContract(ContractData data) {
        Builder b = builder().pageSize(data.pageSize());
        for (ContractData.Row r : data.rows()) {
            if (!b.accounts.containsKey(contractAccessKeyId(r.account()))) {
                b.account(r.account(), contractAccessKeyId(r.account()), contractSecretAccessKey(r.account()));
            }
            b.row(new Row(r.account(), r.date(), r.subAccount(), r.service(), r.region(),
                    r.amount().signum() < 0 ? "Credit" : "Usage", r.currency(), r.amount()));
        }
        return b;
    }

    /**
     * @param provider an {@code aws-cost-explorer} provider whose endpoint is this simulator
     * @return the contract kit's view of this simulator and the provider; closing it closes both
     */
    public ContractTarget contractTarget(BillingProvider provider) {
        AwsCostExplorerSimulator simulator = this;
        return new ContractTarget() {
            @Override
            public BillingProvider provider() {
                return provider;
            }

            @Override
            public Credentials credentials(String account) {
                return Credentials.of(Map.of("accessKeyId", contractAccessKeyId(account),
                        "secretAccessKey", contractSecretAccessKey(account)));
            }

            @Override
            public Credentials rejectedCredentials(String account) {
                return Credentials.of(Map.of("accessKeyId", contractAccessKeyId(account),
                        "secretAccessKey", "wrong/" + contractSecretAccessKey(account)));
            }

            @Override
            public void fault(String account, Fault fault) {
                simulator.fault(account, fault);
            }

            @Override
            public int costRequests(String account) {
                return simulator.costRequests(account);
            }

            @Override
            public void close() {
                provider.close();
                simulator.close();
            }
        };
    }

    /** Stops the server, releases hanging requests and stops the threads. */
    @Override
    public void close() {
        state.close();
        server.stop(0);
        sts.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "AwsCostExplorerSimulator[" + endpoint() + ", " + state.rows().size() + " rows]";
    }

    /**
     * One crafted cost line of an account's Cost Explorer data.
     *
     * @param account the account whose credentials see it (the payer, 12 digits)
     * @param date the UTC day
     * @param linkedAccount the linked (member) account, 12 digits
     * @param service the {@code SERVICE} value, for example {@code Amazon Elastic Compute Cloud - Compute}
     * @param region the {@code REGION} value, for example {@code us-east-1} or {@code global}
     * @param recordType the {@code RECORD_TYPE} value, for example {@code Usage}, {@code Credit}, {@code Refund}, {@code Tax}
     * @param currency the {@code Unit}, for example {@code USD}
     * @param amount the exact {@code UnblendedCost} (also served as {@code BlendedCost} and {@code NetUnblendedCost})
     * @param amortizedAmount the exact {@code AmortizedCost} (also served as {@code NetAmortizedCost})
     * @param tags the line's cost allocation tags, key to value (served to {@code TAG} group definitions and
     *     {@code Tags} filters)
     */
    public record Row(String account, LocalDate date, String linkedAccount, String service, String region, String recordType,
            String currency, BigDecimal amount, BigDecimal amortizedAmount, Map<String, String> tags) {
        /** Validates presence; copies the tags. */
        public Row {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(linkedAccount, "linkedAccount");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(recordType, "recordType");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(amortizedAmount, "amortizedAmount");
            tags = Map.copyOf(tags);
        }

        /**
         * A row whose every cost metric is {@code amount}, untagged.
         *
         * @param account the payer account
         * @param date the UTC day
         * @param linkedAccount the linked account
         * @param service the {@code SERVICE} value
         * @param region the {@code REGION} value
         * @param recordType the {@code RECORD_TYPE} value
         * @param currency the {@code Unit}
         * @param amount the exact amount of every cost metric
         */
        public Row(String account, LocalDate date, String linkedAccount, String service, String region, String recordType,
                String currency, BigDecimal amount) {
            this(account, date, linkedAccount, service, region, recordType, currency, amount, amount, Map.of());
        }

        /**
         * @param amortized the {@code AmortizedCost} of this line
         * @return this row with that amortized amount
         */
        public Row withAmortized(BigDecimal amortized) {
            return new Row(account, date, linkedAccount, service, region, recordType, currency, amount, amortized, tags);
        }

        /**
         * @param tagsOfTheLine the line's tags
         * @return this row with those tags
         */
        public Row withTags(Map<String, String> tagsOfTheLine) {
            return new Row(account, date, linkedAccount, service, region, recordType, currency, amount, amortizedAmount,
                    tagsOfTheLine);
        }
    }

    /**
     * An account's keys.
     *
     * @param account the account id, 12 digits
     * @param accessKeyId its access key id
     * @param secretAccessKey its secret access key
     * @param sessionToken the session token its key requires, or {@code null}
     */
    public record Account(String account, String accessKeyId, String secretAccessKey, String sessionToken) {
        /** Validates presence. */
        public Account {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString() {
            return "Account[" + account + ", accessKeyId=" + accessKeyId + "]";
        }
    }

    /** A role that trusts a web identity token. */
    private record WebIdentity(String roleArn, String token, Account temporary) {
    }

    /** Configures and starts an {@link AwsCostExplorerSimulator}. */
    public static final class Builder {
        private final Map<String, Account> accounts = new LinkedHashMap<>();
        private final List<WebIdentity> webIdentities = new ArrayList<>();
        private final List<Row> rows = new ArrayList<>();
        private final Map<String, String> names = new LinkedHashMap<>();
        private int port;
        private int pageSize = 100;
        private int threads = 16;
        private String region = "us-east-1";
        private LocalDate estimatedFrom;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param account the account id (12 digits)
         * @param accessKeyId its access key id
         * @param secretAccessKey its secret key, with which signatures are verified
         * @return this builder
         */
        public Builder account(String account, String accessKeyId, String secretAccessKey) {
            return account(new Account(account, accessKeyId, secretAccessKey, null));
        }

        /**
         * @param account the account and its keys
         * @return this builder
         */
        public Builder account(Account account) {
            accounts.put(account.accessKeyId(), account);
            return this;
        }

        /**
         * A role {@code AssumeRoleWithWebIdentity} (at {@link #stsEndpoint()}) may be assumed with {@code token}, handing
         * out {@code temporary}'s keys, which the Cost Explorer endpoint then accepts (the account is added too).
         *
         * @param roleArn the role's ARN
         * @param token the web identity token (for example a Kubernetes service account token)
         * @param temporary the temporary keys, with a session token
         * @return this builder
         */
        public Builder webIdentityRole(String roleArn, String token, Account temporary) {
            Objects.requireNonNull(temporary.sessionToken(), "temporary keys need a session token");
            webIdentities.add(new WebIdentity(Objects.requireNonNull(roleArn, "roleArn"), Objects.requireNonNull(token, "token"),
                    temporary));
            return account(temporary);
        }

        /**
         * @param row a row; its account must be added too
         * @return this builder
         */
        public Builder row(Row row) {
            rows.add(Objects.requireNonNull(row, "row"));
            return this;
        }

        /**
         * @param more rows
         * @return this builder
         */
        public Builder rows(List<Row> more) {
            more.forEach(this::row);
            return this;
        }

        /**
         * @param linkedAccount a linked account id
         * @param name its name, served in {@code DimensionValueAttributes} as {@code description}
         * @return this builder
         */
        public Builder linkedAccountName(String linkedAccount, String name) {
            names.put(linkedAccount, name);
            return this;
        }

        /**
         * @param size groups per page (default 100)
         * @return this builder
         */
        public Builder pageSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1, got " + size);
            }
            this.pageSize = size;
            return this;
        }

        /**
         * @param port the port, 0 for any free one (default)
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
         * @param threads server threads (default 16); each hanging request holds one
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
         * @param region the region signatures must be scoped to (default {@code us-east-1}, Cost Explorer's only one)
         * @return this builder
         */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * @param day results whose period starts on or after this day are {@code Estimated: true}
         *     (default: the first day of the clock's current month)
         * @return this builder
         */
        public Builder estimatedFrom(LocalDate day) {
            this.estimatedFrom = Objects.requireNonNull(day, "day");
            return this;
        }

        /**
         * @param clock the clock signatures' dates are checked against (default: UTC system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return a started simulator */
        public AwsCostExplorerSimulator start() {
            if (estimatedFrom == null) {
                estimatedFrom = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
            }
            try {
                return new AwsCostExplorerSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the AWS Cost Explorer simulator on 127.0.0.1:" + port, e);
            }
        }
    }
}
