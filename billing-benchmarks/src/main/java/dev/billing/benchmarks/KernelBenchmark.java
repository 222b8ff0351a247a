package dev.billing.benchmarks;

import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.internal.Aggregation;
import dev.billing.core.internal.ColumnarStore;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * Benchmark 1: SUM of cost over 10 M line items grouped (a) by billing account (5,000 groups) and
 * (b) by the full cube day x service x region x account. Contenders: our store and kernel; DuckDB
 * on one thread, loaded in setup; a naive {@code stream().collect(groupingBy(...))} over
 * {@link CostRecord}s. Each contender hands every result cell (keys and exact sum) to the blackhole,
 * except DuckDB on the cube (see {@link #CUBE_SUMMARY_SQL}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class KernelBenchmark {
    static final String ONE_KEY_SQL = "SELECT account, SUM(cost) FROM costs GROUP BY account";
    /**
     * DuckDB computes every cube cell but returns only their count, total and total of absolute
     * values (the cube check): fetching 1.7 M rows through JDBC would cost DuckDB more than the
     * aggregation, and we do not weaken the peer.
     */
    static final String CUBE_SUMMARY_SQL = "SELECT count(*), SUM(s), SUM(abs(s)) FROM (SELECT SUM(cost) AS s"
            + " FROM costs GROUP BY day, service, region, account)";

    /** Cube cell key of the naive contender; checks compare the cells' sums, not their keys. */
    record CubeKey(LocalDate day, String service, String region, String account) {
    }

    /**
     * The same data in every contender, checked to agree. Built once per JVM and parameters, so a
     * non-forked short run loads it once for all six benchmarks.
     */
    @State(Scope.Benchmark)
    public static class Data {
        private static final Map<List<Integer>, Data> LOADED = new ConcurrentHashMap<>();

        /** Line items. */
        @Param("10000000")
        public int rows;
        /** Billing accounts, one per service account. */
        @Param("5000")
        public int accounts;

        List<CostRecord> records;
        ColumnarStore store;
        DuckDbTable duck;
        ColumnarStore.Selection oneKey;
        ColumnarStore.Selection cube;

        /** Generates the data into every contender and checks they agree, or reuses what this JVM did. */
        @Setup(Level.Trial)
        public void setUp() {
            Data loaded = LOADED.computeIfAbsent(List.of(rows, accounts), k -> load());
            records = loaded.records;
            store = loaded.store;
            duck = loaded.duck;
            oneKey = loaded.oneKey;
            cube = loaded.cube;
        }

        private Data load() {
            Data d = new Data();
            CostData data = new CostData(rows, accounts, 100, LocalDate.of(2026, 1, 1), 31, 42);
            d.records = new ArrayList<>(rows);
            d.store = new ColumnarStore();
            d.duck = new DuckDbTable();
            Consumer<CostRecord> duckSink = d.duck.sink();
            ColumnarStore.Segment[] segment = {null};
            String[] segmentAccount = {null};
            data.forEach(r -> {
                d.records.add(r);
                duckSink.accept(r);
                if (!r.serviceAccount().value().equals(segmentAccount[0])) {
                    if (segment[0] != null) {
                        d.store.commit(segment[0]);
                    }
                    segment[0] = d.store.newSegment();
                    segmentAccount[0] = r.serviceAccount().value();
                }
                segment[0].add(r);
            });
            d.store.commit(segment[0]);
            d.duck.loaded();
            d.oneKey = new ColumnarStore.Selection(data.start(), data.start().plusDays(data.days()), null, Map.of(),
                    List.of(Dimension.ACCOUNT));
            d.cube = new ColumnarStore.Selection(data.start(), data.start().plusDays(data.days()), Granularity.DAILY,
                    Map.of(), List.of(Dimension.SERVICE, Dimension.REGION, Dimension.ACCOUNT));
            Agreement.check("one key", entry("ours", cells(d.store.aggregate(d.oneKey), 1)), Map.of(
                    "duckdb", d.duck.cells(ONE_KEY_SQL),
                    "naive", stringKeys(naiveOneKey(d.records), Function.identity())));
            Agreement.check("cube", entry("ours", summary(cells(d.store.aggregate(d.cube), 3))), Map.of(
                    "duckdb", duckSummary(d.duck),
                    "naive", summary(stringKeys(naiveCube(d.records), CubeKey::toString))));
            return d;
        }
    }

    /** Ours, by account. */
    @Benchmark
    public void oneKeyOurs(Data d, Blackhole bh) {
        consume(d.store.aggregate(d.oneKey), 1, bh);
    }

    /** DuckDB, by account. */
    @Benchmark
    public void oneKeyDuckDb(Data d, Blackhole bh) throws SQLException {
        consume(d.duck, ONE_KEY_SQL, bh);
    }

    /** The naive stream, by account. */
    @Benchmark
    public void oneKeyNaive(Data d, Blackhole bh) {
        naiveOneKey(d.records).forEach((k, v) -> {
            bh.consume(k);
            bh.consume(v);
        });
    }

    /** Ours, the full cube. */
    @Benchmark
    public void cubeOurs(Data d, Blackhole bh) {
        consume(d.store.aggregate(d.cube), 3, bh);
    }

    /** DuckDB, the full cube. */
    @Benchmark
    public void cubeDuckDb(Data d, Blackhole bh) throws SQLException {
        consume(d.duck, CUBE_SUMMARY_SQL, bh);
    }

    /** The naive stream, the full cube. */
    @Benchmark
    public void cubeNaive(Data d, Blackhole bh) {
        naiveCube(d.records).forEach((k, v) -> {
            bh.consume(k);
            bh.consume(v);
        });
    }

    static Map<String, BigDecimal> naiveOneKey(List<CostRecord> records) {
        return records.stream().collect(Collectors.groupingBy(CostRecord::billingAccountId,
                Collectors.reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
    }

    static Map<CubeKey, BigDecimal> naiveCube(List<CostRecord> records) {
        return records.stream().collect(Collectors.groupingBy(
                r -> new CubeKey(r.chargeDate(), r.service(), r.region(), r.billingAccountId()),
                Collectors.reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
    }

    private static void consume(Aggregation a, int keys, Blackhole bh) {
        for (int i = 0; i < a.size(); i++) {
            bh.consume(a.bucket(i));
            for (int k = 0; k < keys; k++) {
                bh.consume(a.key(i, k));
            }
            bh.consume(a.sum(i));
        }
    }

    private static void consume(DuckDbTable duck, String sql, Blackhole bh) throws SQLException {
        try (Statement st = duck.connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int c = 1; c < n; c++) {
                    bh.consume(rs.getObject(c));
                }
                bh.consume(rs.getBigDecimal(n));
            }
        }
    }

    /** Key columns joined by {@code |}, mapped to the sum, as {@link DuckDbTable#cells} gives them. */
    static Map<String, BigDecimal> cells(Aggregation a, int keys) {
        Map<String, BigDecimal> cells = new HashMap<>(a.size() * 2);
        for (int i = 0; i < a.size(); i++) {
            StringBuilder key = new StringBuilder();
            if (a.bucket(i) != null) {
                key.append(a.bucket(i)).append('|');
            }
            for (int k = 0; k < keys; k++) {
                key.append(k > 0 ? "|" : "").append(a.key(i, k));
            }
            cells.put(key.toString(), a.sum(i));
        }
        return cells;
    }

    static Map<String, BigDecimal> duckSummary(DuckDbTable duck) {
        try (Statement st = duck.connection().createStatement(); ResultSet rs = st.executeQuery(CUBE_SUMMARY_SQL)) {
            rs.next();
            return Map.of("cells", BigDecimal.valueOf(rs.getLong(1)), "total", rs.getBigDecimal(2),
                    "absolute", rs.getBigDecimal(3));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the number of cells, their total, and the total of their absolute values */
    static Map<String, BigDecimal> summary(Map<String, BigDecimal> cells) {
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal absolute = BigDecimal.ZERO;
        for (BigDecimal v : cells.values()) {
            total = total.add(v);
            absolute = absolute.add(v.abs());
        }
        return Map.of("cells", BigDecimal.valueOf(cells.size()), "total", total, "absolute", absolute);
    }

    static <K> Map<String, BigDecimal> stringKeys(Map<K, BigDecimal> cells, Function<K, String> key) {
        Map<String, BigDecimal> out = new HashMap<>(cells.size() * 2);
        cells.forEach((k, v) -> out.put(key.apply(k), v));
        return out;
    }

    static Map.Entry<String, Map<String, BigDecimal>> entry(String name, Map<String, BigDecimal> cells) {
        return new AbstractMap.SimpleImmutableEntry<>(name, cells);
    }
}
