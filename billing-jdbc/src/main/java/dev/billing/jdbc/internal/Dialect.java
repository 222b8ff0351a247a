package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The databases the store runs on, and the little SQL that differs between them. */
public enum Dialect {
    /** H2, embedded: a file on disk, no server. */
    H2,
    /** PostgreSQL, shared by several application instances. */
    POSTGRESQL;

    private static final Object H2_MIGRATION_LOCK = new Object();

    /**
     * @param c a connection
     * @return the dialect of the database it is connected to
     * @throws SQLException when the metadata cannot be read
     * @throws BillingException when the database is neither H2 nor PostgreSQL
     */
    public static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return switch (product) {
            case "H2" -> H2;
            case "PostgreSQL" -> POSTGRESQL;
            default -> throw new BillingException("the cost store runs on H2 or PostgreSQL, not on " + product,
                    null, false, null);
        };
    }

    /**
     * Runs {@code work} while no other instance migrates the same database. PostgreSQL: a
     * transaction-scoped advisory lock, so instances in several processes wait for each other;
     * H2: a lock in this process (an embedded H2 file is opened by one process at a time).
     *
     * @param c a connection not in autocommit mode
     * @param work what to do under the lock
     * @throws SQLException when the lock or the work fails
     */
    public void underMigrationLock(Connection c, SqlWork work) throws SQLException {
        if (this == POSTGRESQL) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(7305915121)");
            }
            work.run();
        } else {
            synchronized (H2_MIGRATION_LOCK) {
                work.run();
            }
        }
    }

    /** Work that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork {
        /** @throws SQLException when the work fails */
        void run() throws SQLException;
    }
}
