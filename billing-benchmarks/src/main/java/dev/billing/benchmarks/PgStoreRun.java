package dev.billing.benchmarks;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostStores;
import dev.billing.core.CostSync;
import dev.billing.core.Credentials;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.SyncSummary;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.RollupSink;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowCoverage;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import dev.billing.jdbc.JdbcCostStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The PostgreSQL part of {@link StoreShortRun}, repeated, with contenders interleaved in one JVM (a loaded
 * machine's bursts then hit each contender of a round alike). {@code rollup}: the domain roll-up (10,000 accounts,
 * 1,000,000 line items) read serially (coverage, then the sums) and concurrently ({@link CostStore#concurrentReads}:
 * both at once on two connections), round after round, each report checked against the in-memory store's first.
 * {@code sync}: the in-process sync of {@link StoreShortRun} into a fresh database, run after run. The database
 * lives in {@code /tmp/pg-store-run} (or {@code -Dpg.dir}) and is kept between runs, so that the million line items
 * are written once. Run it with
 * {@code java -Xmx3g -cp billing-benchmarks/target/benchmarks.jar dev.billing.benchmarks.PgStoreRun rollup 12}.
 */
public final class PgStoreRun {
    private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
    private static final String ROLL_UP_DB = System.getProperty("pg.db", "billing_rollup");

    private PgStoreRun() {
    }

    /** @param args {@code rollup} or {@code sync}, then the number of rounds */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "rollup";
        int rounds = args.length > 1 && !mode.equals("copy") && !mode.equals("sql") ? Integer.parseInt(args[1]) : 10;
        Path dir = Path.of(System.getProperty("pg.dir", "/tmp/pg-store-run"));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                .start()) {
            if (mode.equals("sql")) {
                try (Connection c = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres", ROLL_UP_DB),
                        "postgres", null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(args[1])) {
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            row.append(rs.getString(i)).append(" | ");
                        }
                        System.out.println(row);
                    }
                }
            } else if (mode.equals("copy")) {
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + args[1] + " TEMPLATE " + ROLL_UP_DB);
                }
            } else if (mode.equals("sync")) {
                sync(postgres, rounds);
            } else {
                rollUp(postgres, rounds);
            }
        }
        System.exit(0);
    }

    private static void rollUp(EmbeddedPostgres postgres, int rounds) throws Exception {
        try (Billing billing = StoreBenchmark.billing("http://127.0.0.1:9", StoreBenchmark.ACCOUNTS, null)) {
            CostQuery query = CostQuery.of(BillingPeriod.monthsThrough(StoreBenchmark.FIRST,
                    StoreBenchmark.FIRST.plusMonths(StoreBenchmark.MONTHS - 1)));
            CostReport expected;
            try (CostStore reference = CostStores.inMemory()) {
                StoreBenchmark.write(billing, reference);
                expected = CostSync.builder(billing).store(reference).build().report(query);
            }
            boolean written;
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + ROLL_UP_DB + "'")) {
                written = rs.next();
                if (!written) {
                    s.execute("CREATE DATABASE " + ROLL_UP_DB);
                    s.execute("ALTER DATABASE " + ROLL_UP_DB + " SET synchronous_commit = off");
                }
            }
            System.setProperty("pg.url", postgres.getJdbcUrl("postgres", ROLL_UP_DB));
            try (JdbcCostStore store = JdbcCostStore.builder().url(postgres.getJdbcUrl("postgres", ROLL_UP_DB),
                    "postgres", null).build()) {
                if (!written) {
                    long t0 = System.nanoTime();
                    StoreBenchmark.write(billing, store);
                    System.out.printf(Locale.ROOT, "1,000,000 line items written in %.0f s%n",
                            (System.nanoTime() - t0) / 1e9);
                    // as StoreShortRun: the statistics autovacuum gathers within a minute or so of the writes
                    try (Connection c = java.sql.DriverManager.getConnection(System.getProperty("pg.url"), "postgres",
                            null); Statement s = c.createStatement()) {
                        s.execute("ANALYZE");
                    }
                }
                Map<String, CostSync> contenders = new LinkedHashMap<>();
                contenders.put("serial", CostSync.builder(billing).store(new Serial(store))
                        .staleAfter(Duration.ofDays(36_500)).build());
                contenders.put("concurrent", CostSync.builder(billing).store(store)
                        .staleAfter(Duration.ofDays(36_500)).build());
                for (Map.Entry<String, CostSync> c : contenders.entrySet()) {
                    StoreBenchmark.check(c.getValue().report(query), expected, StoreBenchmark.Kind.postgres);
                }
                if (System.getProperty("pg.parts") != null) {
                    parts(store, billing, query);
                }
                Map<String, List<Double>> medians = new LinkedHashMap<>();
                Map<String, List<Double>> mins = new LinkedHashMap<>();
                int perRound = 9;
                for (int r = -2; r < rounds; r++) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d:", r));
                    for (Map.Entry<String, CostSync> c : contenders.entrySet()) {
                        double[] ms = new double[perRound];
                        for (int i = 0; i < ms.length; i++) {
                            long t0 = System.nanoTime();
                            c.getValue().report(query);
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                        Arrays.sort(ms);
                        line.append(String.format(Locale.ROOT, " %s min %.1f median %.1f ms;", c.getKey(), ms[0],
                                ms[ms.length / 2]));
                        if (r >= 0) {
                            medians.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(ms[ms.length / 2]);
                            mins.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(ms[0]);
                        }
                    }
                    System.out.println(line + "  load " + load());
                }
                summary("median", medians);
                summary("min", mins);
            }
        }
    }

    /** Each of the report's two reads alone, and EXPLAIN ANALYZE of each, serial, several times. */
    private static void parts(JdbcCostStore store, Billing billing, CostQuery query) throws Exception {
        List<ServiceAccountId> ids = billing.serviceAccounts().list().stream().map(ServiceAccount::id).toList();
        YearMonth first = StoreBenchmark.FIRST;
        YearMonth last = first.plusMonths(StoreBenchmark.MONTHS - 1);
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            int n = store.windowCoverage(ids, first, last).size();
            long t1 = System.nanoTime();
            int[] cells = new int[1];
            store.aggregate(query, ids, c -> cells[0]++);
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "coverage %.1f ms (%d accounts), sums %.1f ms (%d cells)%n",
                    (t1 - t0) / 1e6, n, (t2 - t1) / 1e6, cells[0]);
        }
        String[] array = ids.stream().map(ServiceAccountId::value).toArray(String[]::new);
        String coverage = "SELECT requested.account, s.last_success, w.newest, w.held"
                + " FROM UNNEST(?) AS requested(account)"
                + " LEFT JOIN account_sync s ON s.service_account = requested.account"
                + " LEFT JOIN (SELECT service_account, MAX(synced_at) AS newest, COUNT(*) AS held FROM cost_window"
                + " WHERE synced_at IS NOT NULL AND month_start >= ? AND month_start <= ? GROUP BY service_account) w"
                + " ON w.service_account = requested.account"
                + " WHERE s.last_success IS NOT NULL OR w.held IS NOT NULL";
        String sums = "SELECT p.month_start, p.project, p.currency, SUM(p.amount) FROM cost_window_project p"
                + " WHERE p.service_account = ANY(?) AND p.month_start >= ? AND p.month_start <= ?"
                + " GROUP BY p.month_start, p.project, p.currency";
        String url = System.getProperty("pg.url");
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", null)) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT relname, n_live_tup,"
                    + " last_autoanalyze, last_analyze, current_setting('autovacuum') FROM pg_stat_user_tables"
                    + " WHERE relname IN ('cost_window', 'cost_window_project', 'account_sync')")) {
                while (rs.next()) {
                    System.out.println(rs.getString(1) + " " + rs.getLong(2) + " autoanalyzed " + rs.getString(3)
                            + " analyzed " + rs.getString(4) + " autovacuum " + rs.getString(5));
                }
            }
            if (System.getProperty("pg.analyze") != null) {
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE");
                }
            }
            List<String> statements = new ArrayList<>(List.of(coverage, sums));
            if (System.getProperty("pg.alt") != null) {
                statements.add(System.getProperty("pg.alt"));   // its parameters named by -Dpg.altParams=a,f,l
            }
            for (String sql : statements) {
                for (int i = 0; i < 4; i++) {
                    try (java.sql.PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                        String[] names = sql == coverage || sql == sums ? new String[] {"a", "f", "l"}
                                : System.getProperty("pg.altParams", "a,f,l").split(",");
                        for (int p = 0; p < names.length; p++) {
                            ps.setObject(p + 1, switch (names[p]) {
                                case "a" -> array;
                                case "f" -> first.atDay(1);
                                default -> last.atDay(1);
                            });
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                String l = rs.getString(1);
                                if (i == 3 && !l.contains("Filter") || l.contains("Execution Time")) {
                                    System.out.println(l.length() > 200 ? l.substring(0, 200) : l);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.1f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void summary(String what, Map<String, List<Double>> perRound) {
        if (perRound.isEmpty()) {
            return;
        }
        List<Double> serial = perRound.get("serial");
        List<Double> concurrent = perRound.get("concurrent");
        double[] ratios = new double[serial.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = serial.get(i) / concurrent.get(i);
        }
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "per-round %s: serial %s ms, concurrent %s ms; serial/concurrent median %.2fx"
                        + " (range %.2f-%.2f)%n", what, range(serial), range(concurrent), ratios[ratios.length / 2],
                ratios[0], ratios[ratios.length - 1]);
    }

    private static String range(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "%.1f-%.1f (median %.1f)", s[0], s[s.length - 1], s[s.length / 2]);
    }

    /** The in-process sync of {@link StoreShortRun} into a fresh database per run, after two warm-ups. */
    private static void sync(EmbeddedPostgres postgres, int rounds) throws Exception {
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(new InProcessProvider(40))
                .build()) {
            for (int i = 0; i < 30; i++) {
                billing.serviceAccounts().register(String.format("sa-%03d", i), InProcessProvider.ID,
                        Credentials.of(Map.of("account", "a" + i)), String.format("project-%02d", i % 7));
            }
            CostQuery query = CostQuery.of(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)));
            CostReport reference;
            try (CostStore memory = CostStores.inMemory()) {
                CostSync sync = CostSync.builder(billing).store(memory).monthsBack(2)
                        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
                sync.sync();
                reference = sync.report(query);
            }
            List<Double> rates = new ArrayList<>();
            for (int r = -2; r < rounds; r++) {
                String db = "billing_sync_" + System.nanoTime();
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + db);
                }
                try (JdbcCostStore store = JdbcCostStore.builder().url(postgres.getJdbcUrl("postgres", db), "postgres",
                        null).build()) {
                    CostSync sync = CostSync.builder(billing).store(store).monthsBack(2)
                            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
                    long server0 = serverCpuMillis();
                    long jvm0 = jvmCpuMillis();
                    long t0 = System.nanoTime();
                    SyncSummary summary = sync.sync();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long jvm = jvmCpuMillis() - jvm0;
                    long server = serverCpuMillis() - server0;
                    if (!summary.isComplete()) {
                        throw new IllegalStateException("sync incomplete " + summary);
                    }
                    StoreBenchmark.check(sync.report(query), reference, StoreBenchmark.Kind.postgres);
                    double rate = summary.records() / seconds;
                    System.out.printf(Locale.ROOT, "run %2d: %,d line items in %.0f ms: %,.0f line items/s;"
                            + " CPU: JVM %d ms, PostgreSQL %d ms; load %s%n", r, summary.records(), seconds * 1e3, rate,
                            jvm, server, load());
                    if (r == rounds - 1) {
                        try (Connection c = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres", db),
                                "postgres", null); Statement s = c.createStatement();
                             ResultSet rs = s.executeQuery("SELECT 'cost_line', COUNT(*) FROM cost_line UNION ALL"
                                     + " SELECT 'cost_month', COUNT(*) FROM cost_month UNION ALL SELECT"
                                     + " 'cost_window_service', COUNT(*) FROM cost_window_service UNION ALL SELECT"
                                     + " 'cost_window_project', COUNT(*) FROM cost_window_project UNION ALL SELECT"
                                     + " 'cost_window_total', COUNT(*) FROM cost_window_total UNION ALL SELECT"
                                     + " 'cost_tag', COUNT(*) FROM cost_tag")) {
                            while (rs.next()) {
                                System.out.println("  rows: " + rs.getString(1) + " " + rs.getLong(2));
                            }
                        }
                    }
                    if (r >= 0) {
                        rates.add(rate);
                    }
                } finally {
                    try (Connection c = postgres.getPostgresDatabase().getConnection();
                         Statement s = c.createStatement()) {
                        s.execute("DROP DATABASE " + db);
                    }
                }
            }
            double[] s = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "sync into PostgreSQL: best %,.0f, median %,.0f, worst %,.0f line items/s"
                    + " over %d runs%n", s[s.length - 1], s[s.length / 2], s[0], s.length);
        }
    }

    private static long jvmCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    /**
     * @return the CPU time of the embedded server's processes, in ms: the postmaster's own and its reaped children's
     *     (utime, stime, cutime, cstime of /proc/pid/stat) and those of its live children
     */
    private static long serverCpuMillis() {
        String dir = System.getProperty("pg.dir", "/tmp/pg-store-run");
        ProcessHandle postmaster = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains(dir) && c.contains("postgres")).orElse(false)).findFirst().orElse(null);
        if (postmaster == null) {
            return -1;
        }
        long ticks = ticks(postmaster.pid(), true);
        for (ProcessHandle child : postmaster.children().toList()) {
            ticks += ticks(child.pid(), false);
        }
        return ticks * 10;    // USER_HZ 100
    }

    private static long ticks(long pid, boolean reaped) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields from state (3rd): utime is the 14th field, so index 11 here
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return reaped ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The store read as before {@link CostStore#concurrentReads}: everything delegated but that. */
    private record Serial(CostStore store) implements CostStore {
        @Override
        public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                         WindowSource source) {
            return store.replaceWindow(account, month, syncedAt, source);
        }

        @Override
        public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
            store.aggregate(query, accounts, sink);
        }

        @Override
        public void aggregateRollups(CostQuery query, Collection<ServiceAccountId> accounts, RollupSink sink) {
            store.aggregateRollups(query, accounts, sink);
        }

        @Override
        public void lineItems(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostRecord> sink) {
            store.lineItems(query, accounts, sink);
        }

        @Override
        public Map<ServiceAccountId, WindowCoverage> windowCoverage(Collection<ServiceAccountId> accounts,
                                                                    YearMonth first, YearMonth last) {
            return store.windowCoverage(accounts, first, last);
        }

        @Override
        public void markSynced(ServiceAccountId account, Instant at) {
            store.markSynced(account, at);
        }

        @Override
        public Map<ServiceAccountId, Instant> lastSyncs() {
            return store.lastSyncs();
        }

        @Override
        public List<StoredWindow> windows(ServiceAccountId account) {
            return store.windows(account);
        }

        @Override
        public void close() {
            // the store is closed by its owner
        }
    }
}
