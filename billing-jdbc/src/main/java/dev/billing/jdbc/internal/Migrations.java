package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's schema, as versioned migrations applied in order and recorded in
 * {@code billing_schema_version}. A migration, once released, is never edited: changes are new
 * versions. The SQL is the same on H2 and PostgreSQL.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** One schema version. */
    record Migration(int version, String description, List<String> statements) {
    }

    static final List<Migration> ALL = List.of(
            new Migration(1, "cost store: line items, windows and their totals, account syncs", List.of(
                    """
                    CREATE TABLE cost_line (
                        service_account VARCHAR NOT NULL,
                        month_start DATE NOT NULL,
                        charge_date DATE NOT NULL,
                        provider VARCHAR NOT NULL,
                        billing_account VARCHAR NOT NULL,
                        project VARCHAR NOT NULL,
                        service VARCHAR NOT NULL,
                        region VARCHAR NOT NULL,
                        usage_type VARCHAR NOT NULL,
                        charge_category VARCHAR NOT NULL,
                        currency VARCHAR(3) NOT NULL,
                        amount DECIMAL(38, 18) NOT NULL,
                        usage_quantity VARCHAR)""",
                    // window replacement deletes by (account, month); queries filter by account and date range
                    "CREATE INDEX cost_line_window ON cost_line (service_account, month_start, charge_date)",
                    """
                    CREATE TABLE cost_window (
                        service_account VARCHAR NOT NULL,
                        month_start DATE NOT NULL,
                        synced_at TIMESTAMP WITH TIME ZONE,
                        line_count BIGINT NOT NULL,
                        PRIMARY KEY (service_account, month_start))""",
                    """
                    CREATE TABLE cost_window_total (
                        service_account VARCHAR NOT NULL,
                        month_start DATE NOT NULL,
                        currency VARCHAR(3) NOT NULL,
                        amount DECIMAL(38, 18) NOT NULL,
                        PRIMARY KEY (service_account, month_start, currency))""",
                    """
                    CREATE TABLE account_sync (
                        service_account VARCHAR NOT NULL PRIMARY KEY,
                        last_success TIMESTAMP WITH TIME ZONE NOT NULL)""")),
            new Migration(2, "monthly roll-up of line items, for whole-month queries", List.of(
                    """
                    CREATE TABLE cost_month (
                        service_account VARCHAR NOT NULL,
                        month_start DATE NOT NULL,
                        provider VARCHAR NOT NULL,
                        billing_account VARCHAR NOT NULL,
                        project VARCHAR NOT NULL,
                        service VARCHAR NOT NULL,
                        region VARCHAR NOT NULL,
                        usage_type VARCHAR NOT NULL,
                        charge_category VARCHAR NOT NULL,
                        currency VARCHAR(3) NOT NULL,
                        amount DECIMAL(38, 18) NOT NULL)""",
                    "CREATE INDEX cost_month_window ON cost_month (service_account, month_start)",
                    "INSERT INTO cost_month SELECT service_account, month_start, " + Columns.ROLLED_UP
                            + ", SUM(amount) FROM cost_line GROUP BY service_account, month_start, "
                            + Columns.ROLLED_UP)));

    private Migrations() {
    }

    /** @return the schema version this code writes */
    public static int latest() {
        return ALL.get(ALL.size() - 1).version();
    }

    /**
     * Brings the database's schema to {@link #latest()}, applying the missing migrations in order,
     * in one transaction on PostgreSQL; several instances starting at once wait for each other.
     *
     * @param c a connection; left in autocommit mode
     * @param dialect its dialect
     * @return the version the database was at before, 0 for a new database
     * @throws SQLException when a migration fails
     * @throws BillingException when the database is newer than this code
     */
    public static int migrate(Connection c, Dialect dialect) throws SQLException {
        c.setAutoCommit(false);
        try {
            int[] before = new int[1];
            dialect.underMigrationLock(c, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS billing_schema_version (version INT NOT NULL PRIMARY KEY,"
                            + " description VARCHAR NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                    try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM billing_schema_version")) {
                        rs.next();
                        before[0] = rs.getInt(1);
                    }
                }
                if (before[0] > latest()) {
                    throw new BillingException("the cost store's database is at schema version " + before[0]
                            + ", newer than this billing-jdbc supports (" + latest() + "); upgrade billing-jdbc",
                            null, -1, false, null);
                }
                for (Migration m : ALL) {
                    if (m.version() > before[0]) {
                        apply(c, m);
                    }
                }
                c.commit();
            });
            return before[0];
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void apply(Connection c, Migration m) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : m.statements()) {
                s.execute(sql);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO billing_schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        log.debug("cost store schema migrated to version {}: {}", m.version(), m.description());
    }
}
