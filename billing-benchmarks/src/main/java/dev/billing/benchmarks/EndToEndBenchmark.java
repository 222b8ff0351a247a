package dev.billing.benchmarks;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.reducing;

import dev.billing.core.Allocation;
import dev.billing.core.AllocationProvenance;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.CostSync;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.CostStores;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchRequest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Benchmark 6: end to end, through the public API only. A {@link BillingProvider} streams 5,000,000
 * in-memory line items ({@link EndToEndData}: 2,000 accounts, 50 projects, 40 services, 16 regions, USD
 * and KRW, the first quarter of 2026, tags {@code team} and {@code env} on every item) and every contender
 * answers two questions from the same items: the domain and every project by month, and service x day
 * (DAILY); ours also answers {@code tag:team} x day, live and from the store.
 *
 * <ul>
 *   <li>{@code ours*}: {@code billing.costs().report(query)}, fetching every account live;</li>
 *   <li>{@code naive*}: what a user writes without the SDK: every account fetched from the same provider
 *       into one {@code List}, then {@code Collectors.groupingBy} with {@code BigDecimal} sums;</li>
 *   <li>{@code duckDbLoad*}: every account fetched from the same provider into DuckDB (1 thread) with its
 *       appender, then the SQL query; {@code duckDbQuery*}: the query alone on the loaded table;</li>
 *   <li>{@code store*}: {@code CostSync.report(query)} from {@code CostStores.inMemory()} after a sync;
 *       {@code sync}: a whole sync of the three months into a new in-memory store (ingestion).</li>
 * </ul>
 * Setup checks, cell by cell and to the last digit, that all contenders agree on both questions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class EndToEndBenchmark {
    static final String DOMAIN_SQL = "SELECT project, date_trunc('month', day) AS month, currency, SUM(cost)"
            + " FROM costs GROUP BY GROUPING SETS ((project, month, currency), (month, currency))";
    static final String DAILY_SQL = "SELECT day, service, currency, SUM(cost) FROM costs GROUP BY day, service, currency";

    /** The line items, a Billing serving them, a synced store and a loaded DuckDB table, checked to agree. */
    @State(Scope.Benchmark)
    public static class Data {
        /** Line items. */
        @Param("5000000")
        public int rows;

        EndToEndData data;
        BillingProvider provider;
        Billing billing;
        /** A Billing serving the same line items without their tags (ingestion with and without tags). */
        Billing untagged;
        List<ServiceAccount> accounts;
        CostSync sync;
        Duck duck;
        CostQuery domain;
        CostQuery daily;
        CostQuery dailyTeam;
        /** The same accounts with {@link EndToEndData#allocation()}, live and reading the same synced store. */
        Billing allocated;
        CostSync allocatedSync;

        /** Set up once per JVM and data size: ShortRun runs every benchmark of this class unforked. */
        private static Data shared;

        /** Generates the items, syncs the store, loads DuckDB and checks every contender against the others. */
        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            synchronized (Data.class) {
                if (shared != null && shared.rows == rows) {
                    copy(shared);
                    return;
                }
                if (shared != null) {
                    shared.close();
                }
                build();
                shared = this;
            }
        }

        private void copy(Data d) {
            data = d.data;
            provider = d.provider;
            billing = d.billing;
            untagged = d.untagged;
            accounts = d.accounts;
            sync = d.sync;
            duck = d.duck;
            domain = d.domain;
            daily = d.daily;
            dailyTeam = d.dailyTeam;
            allocated = d.allocated;
            allocatedSync = d.allocatedSync;
        }

        private void build() throws SQLException {
            data = new EndToEndData(rows, 2_000, 50, 18);
            provider = data.provider(data.generate());
            billing = billing(provider, data);
            EndToEndData withoutTags = data.untagged();
            untagged = billing(withoutTags.provider(withoutTags.generate()), withoutTags);
            allocated = billing(provider, data, EndToEndData.allocation());
            accounts = billing.serviceAccounts().list();
            domain = CostQuery.of(EndToEndData.PERIOD);
            daily = CostQuery.builder(EndToEndData.PERIOD).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE)
                    .build();
            dailyTeam = CostQuery.builder(EndToEndData.PERIOD).granularity(Granularity.DAILY)
                    .groupBy(Dimension.tag("team")).build();
            sync = newSync(billing);
            sync.sync();
            allocatedSync = syncOf(allocated, sync.store());
            duck = new Duck();
            duck.load(provider, accounts);
            Agreement.check("end to end, domain and every project by month", Map.entry("naive", naiveDomain(this)),
                    Map.of("ours", domainCells(billing.costs().report(domain)),
                            "ours from the store", domainCells(sync.report(domain)),
                            "duckdb", duck.domainCells()));
            Agreement.check("end to end, service x day", Map.entry("naive", naiveDaily(this)), Map.of(
                    "ours", rowCells(billing.costs().report(daily)),
                    "ours from the store", rowCells(sync.report(daily)),
                    "duckdb", duck.cells(DAILY_SQL)));
            Agreement.check("end to end, tag:team x day", Map.entry("ours", rowCells(billing.costs().report(dailyTeam))),
                    Map.of("ours from the store", rowCells(sync.report(dailyTeam))));
            CostSync withoutTagsSync = newSync(untagged);
            withoutTagsSync.sync();
            Agreement.check("end to end, the same line items with and without tags, service x day",
                    Map.entry("ours from the store", rowCells(sync.report(daily))),
                    Map.of("ours from the store, without tags", rowCells(withoutTagsSync.report(daily))));
            withoutTagsSync.store().close();
            checkAllocated();
        }

        /**
         * Checks that the allocated reports agree live and from the store, keep the domain's totals and rows, and
         * move costs (so that the allocation is not a no-op).
         */
        private void checkAllocated() {
            CostReport domainLive = allocated.costs().report(domain);
            CostReport dailyLive = allocated.costs().report(daily);
            Agreement.check("end to end with allocation, domain and every project by month",
                    Map.entry("ours", domainCells(domainLive)),
                    Map.of("ours from the store", domainCells(allocatedSync.report(domain))));
            Agreement.check("end to end with allocation, service x day", Map.entry("ours", rowCells(dailyLive)),
                    Map.of("ours from the store", rowCells(allocatedSync.report(daily)),
                            "without allocation (rows keep their sums)", rowCells(billing.costs().report(daily))));
            Agreement.check("end to end with allocation, the domain's series", Map.entry("without allocation",
                    domainOnly(domainCells(billing.costs().report(domain)))), Map.of("with allocation",
                    domainOnly(domainCells(domainLive))));
            List<AllocationProvenance.Move> moved = domainLive.allocation().orElseThrow().moved();
            Set<String> by = new TreeSet<>();
            moved.forEach(m -> by.add(m.by()));
            if (by.size() < 40) {
                throw new IllegalStateException("the allocation moved costs by only " + by.size() + " rules and splits: "
                        + by);
            }
        }

        private static Map<String, BigDecimal> domainOnly(Map<String, BigDecimal> cells) {
            Map<String, BigDecimal> out = new HashMap<>();
            cells.forEach((k, v) -> {
                if (k.startsWith("domain|")) {
                    out.put(k, v);
                }
            });
            return out;
        }

        /** Closes and forgets the data shared between benchmarks. */
        static void release() throws SQLException {
            synchronized (Data.class) {
                if (shared != null) {
                    shared.close();
                    shared = null;
                }
            }
        }

        /** Closes DuckDB and the Billing. */
        void close() throws SQLException {
            duck.close();
            billing.close();
            untagged.close();
            allocated.close();
        }
    }

    static Billing billing(BillingProvider provider, EndToEndData data) {
        return billing(provider, data, Allocation.NONE);
    }

    static Billing billing(BillingProvider provider, EndToEndData data, Allocation allocation) {
        Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).allocation(allocation)
                .build();
        for (int a = 0; a < data.accounts(); a++) {
            billing.serviceAccounts().register(EndToEndData.accountName(a), EndToEndData.PROVIDER,
                    EndToEndData.credentials(a), EndToEndData.projectOf(a, data.projects()));
        }
        return billing;
    }

    /** A sync of January to March 2026 (the clock stands on 15 March) into a new in-memory store. */
    static CostSync newSync(Billing billing) {
        return syncOf(billing, CostStores.inMemory());
    }

    /** A sync of January to March 2026 (the clock stands on 15 March) into {@code store}. */
    static CostSync syncOf(Billing billing, CostStore store) {
        return CostSync.builder(billing).store(store).monthsBack(2)
                .clock(Clock.fixed(Instant.parse("2026-03-15T12:00:00Z"), ZoneOffset.UTC)).build();
    }

    /** The naive code's list: every account's items, fetched one account after another. */
    static List<CostRecord> naiveList(BillingProvider provider, List<ServiceAccount> accounts, Granularity g) {
        List<CostRecord> all = new ArrayList<>();
        for (ServiceAccount a : accounts) {
            provider.fetch(FetchRequest.of(a, EndToEndData.PERIOD, g), all::add);
        }
        return all;
    }

    record ProjectMonth(ProjectId project, YearMonth month, Currency currency) {
    }

    record DayService(LocalDate day, String service, Currency currency) {
    }

    static Map<ProjectMonth, BigDecimal> naiveDomainSums(Data d) {
        Map<ProjectMonth, BigDecimal> byProject = naiveList(d.provider, d.accounts, Granularity.MONTHLY).stream()
                .collect(groupingBy(r -> new ProjectMonth(r.project(), YearMonth.from(r.chargeDate()),
                        r.billedCost().currency()), reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
        Map<ProjectMonth, BigDecimal> withDomain = new HashMap<>(byProject);
        byProject.forEach((k, v) -> withDomain.merge(new ProjectMonth(null, k.month(), k.currency()), v,
                BigDecimal::add));
        return withDomain;
    }

    static Map<DayService, BigDecimal> naiveDailySums(Data d) {
        return naiveList(d.provider, d.accounts, Granularity.DAILY).stream()
                .collect(groupingBy(r -> new DayService(r.chargeDate(), r.service(), r.billedCost().currency()),
                        reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
    }

    static Map<String, BigDecimal> naiveDomain(Data d) {
        Map<String, BigDecimal> cells = new HashMap<>();
        naiveDomainSums(d).forEach((k, v) -> cells.put((k.project() == null ? "domain" : k.project().value()) + "|"
                + k.month() + "|" + k.currency().getCurrencyCode(), v));
        return cells;
    }

    static Map<String, BigDecimal> naiveDaily(Data d) {
        Map<String, BigDecimal> cells = new HashMap<>();
        naiveDailySums(d).forEach((k, v) -> cells.put(k.day() + "|" + k.service() + "|" + k.currency().getCurrencyCode(),
                v));
        return cells;
    }

    static Map<String, BigDecimal> domainCells(CostReport report) {
        Map<String, BigDecimal> cells = new HashMap<>();
        put(cells, "domain", report.domain());
        report.projects().forEach((p, s) -> put(cells, p.value(), s));
        return cells;
    }

    private static void put(Map<String, BigDecimal> cells, String who, CostSummary summary) {
        for (SeriesPoint p : summary.series()) {
            cells.put(who + "|" + p.period() + "|" + p.amount().currency().getCurrencyCode(), p.amount().amount());
        }
    }

    static Map<String, BigDecimal> rowCells(CostReport report) {
        Map<String, BigDecimal> cells = new HashMap<>();
        for (CostRow r : report.rows()) {
            cells.put(r.period() + "|" + r.keys().values().iterator().next() + "|"
                    + r.amount().currency().getCurrencyCode(), r.amount().amount());
        }
        return cells;
    }

    private static void consume(CostReport report, Blackhole bh) {
        bh.consume(report.domain());
        bh.consume(report.projects());
        bh.consume(report.rows());
    }

    /** Ours, live: tag:team x day (DAILY), to set beside {@link #oursDaily}. */
    @Benchmark
    public void oursDailyTeam(Data d, Blackhole bh) {
        consume(d.billing.costs().report(d.dailyTeam), bh);
    }

    /** Ours from the in-memory store: tag:team x day, to set beside {@link #storeDaily}. */
    @Benchmark
    public void storeDailyTeam(Data d, Blackhole bh) {
        consume(d.sync.report(d.dailyTeam), bh);
    }

    /** Ours, live: the domain and every project by month. */
    @Benchmark
    public void oursDomain(Data d, Blackhole bh) {
        consume(d.billing.costs().report(d.domain), bh);
    }

    /** Naive, live: the domain and every project by month. */
    @Benchmark
    public void naiveDomain(Data d, Blackhole bh) {
        bh.consume(naiveDomainSums(d));
    }

    /** DuckDB: load every account with the appender, then query the domain and every project by month. */
    @Benchmark
    public void duckDbLoadDomain(Data d, Blackhole bh) throws SQLException {
        try (Duck duck = new Duck()) {
            duck.load(d.provider, d.accounts);
            duck.consume(DOMAIN_SQL, bh);
        }
    }

    /** DuckDB: the domain and every project by month, on the loaded table. */
    @Benchmark
    public void duckDbQueryDomain(Data d, Blackhole bh) throws SQLException {
        d.duck.consume(DOMAIN_SQL, bh);
    }

    /** Ours, live: service x day. */
    @Benchmark
    public void oursDaily(Data d, Blackhole bh) {
        consume(d.billing.costs().report(d.daily), bh);
    }

    /** Naive, live: service x day. */
    @Benchmark
    public void naiveDaily(Data d, Blackhole bh) {
        bh.consume(naiveDailySums(d));
    }

    /** DuckDB: load every account with the appender, then query service x day. */
    @Benchmark
    public void duckDbLoadDaily(Data d, Blackhole bh) throws SQLException {
        try (Duck duck = new Duck()) {
            duck.load(d.provider, d.accounts);
            duck.consume(DAILY_SQL, bh);
        }
    }

    /** DuckDB: service x day on the loaded table. */
    @Benchmark
    public void duckDbQueryDaily(Data d, Blackhole bh) throws SQLException {
        d.duck.consume(DAILY_SQL, bh);
    }

    /** Ours, from the in-memory store: service x day. */
    @Benchmark
    public void storeDaily(Data d, Blackhole bh) {
        consume(d.sync.report(d.daily), bh);
    }

    /** Ours, from the in-memory store: the domain and every project by month. */
    @Benchmark
    public void storeDomain(Data d, Blackhole bh) {
        consume(d.sync.report(d.domain), bh);
    }

    /** Ours, live, with {@link EndToEndData#allocation()}: to set beside {@link #oursDomain}. */
    @Benchmark
    public void oursDomainAllocated(Data d, Blackhole bh) {
        consume(d.allocated.costs().report(d.domain), bh);
    }

    /** Ours, live, with the allocation: to set beside {@link #oursDaily}. */
    @Benchmark
    public void oursDailyAllocated(Data d, Blackhole bh) {
        consume(d.allocated.costs().report(d.daily), bh);
    }

    /** Ours from the in-memory store, with the allocation: to set beside {@link #storeDomain}. */
    @Benchmark
    public void storeDomainAllocated(Data d, Blackhole bh) {
        consume(d.allocatedSync.report(d.domain), bh);
    }

    /** Ours from the in-memory store, with the allocation: to set beside {@link #storeDaily}. */
    @Benchmark
    public void storeDailyAllocated(Data d, Blackhole bh) {
        consume(d.allocatedSync.report(d.daily), bh);
    }

    /** Ours: a whole sync of the three months of every account into a new in-memory store. */
    @Benchmark
    public void sync(Data d, Blackhole bh) {
        CostSync sync = newSync(d.billing);
        bh.consume(sync.sync());
        sync.store().close();
    }

    /** Ours: the same sync, of the same line items without their tags. */
    @Benchmark
    public void syncUntagged(Data d, Blackhole bh) {
        CostSync sync = newSync(d.untagged);
        bh.consume(sync.sync());
        sync.store().close();
    }

    /** The DuckDB peer: an in-memory database on one thread, loaded through the provider with the appender. */
    static final class Duck implements AutoCloseable {
        private final DuckDBConnection connection;

        Duck() throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("threads", "1");
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE costs (day DATE, service_account VARCHAR, project VARCHAR, service VARCHAR,"
                        + " region VARCHAR, currency VARCHAR, cost DECIMAL(18, 10))");
            }
        }

        void load(BillingProvider provider, List<ServiceAccount> accounts) throws SQLException {
            try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "costs")) {
                for (ServiceAccount a : accounts) {
                    provider.fetch(FetchRequest.of(a, EndToEndData.PERIOD, Granularity.DAILY), r -> {
                        try {
                            appender.beginRow()
                                    .append(r.chargeDate())
                                    .append(r.serviceAccount().value())
                                    .append(r.project().value())
                                    .append(r.service())
                                    .append(r.region())
                                    .append(r.billedCost().currency().getCurrencyCode())
                                    .append(r.billedCost().amount().setScale(10))
                                    .endRow();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            }
        }

        void consume(String sql, Blackhole bh) throws SQLException {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int c = 1; c < n; c++) {
                        bh.consume(rs.getObject(c));
                    }
                    bh.consume(rs.getBigDecimal(n));
                }
            }
        }

        Map<String, BigDecimal> domainCells() {
            Map<String, BigDecimal> cells = new HashMap<>();
            cells(DOMAIN_SQL).forEach((k, v) -> {
                String[] parts = k.split("\\|");
                cells.put((parts[0].equals("null") ? "domain" : parts[0]) + "|" + parts[1].substring(0, 7) + "|"
                        + parts[2], v);
            });
            return cells;
        }

        Map<String, BigDecimal> cells(String sql) {
            Map<String, BigDecimal> cells = new HashMap<>();
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder key = new StringBuilder();
                    for (int c = 1; c < n; c++) {
                        key.append(c > 1 ? "|" : "").append(rs.getString(c));
                    }
                    cells.put(key.toString(), rs.getBigDecimal(n));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return cells;
        }

        Connection connection() {
            return connection;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
