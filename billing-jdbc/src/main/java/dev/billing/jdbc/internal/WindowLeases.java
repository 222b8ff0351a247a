package dev.billing.jdbc.internal;

import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import dev.billing.core.support.ClaimedWindow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Window leases: a window is claimed before it is fetched, so that one instance at a time replaces it. */
public final class WindowLeases {
    private static final Logger log = LoggerFactory.getLogger(WindowLeases.class);
    /** Names this process in lease rows: an embedded store's leases of another process are of a dead one. */
    private static final String PROCESS = UUID.randomUUID().toString();

    private final ConnectionSource connections;
    private final Dialect dialect;
    private final Duration leaseTimeout;
    private final String location;
    private final WindowWriter writer;

    /**
     * @param connections where connections come from
     * @param dialect the database's dialect
     * @param leaseTimeout how long a lease lasts when its holder dies
     * @param location the store, for messages
     * @param writer writes a claimed window
     */
    public WindowLeases(ConnectionSource connections, Dialect dialect, Duration leaseTimeout, String location,
                        WindowWriter writer) {
        this.connections = connections;
        this.dialect = dialect;
        this.leaseTimeout = leaseTimeout;
        this.location = location;
        this.writer = writer;
    }

    /**
     * For an embedded file, opened by one process at a time: the leases of another process are of one that died.
     *
     * @param c a connection
     * @param location the store, for the log
     * @throws SQLException when the update fails
     */
    public static void releaseOtherProcesses(Connection c, String location) throws SQLException {
        int lapsed = Sql.update(c, "UPDATE cost_window SET lease_owner = NULL, lease_expires = NULL"
                + " WHERE lease_owner IS NOT NULL AND lease_owner NOT LIKE ?", PROCESS + "/%");
        if (lapsed > 0) {
            log.debug("cost store {}: {} window leases of an earlier process released", location, lapsed);
        }
    }

    /**
     * Claims a window with a lease row rather than a lock. Why not a lock: a row lock ({@code SELECT ... FOR
     * UPDATE}) or a PostgreSQL advisory lock held for the fetch pins a connection, and for the row lock an open
     * transaction ("idle in transaction"), for as long as the provider takes: every page, every retry, every
     * {@code Retry-After} wait; and a session advisory lock outlives a crashed sync in a pooled connection.
     * A lease is one short autocommit {@code UPDATE ... WHERE lease_owner IS NULL OR lease_expires < now} (on
     * PostgreSQL an {@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE} with that condition): the
     * database serialises two instances claiming the same window (the second sees the first's lease and gets
     * nothing), nothing is held while the window is fetched, and the lease of an instance that died lapses
     * after the lease timeout. The replacement then checks, inside its own short
     * transaction and under the window row's lock, that the lease is still this one's.
     *
     * @param account the service account
     * @param month the window's month
     * @return the lease, or empty when another instance holds the window
     * @throws dev.billing.core.CostStoreException when the database fails
     */
    public Optional<WindowLease> claim(ServiceAccount account, YearMonth month) {
        String name = account.name();
        LocalDate monthStart = month.atDay(1);
        String token = PROCESS + "/" + UUID.randomUUID();
        Instant now = Instant.now();
        OffsetDateTime expires = now.plus(leaseTimeout).atOffset(ZoneOffset.UTC);
        try (Connection c = connections.get()) {
            if (dialect == Dialect.POSTGRESQL) {
                // one statement, so one commit (one WAL flush) instead of two: the row is created leased, or an
                // existing row's lapsed or free lease is taken; a live lease of another instance is left alone
                int claimed = Sql.update(c, "INSERT INTO cost_window AS w (service_account, month_start, line_count,"
                        + " lease_owner, lease_expires) VALUES (?, ?, 0, ?, ?) ON CONFLICT (service_account, month_start)"
                        + " DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_expires = EXCLUDED.lease_expires"
                        + " WHERE w.lease_owner IS NULL OR w.lease_expires < ?", name, monthStart, token, expires,
                        now.atOffset(ZoneOffset.UTC));
                return claimed == 1 ? Optional.of(new Lease(account, month, token)) : Optional.empty();
            }
            Sql.ensureRow(c, "INSERT INTO cost_window (service_account, month_start, line_count)"
                    + " SELECT CAST(? AS VARCHAR), CAST(? AS DATE), 0 WHERE NOT EXISTS"
                    + " (SELECT 1 FROM cost_window WHERE service_account = ? AND month_start = ?)",
                    name, monthStart, name, monthStart);
            int claimed = Sql.update(c, "UPDATE cost_window SET lease_owner = ?, lease_expires = ?"
                    + " WHERE service_account = ? AND month_start = ? AND (lease_owner IS NULL OR lease_expires < ?)",
                    token, expires, name, monthStart, now.atOffset(ZoneOffset.UTC));
            return claimed == 1 ? Optional.of(new Lease(account, month, token)) : Optional.empty();
        } catch (SQLException e) {
            throw StoreErrors.of("claiming window " + month, location, name, e);
        }
    }

    /** A claimed window; see {@link #claim}. */
    private final class Lease extends ClaimedWindow {
        private final String token;

        Lease(ServiceAccount account, YearMonth month, String token) {
            super(account, month);
            this.token = token;
        }

        @Override
        public Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source) {
            // Read the whole window first, with no connection taken and no transaction open.
            WindowBuffer buffer = new WindowBuffer(account(), month());
            FetchStats stats = source.writeTo(buffer);
            Optional<WindowReplacement> done = writer.write(account(), month(), token, syncedAt, buffer, stats);
            if (done.isPresent()) {
                markReleased();
            }
            return done;
        }

        @Override
        protected void release() {
            try (Connection c = connections.get()) {
                Sql.update(c, "UPDATE cost_window SET lease_owner = NULL, lease_expires = NULL WHERE service_account = ?"
                        + " AND month_start = ? AND lease_owner = ?", account().name(), month().atDay(1), token);
            } catch (SQLException e) {
                log.debug("giving back the lease of {} {} failed; it expires by itself: {}", account().name(), month(),
                        e.toString());
            }
        }
    }
}
