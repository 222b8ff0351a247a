package dev.billing.jdbc.internal;

import dev.billing.core.spi.AlertLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The alerts kept in the store's database (table {@code alert_log}, keyed by kind, subject, date and detail): budget
 * thresholds and anomalies alert once, across restarts and every instance sharing the database. The primary key
 * decides which caller is first.
 */
public final class AlertLogTable implements AlertLog {
    private final ConnectionSource connections;
    private final String location;

    /**
     * @param connections where connections come from
     * @param location the store, for messages
     */
    public AlertLogTable(ConnectionSource connections, String location) {
        this.connections = connections;
        this.location = location;
    }

    @Override
    public boolean firstAlert(String kind, String subject, LocalDate date, String detail) {
        try (Connection c = connections.get()) {
            return Sql.update(c, "INSERT INTO alert_log (kind, subject, alert_date, detail, alerted_at)"
                    + " VALUES (?, ?, ?, ?, ?)", kind, subject, date, detail, OffsetDateTime.now(ZoneOffset.UTC)) == 1;
        } catch (SQLException e) {
            if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw StoreErrors.of("recording an alert", location, null, e);
        }
    }
}
