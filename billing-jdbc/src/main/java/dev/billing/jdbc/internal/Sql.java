package dev.billing.jdbc.internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The few JDBC steps the store's parts share. */
public final class Sql {
    /** SQLSTATE of a unique constraint violation, on H2 and PostgreSQL. */
    public static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    /**
     * Inserts a row unless it exists, in its own autocommit statement; a concurrent insert of the same row is fine.
     *
     * @param c a connection
     * @param sql the insert
     * @param params its parameters
     * @throws SQLException when it fails otherwise
     */
    public static void ensureRow(Connection c, String sql, Object... params) throws SQLException {
        try {
            update(c, sql, params);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /**
     * @param c a connection
     * @param sql a statement
     * @param params its parameters
     * @return the rows it changed
     * @throws SQLException when it fails
     */
    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    /**
     * @param stored an amount as the database gives it ({@code DECIMAL(38, 18)})
     * @return it without trailing zeros ({@code 0} for zero)
     */
    public static BigDecimal plain(BigDecimal stored) {
        return stored.signum() == 0 ? BigDecimal.ZERO : stored.stripTrailingZeros();
    }

    /**
     * @param t a time read from the database, or null
     * @return it as an instant, or null
     */
    public static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * Rolls back, a failure to do so added to {@code cause}.
     *
     * @param c a connection in a transaction
     * @param cause why
     */
    public static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
