package dev.billing.benchmarks;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.core.SyncSummary;
import dev.billing.core.CostStores;
import dev.billing.core.spi.CostStore;
import dev.billing.jdbc.JdbcCostStore;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The cost store's figures in one short run (a few minutes), each on its own line with its target and
 * met/MISSED: sync throughput from an in-process provider (no HTTP) into each store, sync from the
 * HyperBilling simulator over loopback into each store against the in-memory store's rate, and the
 * median latency of the domain roll-up (domain and every project by month; 10,000 service accounts,
 * 1,000,000 line items) from each store. Every store's answer is checked against the in-memory
 * store's before it is timed. Plain timing loops, not JMH: warm-up runs first (two syncs of each store, 20
 * roll-ups), then the best (sync) or the median (roll-up) of a few. Run it with
 * {@code java -Xmx3g -cp billing-benchmarks/target/benchmarks.jar dev.billing.benchmarks.StoreShortRun}.
 */
public final class StoreShortRun {
    private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
    private static final int SYNC_ACCOUNTS = 30;
    private static final int ITEMS_PER_DAY = 40;
    /** Syncs of each store kind run and thrown away before the measured ones: the JIT compiles the path first. */
    private static final int WARM_UPS = 2;
    /** Measured syncs from the simulator into each store; the best counts (a shared machine's noise only slows). */
    private static final int SIMULATOR_RUNS = 5;
    /** Roll-ups run and thrown away before the 15 measured ones. */
    private static final int ROLL_UP_WARM_UPS = 20;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dir;
    private final EmbeddedPostgres postgres;
    /** The PostgreSQL database {@link #fresh} created last. */
    private String lastDatabase;

    private StoreShortRun(Path dir, EmbeddedPostgres postgres) {
        this.dir = dir;
        this.postgres = postgres;
    }

    /**
     * @param args none
     * @throws Exception when a store or a check fails
     */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory("store-short-run");
        long pgStart = System.nanoTime();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            System.out.printf(Locale.ROOT, "PostgreSQL (embedded, loopback) started in %.1f s%n",
                    (System.nanoTime() - pgStart) / 1e9);
            StoreShortRun run = new StoreShortRun(dir, postgres);
            List<String> lines = new ArrayList<>();
            // -Dstore.parts=rollup (or sync,simulator,rollup: which parts run) and -Dstore.kinds=memory,postgres
            // (which stores the roll-up reads; the in-memory store is always its reference) run a part of the figures alone
            String parts = System.getProperty("store.parts", "sync,simulator,rollup");
            if (parts.contains("sync")) {
                run.inProcessSync(lines);
            }
            if (parts.contains("simulator")) {
                run.simulatorSync(lines);
            }
            if (parts.contains("rollup")) {
                run.rollUp(lines);
            }
            System.out.println();
            System.out.println("=== cost store figures (measured on this machine, in this run) ===");
            lines.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "total run time: %.0f s%n", (System.nanoTime() - start) / 1e9);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private CostStore fresh(StoreBenchmark.Kind kind, boolean bulkLoad) throws SQLException {
        int n = DATABASES.incrementAndGet();
        return switch (kind) {
            case memory -> CostStores.inMemory();
            case h2 -> JdbcCostStore.embedded(dir.resolve("costs-" + n));
            case postgres -> {
                lastDatabase = "billing_" + n;
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE billing_" + n);
                    if (bulkLoad) {
                        // setup only (the roll-up's million line items, written window by window): no fsync wait
                        // per commit; sync throughput is measured with the default, synchronous commits
                        s.execute("ALTER DATABASE billing_" + n + " SET synchronous_commit = off");
                    }
                }
                yield JdbcCostStore.builder().url(postgres.getJdbcUrl("postgres", "billing_" + n), "postgres", null)
                        .build();
            }
        };
    }

    private int autovacuumWorkers() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity"
                     + " WHERE backend_type = 'autovacuum worker'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** @return the stores {@code -Dstore.kinds} names (all by default) */
    private static List<StoreBenchmark.Kind> kinds() {
        return Arrays.stream(System.getProperty("store.kinds", "memory,h2,postgres").split(","))
                .map(StoreBenchmark.Kind::valueOf).toList();
    }

    private static String verdict(double value, double target, boolean higherIsBetter) {
        boolean met = higherIsBetter ? value >= target : value <= target;
        if (met) {
            return "met";
        }
        double by = higherIsBetter ? (target - value) / target * 100 : (value - target) / target * 100;
        return String.format(Locale.ROOT, "MISSED by %.0f%%", by);
    }

    /** Sync throughput from the in-process provider: 30 accounts x 3 months x 40 line items a day. */
    private void inProcessSync(List<String> lines) throws Exception {
        Map<StoreBenchmark.Kind, Double> targets = new EnumMap<>(Map.of(StoreBenchmark.Kind.memory, 1_000_000.0,
                StoreBenchmark.Kind.h2, 60_000.0, StoreBenchmark.Kind.postgres, 150_000.0));
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(new InProcessProvider(ITEMS_PER_DAY))
                .build()) {
            for (int i = 0; i < SYNC_ACCOUNTS; i++) {
                billing.serviceAccounts().register(String.format("sa-%03d", i), InProcessProvider.ID,
                        Credentials.of(Map.of("account", "a" + i)), String.format("project-%02d", i % 7));
            }
            CostQuery query = CostQuery.of(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)));
            CostReport reference = null;
            for (StoreBenchmark.Kind kind : StoreBenchmark.Kind.values()) {
                int runs = 5;
                double best = 0;
                long items = 0;
                for (int r = -WARM_UPS; r < runs; r++) {
                    try (CostStore store = fresh(kind, false)) {
                        CostSync sync = CostSync.builder(billing).store(store).monthsBack(2)
                                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
                        long t0 = System.nanoTime();
                        SyncSummary summary = sync.sync();
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (!summary.isComplete()) {
                            throw new IllegalStateException(kind + ": sync incomplete " + summary);
                        }
                        items = summary.records();
                        if (r >= 0) {
                            best = Math.max(best, items / seconds);
                        }
                        CostReport report = sync.report(query);
                        if (reference == null) {
                            reference = report;
                        }
                        StoreBenchmark.check(report, reference, kind);
                    }
                }
                lines.add(String.format(Locale.ROOT, "sync, in-process provider (no HTTP) -> %s: %,.0f line items/s"
                                + " (%,d line items, best of %d after %d warm-ups; target >= %,.0f: %s)", kind, best,
                        items, runs, WARM_UPS, targets.get(kind), verdict(best, targets.get(kind), true)));
                System.out.println(lines.get(lines.size() - 1));
            }
        }
    }

    /** Sync from the simulator over loopback HTTP: each store against the in-memory store's rate. */
    private void simulatorSync(List<String> lines) throws Exception {
        YearMonth first = YearMonth.now(ZoneOffset.UTC).minusMonths(2);
        SimulatorData data = SimulatorData.generator().seed(3).accounts(StoreBenchmark.SYNC_ACCOUNTS)
                .currencies("USD", "EUR", "KRW").days(first.atDay(1), StoreBenchmark.SYNC_DAYS)
                .rowsPerDay(StoreBenchmark.SYNC_ROWS_PER_DAY).build();
        BillingPeriod period = BillingPeriod.monthsThrough(first, first.plusMonths(2));
        List<Money> expected = data.totals(data.accounts(), period);
        Map<StoreBenchmark.Kind, Double> rates = new EnumMap<>(StoreBenchmark.Kind.class);
        try (HyperBillingSimulator simulator = HyperBillingSimulator.builder().data(data).start();
             Billing billing = StoreBenchmark.billing(simulator.endpoint(), StoreBenchmark.SYNC_ACCOUNTS, data)) {
            for (StoreBenchmark.Kind kind : StoreBenchmark.Kind.values()) {
                double best = 0;
                for (int r = -WARM_UPS; r < SIMULATOR_RUNS; r++) {
                    try (CostStore store = fresh(kind, false)) {
                        CostSync sync = CostSync.builder(billing).store(store).monthsBack(2).build();
                        long t0 = System.nanoTime();
                        SyncSummary summary = sync.sync();
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (!summary.isComplete() || summary.records() != StoreBenchmark.SYNC_ITEMS) {
                            throw new IllegalStateException("sync into " + kind + ": " + summary);
                        }
                        List<Money> totals = sync.report(CostQuery.of(period)).totals();
                        if (!totals.equals(expected)) {
                            throw new IllegalStateException(kind + " store after sync: " + totals + " vs " + expected);
                        }
                        if (r >= 0) {
                            best = Math.max(best, summary.records() / seconds);
                        }
                    }
                }
                rates.put(kind, best);
            }
        }
        double memory = rates.get(StoreBenchmark.Kind.memory);
        lines.add(String.format(Locale.ROOT, "sync, simulator over loopback -> memory: %,.0f line items/s (%,d line"
                + " items, best of %d after %d warm-ups; the reference for the two below)", memory, StoreBenchmark.SYNC_ITEMS,
                SIMULATOR_RUNS, WARM_UPS));
        System.out.println(lines.get(lines.size() - 1));
        for (StoreBenchmark.Kind kind : List.of(StoreBenchmark.Kind.h2, StoreBenchmark.Kind.postgres)) {
            double slower = memory / rates.get(kind);
            lines.add(String.format(Locale.ROOT, "sync, simulator over loopback -> %s: %,.0f line items/s, %.2fx"
                    + " slower than into memory (target <= 1.5x: %s)", kind, rates.get(kind), slower,
                    verdict(slower, 1.5, false)));
            System.out.println(lines.get(lines.size() - 1));
        }
    }

    /** The domain roll-up: domain and every project by month, 10,000 accounts, 1,000,000 line items. */
    private void rollUp(List<String> lines) throws Exception {
        Map<StoreBenchmark.Kind, Double> targets = new EnumMap<>(Map.of(StoreBenchmark.Kind.memory, 30.0,
                StoreBenchmark.Kind.h2, 300.0, StoreBenchmark.Kind.postgres, 100.0));
        try (Billing billing = StoreBenchmark.billing("http://127.0.0.1:9", StoreBenchmark.ACCOUNTS, null)) {
            CostQuery query = CostQuery.of(BillingPeriod.monthsThrough(StoreBenchmark.FIRST,
                    StoreBenchmark.FIRST.plusMonths(StoreBenchmark.MONTHS - 1)));
            CostStore reference = CostStores.inMemory();
            StoreBenchmark.write(billing, reference);
            CostReport expected = CostSync.builder(billing).store(reference).build().report(query);
            for (StoreBenchmark.Kind kind : kinds()) {
                CostStore store = kind == StoreBenchmark.Kind.memory ? reference : fresh(kind, true);
                try {
                    long t0 = System.nanoTime();
                    if (store != reference) {
                        StoreBenchmark.write(billing, store);
                    }
                    double loadSeconds = (System.nanoTime() - t0) / 1e9;
                    if (kind == StoreBenchmark.Kind.postgres) {
                        // what autovacuum does within a minute or so of the writes: whether it has run by the time
                        // the reports start is chance, and on tables without statistics PostgreSQL plans sorts
                        // where it hashes otherwise (about twice the server time of the report's two statements)
                        try (Connection c = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres",
                                lastDatabase), "postgres", null); Statement s = c.createStatement()) {
                            s.execute(System.getProperty("store.analyze", "ANALYZE"));
                        }
                    }
                    CostSync sync = CostSync.builder(billing).store(store).staleAfter(java.time.Duration.ofDays(36_500))
                            .build();
                    StoreBenchmark.check(sync.report(query), expected, kind);
                    // a dashboard answers many reports: the JIT compiles the report path within ~15 of them
                    for (int i = 0; i < ROLL_UP_WARM_UPS; i++) {
                        sync.report(query);
                    }
                    double[] ms = new double[15];
                    for (int i = 0; i < ms.length; i++) {
                        long q0 = System.nanoTime();
                        sync.report(query);
                        ms[i] = (System.nanoTime() - q0) / 1e6;
                    }
                    Arrays.sort(ms);
                    double median = ms[ms.length / 2];
                    if (kind == StoreBenchmark.Kind.postgres) {
                        System.out.println("autovacuum workers after the roll-ups: " + autovacuumWorkers());
                    }
                    lines.add(String.format(Locale.ROOT, "roll-up, domain + every project by month, 10,000 accounts /"
                                    + " 1,000,000 line items, %s: %.1f ms median of %d after %d warm-ups (target <= %.0f ms: %s;"
                                    + " setup: %s)", kind, median, ms.length, ROLL_UP_WARM_UPS, targets.get(kind),
                            verdict(median, targets.get(kind), false),
                            store == reference ? "written in memory"
                                    : String.format(Locale.ROOT, "1,000,000 line items written in %.0f s", loadSeconds)));
                    System.out.println(lines.get(lines.size() - 1));
                } finally {
                    if (store != reference) {
                        store.close();
                    }
                }
            }
            reference.close();
        }
    }
}
