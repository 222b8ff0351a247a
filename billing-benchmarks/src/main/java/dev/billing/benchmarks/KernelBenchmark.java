package dev.billing.benchmarks;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostCellColumns;
import dev.billing.core.spi.CostStore;
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
 * (b) by the full cube day x service x region x account. Contenders: {@link CostStore#inMemory()}
 * through the public SPI ({@link CostStore#aggregateColumns}, loaded window by window as a sync writes
 * it); DuckDB on one thread, loaded in setup; a naive {@code stream().collect(groupingBy(...))} over
 * {@link CostRecord}s. Each contender hands every result cell (keys and exact sum) to the blackhole,
 * except DuckDB on the cube (see {@link #CUBE_SUMMARY_SQL}). The store's cells also carry their project
 * (one per account here, so no more cells).
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
        CostStore store;
        List<ServiceAccountId> scope;
        DuckDbTable duck;
        CostQuery oneKey;
        CostQuery cube;

        /** Generates the data into every contender and checks they agree, or reuses what this JVM did. */
        @Setup(Level.Trial)
        public void setUp() {
            Data loaded = LOADED.computeIfAbsent(List.of(rows, accounts), k -> load());
            records = loaded.records;
            store = loaded.store;
            scope = loaded.scope;
            duck = loaded.duck;
            oneKey = loaded.oneKey;
            cube = loaded.cube;
        }

        private Data load() {
            Data d = new Data();
            CostData data = new CostData(rows, accounts, 100, LocalDate.of(2026, 1, 1), 31, 42);
            d.records = new ArrayList<>(rows);
            d.duck = new DuckDbTable();
            Consumer<CostRecord> duckSink = d.duck.sink();
            StoreLoad.Loaded loaded = StoreLoad.load(data, r -> {
                d.records.add(r);
                duckSink.accept(r);
            });
            d.store = loaded.store();
            d.scope = loaded.accounts();
            d.duck.loaded();
            BillingPeriod period = BillingPeriod.of(data.start(), data.start().plusDays(data.days()));
            d.oneKey = CostQuery.builder(period).granularity(Granularity.MONTHLY).groupBy(Dimension.ACCOUNT).build();
            d.cube = CostQuery.builder(period).granularity(Granularity.DAILY)
                    .groupBy(Dimension.SERVICE, Dimension.REGION, Dimension.ACCOUNT).build();
            Agreement.check("one key", entry("ours", cells(d, d.oneKey, false)), Map.of(
                    "duckdb", d.duck.cells(ONE_KEY_SQL),
                    "naive", stringKeys(naiveOneKey(d.records), Function.identity())));
            Agreement.check("cube", entry("ours", summary(cells(d, d.cube, true))), Map.of(
                    "duckdb", duckSummary(d.duck),
                    "naive", summary(stringKeys(naiveCube(d.records), CubeKey::toString))));
            return d;
        }
    }

    /** Ours, by account. */
    @Benchmark
    public void oneKeyOurs(Data d, Blackhole bh) {
        consume(d, d.oneKey, bh);
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
        consume(d, d.cube, bh);
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

    private static void consume(Data d, CostQuery query, Blackhole bh) {
        d.store.aggregateColumns(query, d.scope, a -> {
            for (int i = 0; i < a.size(); i++) {
                bh.consume(a.bucket(i));
                for (int k = 1; k < a.columns(); k++) {
                    bh.consume(a.value(k, a.code(i, k)));
                }
                bh.consume(a.sum(i));
            }
        });
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

    /**
     * The store's cells of a query, keyed as {@link DuckDbTable#cells} keys them: the bucket when asked, then the
     * group-by values (not the project), joined by {@code |}.
     */
    static Map<String, BigDecimal> cells(Data d, CostQuery query, boolean withBucket) {
        Map<String, BigDecimal> cells = new HashMap<>();
        d.store.aggregateColumns(query, d.scope,
                a -> cells(a, withBucket).forEach((k, v) -> cells.merge(k, v, BigDecimal::add)));
        return cells;
    }

    private static Map<String, BigDecimal> cells(CostCellColumns a, boolean withBucket) {
        Map<String, BigDecimal> cells = new HashMap<>(a.size() * 2);
        for (int i = 0; i < a.size(); i++) {
            StringBuilder key = new StringBuilder();
            if (withBucket) {
                key.append(a.bucket(i)).append('|');
            }
            for (int k = 1; k < a.columns(); k++) {
                key.append(k > 1 ? "|" : "").append(a.value(k, a.code(i, k)));
            }
            cells.merge(key.toString(), a.sum(i), BigDecimal::add);
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
