package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.CostRecord;
import dev.billing.core.CostStoreException;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredWindow;
import dev.billing.jdbc.internal.ConnectionPool;
import dev.billing.testkit.StoreFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's own connection pool ({@code url(...)} and {@code embedded(...)} stores), on a real H2 file and a
 * real PostgreSQL: bounded under concurrent use, exact results, broken connections replaced, a bounded wait
 * ending in a clear error, connections reset when given back, and all of them closed with the store.
 */
@Timeout(120)
class ConnectionPoolTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Instant SYNCED = Instant.parse("2026-03-05T12:00:00Z");
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;
    private final StoreFixture fx = new StoreFixture(11, 300);
    private final ExecutorService threads = Executors.newFixedThreadPool(12);

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        fx.close();
    }

    private static String newDatabase() throws SQLException {
        String name = "pool_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** Sessions of other clients connected to the database. */
    private static int sessions(String database) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ?"
                     + " AND pid <> pg_backend_pid()")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Waits until the database has {@code expected} sessions: the server ends them asynchronously, so its
     * view is asked again until it agrees (the class's {@code @Timeout} ends a wait that never does).
     */
    private static void awaitSessions(String database, int expected) throws Exception {
        while (sessions(database) != expected) {
            Thread.onSpinWait();
        }
    }

    /** Every (account, month) window of the fixture over a year, replaced concurrently, then each checked exactly. */
    private void replaceConcurrentlyAndCheck(JdbcCostStore store) throws Exception {
        List<CompletableFuture<Void>> work = new ArrayList<>();
        List<ServiceAccount> accounts = fx.billing().serviceAccounts().list();
        for (int m = 1; m <= 12; m++) {
            YearMonth month = YearMonth.of(2025, m);
            for (ServiceAccount a : accounts) {
                work.add(CompletableFuture.runAsync(() -> {
                    assertThat(store.replaceWindow(a, month, SYNCED, sink -> {
                        sink.acceptAll(fx.provider().records(a, month));
                        return FetchStats.EMPTY;
                    })).isPresent();
                    store.lastSyncs();
                }, threads));
            }
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (ServiceAccount a : accounts) {
            List<StoredWindow> windows = store.windows(a.id());
            assertThat(windows).hasSize(12);
            for (StoredWindow w : windows) {
                assertThat(w.totals()).isEqualTo(exactTotals(fx.provider().records(a, w.month())));
            }
        }
    }

    private static List<Money> exactTotals(List<CostRecord> records) {
        Map<Currency, BigDecimal> sums = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        records.forEach(r -> sums.merge(r.billedCost().currency(), r.billedCost().amount(), BigDecimal::add));
        return sums.entrySet().stream().map(e -> new Money(e.getValue().signum() == 0 ? BigDecimal.ZERO
                : e.getValue().stripTrailingZeros(), e.getKey())).toList();
    }

    @Test
    void h2File_concurrentReplacements_useAtMostTheBoundAndStayExact() throws Exception {
        try (JdbcCostStore store = JdbcCostStore.builder().url("jdbc:h2:file:" + dir.resolve("costs").toAbsolutePath(),
                null, null).maxConnections(3).build()) {
            replaceConcurrentlyAndCheck(store);
            assertThat(store.pool().openConnections()).isBetween(1, 3);
        }
    }

    @Test
    void postgres_concurrentReplacements_useAtMostTheBoundAndStayExact_andCloseReleasesEveryConnection()
            throws Exception {
        String db = newDatabase();
        JdbcCostStore store = JdbcCostStore.builder().url(postgres.getJdbcUrl("postgres", db), "postgres", null)
                .maxConnections(4).build();
        try {
            replaceConcurrentlyAndCheck(store);
            assertThat(store.pool().openConnections()).isBetween(1, 4);
            assertThat(sessions(db)).isBetween(1, 4);
        } finally {
            store.close();
        }
        awaitSessions(db, 0);
        assertThatThrownBy(store::lastSyncs).isInstanceOf(CostStoreException.class).hasMessageContaining("is closed");
    }

    @Test
    void postgres_connectionsKilledUnderneath_areReplacedOnceIdlePastTheValidationWindow() throws Exception {
        String db = newDatabase();
        String url = postgres.getJdbcUrl("postgres", db);
        AtomicLong nanos = new AtomicLong();
        AtomicInteger opened = new AtomicInteger();
        try (ConnectionPool pool = new ConnectionPool(() -> {
            opened.incrementAndGet();
            return DriverManager.getConnection(url, "postgres", null);
        }, 2, Duration.ofSeconds(30), Duration.ofMillis(500), "the test store", nanos::get)) {
            try (Connection a = pool.get(); Connection b = pool.get()) {
                assertThat(a.isValid(1) && b.isValid(1)).isTrue();
            }
            assertThat(opened).hasValue(2);
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                         + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, db);
                ps.executeQuery().close();
            }
            awaitSessions(db, 0);
            nanos.addAndGet(Duration.ofMillis(501).toNanos());   // idle past the window: each is checked when lent

            try (Connection c = pool.get(); Connection d = pool.get(); Statement s = c.createStatement();
                 Statement t = d.createStatement()) {
                s.execute("SELECT 1");
                t.execute("SELECT 1");
            }
            assertThat(opened).as("both dead connections were replaced").hasValue(4);
            assertThat(pool.openConnections()).isEqualTo(2);
        }
    }

    @Test
    void pool_manyThreads_neverLendMoreThanTheBound_andOpenNoMore() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("direct").toAbsolutePath();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (ConnectionPool pool = new ConnectionPool(() -> {
            opened.incrementAndGet();
            return DriverManager.getConnection(url);
        }, 3, Duration.ofSeconds(30), Duration.ofMillis(500), url)) {
            CountDownLatch threeInUse = new CountDownLatch(3);   // the first three borrowers hold on until all three do
            List<CompletableFuture<Void>> work = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                work.add(CompletableFuture.runAsync(() -> {
                    try (Connection c = pool.get(); Statement s = c.createStatement()) {
                        most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                        s.execute("SELECT 1");
                        threeInUse.countDown();
                        threeInUse.await();
                        inUse.decrementAndGet();
                    } catch (SQLException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(most.get()).isEqualTo(3);
            assertThat(opened.get()).isEqualTo(3);
            assertThat(pool.idleConnections()).isEqualTo(opened.get());
        }
    }

    @Test
    void pool_noConnectionFreeWithinTheWait_failsWithAClearStoreError() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("direct").toAbsolutePath();
        try (ConnectionPool pool = new ConnectionPool(() -> DriverManager.getConnection(url), 1, Duration.ofMillis(200),
                Duration.ofMillis(200), "the test store"); Connection held = pool.get()) {
            assertThatThrownBy(pool::get).isInstanceOfSatisfying(CostStoreException.class, e -> {
                assertThat(e.reason()).isEqualTo(CostStoreException.Reason.UNAVAILABLE);
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("the test store", "200 ms", "all 1 of its connections",
                        "maxConnections");
            });
            assertThat(held.isValid(1)).isTrue();
        }
    }

    @Test
    void pool_aBorrowerWaitsForTheConnectionGivenBack() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("direct").toAbsolutePath();
        try (ConnectionPool pool = new ConnectionPool(() -> DriverManager.getConnection(url), 1, Duration.ofMinutes(5),
                Duration.ofMillis(500), "the test store")) {
            Connection held = pool.get();
            CompletableFuture<Boolean> borrowed = new CompletableFuture<>();
            Thread borrower = new Thread(() -> {
                try (Connection c = pool.get()) {
                    borrowed.complete(c.isValid(1));
                } catch (SQLException | RuntimeException e) {
                    borrowed.completeExceptionally(e);
                }
            });
            borrower.start();
            while (borrower.getState() != Thread.State.TIMED_WAITING) {   // blocked in get(): no connection is free
                Thread.onSpinWait();
            }
            assertThat(borrowed).isNotDone();

            held.close();

            assertThat(borrowed.get()).isTrue();
            borrower.join();
        }
    }

    @Test
    void pool_connectionGivenBackInATransaction_isRolledBackAndInAutocommitAgain() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("direct").toAbsolutePath();
        try (ConnectionPool pool = new ConnectionPool(() -> DriverManager.getConnection(url), 1, Duration.ofSeconds(5),
                Duration.ofMillis(500), url)) {
            try (Connection c = pool.get(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x INT)");
            }
            Connection lent = pool.get();
            lent.setAutoCommit(false);
            try (Statement s = lent.createStatement()) {
                s.execute("INSERT INTO t VALUES (1)");
            }
            lent.close();
            assertThat(lent.isClosed()).isTrue();
            assertThatThrownBy(lent::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("given back");
            lent.close();   // twice is fine

            try (Connection c = pool.get(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                assertThat(c.getAutoCommit()).isTrue();
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            assertThat(pool.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void pool_closedWhileAConnectionIsLent_closesItWhenGivenBack_andRefusesNewOnes() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("direct").toAbsolutePath();
        ConnectionPool pool = new ConnectionPool(() -> DriverManager.getConnection(url), 2, Duration.ofSeconds(5),
                Duration.ofMillis(500), url);
        Connection idle = pool.get();
        Connection lent = pool.get();
        Connection physicalOfLent = lent.unwrap(org.h2.jdbc.JdbcConnection.class);
        idle.close();
        pool.close();
        assertThat(pool.openConnections()).isEqualTo(1);
        assertThatThrownBy(pool::get).isInstanceOf(CostStoreException.class).hasMessageContaining("closed");
        lent.close();
        assertThat(pool.openConnections()).isZero();
        assertThat(physicalOfLent.isClosed()).isTrue();
    }
}
