package dev.billing.benchmarks;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostStore;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Benchmark 4: the domain roll-up. 10,000 service accounts in 1,000 projects, 1 M line items over
 * 2025, streamed into the store (no list of records) -> the domain's total by month and every
 * project's total by month. Ours asks {@link CostStore#inMemory()}, loaded window by window as a sync writes it,
 * for the (project, month) cells through the public SPI ({@link CostStore#aggregateColumns}) and rolls them up
 * to the domain's months; DuckDB on one thread answers both in one {@code GROUPING SETS} query; both
 * hand every cell to the blackhole. Setup checks that DuckDB, ours and the store's kernel (the same cells
 * grouped by project, which the store cannot answer from its windows' totals) agree to the last digit.
 * {@link #oursUnder64m} runs ours again in a JVM with a 64 MB heap.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class RollupBenchmark {
    static final String SQL = "SELECT project, date_trunc('month', day) AS month, SUM(cost) FROM costs"
            + " GROUP BY GROUPING SETS ((project, month), (month))";

    /** The same line items in our store and in DuckDB, checked to agree. */
    @State(Scope.Benchmark)
    public static class Data {
        /** Line items. */
        @Param("1000000")
        public int rows;
        /** Service accounts. */
        @Param("10000")
        public int accounts;

        CostStore store;
        List<ServiceAccountId> scope;
        DuckDbTable duck;
        CostQuery query;
        CostQuery byProject;
        List<ProjectId> projects;
        /** The line items' generator, for a reference computed apart from every contender. */
        CostData source;

        /** Streams the data into both contenders and checks they agree. */
        @Setup(Level.Trial)
        public void setUp() {
            CostData data = new CostData(rows, accounts, 1_000, LocalDate.of(2025, 1, 1), 365, 7);
            source = data;
            duck = new DuckDbTable();
            Consumer<dev.billing.core.CostRecord> duckSink = duck.sink();
            TreeSet<ProjectId> seen = new TreeSet<>();
            StoreLoad.Loaded loaded = StoreLoad.load(data, r -> {
                duckSink.accept(r);
                seen.add(r.project());
            });
            store = loaded.store();
            scope = loaded.accounts();
            duck.loaded();
            projects = List.copyOf(seen);
            query = CostQuery.of(BillingPeriod.year(2025));
            byProject = CostQuery.builder(BillingPeriod.year(2025)).granularity(Granularity.MONTHLY)
                    .groupBy(Dimension.PROJECT).build();
            Agreement.check("roll-up", KernelBenchmark.entry("ours", ours(this, query)), Map.of(
                    "duckdb", duckCells(),
                    "ours, the store's kernel", ours(this, byProject)));
        }

        /** Ours, answering {@code q}, keyed as {@link #duckCells()}. */
        static Map<String, BigDecimal> ours(Data d, CostQuery q) {
            Map<String, BigDecimal> cells = new HashMap<>();
            rollUp(d, q, (project, month, sum) -> cells.merge(project + "|" + month.toString().substring(0, 7), sum,
                    BigDecimal::add));
            return cells;
        }

        Map<String, BigDecimal> duckCells() {
            Map<String, BigDecimal> cells = new HashMap<>();
            duck.cells(SQL).forEach((k, v) -> {
                String[] parts = k.split("\\|");
                cells.put((parts[0].equals("null") ? "domain" : parts[0]) + "|" + parts[1].substring(0, 7), v);
            });
            return cells;
        }
    }

    /** Receives one cell of the roll-up. */
    @FunctionalInterface
    interface CellSink {
        void accept(String project, LocalDate month, BigDecimal sum);
    }

    /**
     * Sums (project, month) cells and rolls them up to the domain's months (project "domain"); a cell may be
     * handed on more than once (partial sums of one cell).
     */
    static void rollUp(Data d, CostQuery q, CellSink sink) {
        Map<LocalDate, BigDecimal> domain = new TreeMap<>();
        d.store.aggregateColumns(q, d.scope, cells -> {
            for (int i = 0; i < cells.size(); i++) {
                BigDecimal sum = cells.sum(i);
                sink.accept(cells.value(0, cells.code(i, 0)), cells.bucket(i), sum);
                domain.merge(cells.bucket(i), sum, BigDecimal::add);
            }
        });
        domain.forEach((month, sum) -> sink.accept("domain", month, sum));
    }

    /** Ours: the domain and every project by month. */
    @Benchmark
    public void ours(Data d, Blackhole bh) {
        rollUp(d, d.query, (project, month, sum) -> {
            bh.consume(project);
            bh.consume(month);
            bh.consume(sum);
        });
    }

    /** Ours again, in a JVM whose heap is 64 MB. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Xmx64m")
    public void oursUnder64m(Data d, Blackhole bh) {
        ours(d, bh);
    }

    /** DuckDB on one thread: the same cells in one query. */
    @Benchmark
    public void duckDb(Data d, Blackhole bh) throws SQLException {
        try (Statement st = d.duck.connection().createStatement(); ResultSet rs = st.executeQuery(SQL)) {
            while (rs.next()) {
                bh.consume(rs.getString(1));
                bh.consume(rs.getObject(2));
                bh.consume(rs.getBigDecimal(3));
            }
        }
    }
}
