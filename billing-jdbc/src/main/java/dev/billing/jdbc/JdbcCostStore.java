package dev.billing.jdbc;

import dev.billing.core.BillingException;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostStoreException;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.AlertLog;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.ServiceAccountStore;
import dev.billing.core.spi.StoredCoverage;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowCoverage;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import dev.billing.core.support.Arguments;
import dev.billing.jdbc.internal.AggregateSql;
import dev.billing.jdbc.internal.AlertLogTable;
import dev.billing.jdbc.internal.ConnectionPool;
import dev.billing.jdbc.internal.ConnectionSource;
import dev.billing.jdbc.internal.Dialect;
import dev.billing.jdbc.internal.JdbcServiceAccountStore;
import dev.billing.jdbc.internal.LineItems;
import dev.billing.jdbc.internal.Migrations;
import dev.billing.jdbc.internal.Sql;
import dev.billing.jdbc.internal.StoreErrors;
import dev.billing.jdbc.internal.WindowLeases;
import dev.billing.jdbc.internal.WindowWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CostStore} in a database: an embedded H2 file (no server; the default) or a shared
 * PostgreSQL. The store creates and migrates its own schema (versioned migrations) when built.
 *
 * <pre>{@code
 * try (JdbcCostStore store = JdbcCostStore.embedded(Path.of("billing-costs"))) {
 *     CostSync sync = CostSync.builder(billing).store(store).build();
 *     sync.sync();
 * }
 * }</pre>
 *
 * <p>Reports are answered with SQL ({@code SUM(amount) ... GROUP BY}): the database does the
 * aggregation and only the sums travel. Queries over whole months at MONTHLY or YEARLY granularity
 * read a roll-up kept per window, written in the transaction that replaces the window: by project
 * ({@code cost_window_project}: the domain and project dashboards), by project and service
 * ({@code cost_window_service}), or by every dimension ({@code cost_month}); other queries read the
 * line items. Amounts are kept as {@code DECIMAL(38, 18)}: exact, with up to 20 integer and 18
 * fractional digits; an amount that does not fit fails its window (keeping the old data) instead of
 * being rounded.
 *
 * <p>A window is first claimed with a lease (a short {@code UPDATE} of its row, see
 * {@link #claimWindow}); another instance claiming it meanwhile gets nothing and skips it. The
 * window is then fetched with no transaction open and no connection held, checked and rolled up in
 * memory, and written in one short transaction: its old rows deleted, the line items copied in
 * (PostgreSQL {@code COPY}, H2 JDBC batches), its roll-ups, totals and sync time recorded, the lease
 * cleared, committed. Readers see the committed window only; a crash at any point leaves the old
 * window whole.
 *
 * <p>Failures of the database itself are {@link CostStoreException}s with a
 * {@link CostStoreException#reason() reason} (read-only, not a store, locked by another process,
 * newer schema, disk full, unreachable) and a one-line message naming the store and the fix.
 *
 * <p>Thread-safe. Each operation takes a connection for its duration only. A store built with
 * {@link Builder#embedded} or {@link Builder#url} keeps its own small pool of them
 * ({@link Builder#maxConnections}, default {@value Builder#DEFAULT_MAX_CONNECTIONS}; an operation waits at
 * most {@link Builder#connectionTimeout} for one, then fails with a {@link CostStoreException}); connections
 * idle for a while are validated before reuse, and broken ones replaced. A store given a
 * {@link Builder#dataSource DataSource} takes every connection from it (use your application's pool).
 */
public final class JdbcCostStore implements CostStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcCostStore.class);
    /** A pooled connection idle for longer than this is validated before it is lent again. */
    private static final Duration POOL_VALIDATE_AFTER = Duration.ofMillis(500);

    private final ConnectionSource connections;
    /** The store's own pool (embedded file or URL); {@code null} when the host gave a {@code DataSource}. */
    private final ConnectionPool pool;
    private final Dialect dialect;
    private final Connection keepOpen;
    private final String location;
    /** An embedded store opened for writing: compacted on close when a window was replaced. */
    private final boolean compactOnClose;
    private final WindowWriter writer;
    private final WindowLeases leases;
    private final AlertLog alerts;
    /** PostgreSQL, with two connections or more for a report's coverage and sums: see {@link #concurrentReads}. */
    private final boolean concurrentReads;

    private JdbcCostStore(Builder b) {
        this.pool = b.pooled ? new ConnectionPool(b.connections, b.maxConnections, b.connectionTimeout,
                POOL_VALIDATE_AFTER, b.location) : null;
        this.connections = pool != null ? pool : b.connections;
        this.location = b.location;
        this.compactOnClose = b.embedded && !b.readOnly;
        Dialect found = null;
        Connection open = null;
        try {
            if (b.embedded) {
                requireStoreFile(b);
            }
            // straight from the driver, not from the pool: it is held for the store's lifetime
            open = b.embedded ? b.connections.get() : null;
            try (Connection c = connections.get()) {
                found = Dialect.of(c);
                if (b.embedded && Migrations.isForeign(c)) {
                    throw new CostStoreException(CostStoreException.Reason.NOT_A_STORE, location, location
                            + " is a database of something else, not a cost store; point at another file"
                            + " (nothing was changed)", false, null);
                }
                if (b.readOnly) {
                    Migrations.requireLatest(c, location);
                } else {
                    int before = Migrations.migrate(c, found);
                    log.debug("cost store {} on {} at schema version {} (was {})", location, found,
                            Migrations.latest(), before);
                }
                if (b.embedded && !b.readOnly) {
                    // One process at a time opens an embedded file: a lease of another process is of one that died.
                    WindowLeases.releaseOtherProcesses(c, location);
                }
            }
        } catch (SQLException e) {
            closeQuietly(open);
            closePool();
            throw StoreErrors.of("opening the cost store", location, null, e);
        } catch (CostStoreException e) {
            closeQuietly(open);
            closePool();
            throw e.reason() == CostStoreException.Reason.NEWER_SCHEMA && e.location().isEmpty()
                    ? new CostStoreException(e.reason(), location, "the cost store " + location + " " + e.getMessage(),
                    false, null)
                    : e;
        } catch (RuntimeException e) {
            closeQuietly(open);
            closePool();
            throw e;
        }
        this.dialect = found;
        this.keepOpen = open;
        this.writer = new WindowWriter(connections, dialect, b.batchSize, location, b.beforeRetry);
        this.leases = new WindowLeases(connections, dialect, b.leaseTimeout, location, writer);
        this.alerts = new AlertLogTable(connections, location);
        this.concurrentReads = dialect == Dialect.POSTGRESQL && (pool == null || b.maxConnections >= 2);
    }

    /** An empty file, or a missing one to be read, is never initialised as a new store. */
    private static void requireStoreFile(Builder b) {
        java.nio.file.Path file = Path.of(b.location);
        try {
            if (Files.exists(file) && Files.size(file) == 0) {
                throw new CostStoreException(CostStoreException.Reason.NOT_A_STORE, b.location, b.location
                        + " is an empty file, not a cost store; remove it (a sync then creates a new store) or point"
                        + " at another file", false, null);
            }
        } catch (IOException e) {
            // opening reports what is wrong with it
        }
        if (b.readOnly && !Files.exists(file)) {
            throw new CostStoreException(CostStoreException.Reason.NOT_A_STORE, b.location, "there is no cost store at "
                    + b.location + "; a sync creates it", false, null);
        }
    }

    private void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing a connection failed", e);
            }
        }
    }

    /**
     * @param file the database file; created, with its schema, when missing. H2 adds {@code .mv.db}
     *     to the name (a name already ending in {@code .mv.db} is taken as is). One process at a time
     *     opens the file; several application instances share a PostgreSQL instead.
     * @return the store
     * @throws CostStoreException when the file cannot be opened or migrated
     */
    public static JdbcCostStore embedded(Path file) {
        return builder().embedded(file).build();
    }

    /** @return a builder; give {@link Builder#embedded}, {@link Builder#url} or {@link Builder#dataSource} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the database the store runs on: {@code H2} or {@code POSTGRESQL} */
    public String database() {
        return dialect.name();
    }

    /**
     * A service-account registry kept in the same database, for {@code Billing.builder().serviceAccountStore(...)}.
     * Credential values are written only as {@code secrets} seals them, never in plain text.
     *
     * <pre>{@code
     * Billing billing = Billing.builder()
     *         .serviceAccountStore(store.serviceAccountStore(SecretStore.aesGcm(key)))
     *         .build();
     * }</pre>
     *
     * @param secrets how credential values are sealed
     * @return the registry storage
     */
    public ServiceAccountStore serviceAccountStore(SecretStore secrets) {
        return new JdbcServiceAccountStore(connections, Objects.requireNonNull(secrets, "secrets"));
    }

    /**
     * Seals every credential value of the registry kept in this database again with {@code secrets}'
     * current key, in one transaction: after rotating keys with {@code SecretStore.aesGcm(newKey, oldKey)},
     * one call, then the old key can be dropped. Accounts keep working meanwhile: a value sealed with a
     * previous key is opened with it, and sealed again when next opened.
     *
     * @param secrets the secret store with the current key (and the keys values may still be sealed with)
     * @return how many values were sealed again
     * @throws BillingException when a value cannot be opened with any of the keys (nothing is changed)
     */
    public int resealCredentials(SecretStore secrets) {
        return new JdbcServiceAccountStore(connections, Objects.requireNonNull(secrets, "secrets")).resealAll();
    }

    @Override
    public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                     WindowSource source) {
        Optional<WindowLease> lease = claimWindow(account, month);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        try (WindowLease l = lease.get()) {
            return l.replace(syncedAt, source);
        }
    }

    /**
     * Claims a window with a lease row rather than a lock, held by no transaction while the window is fetched: see
     * the class comment and {@code docs/cost-store.md}. The lease of an instance that died lapses after
     * {@link Builder#leaseTimeout(Duration)}.
     */
    @Override
    public Optional<WindowLease> claimWindow(ServiceAccount account, YearMonth month) {
        return leases.claim(account, month);
    }

    @Override
    public Map<ServiceAccountId, Map<YearMonth, Instant>> heldWindows(Collection<ServiceAccountId> accounts,
                                                                       YearMonth first, YearMonth last) {
        return storedCoverage(accounts, first, last).windows();
    }

    /** Reads the accounts' last syncs and held windows in one statement (one round trip). */
    @Override
    public StoredCoverage storedCoverage(Collection<ServiceAccountId> accounts, YearMonth first, YearMonth last) {
        Map<ServiceAccountId, Instant> lastSyncs = new HashMap<>();
        Map<ServiceAccountId, Map<YearMonth, Instant>> windows = new HashMap<>();
        if (accounts.isEmpty()) {
            return new StoredCoverage(lastSyncs, windows);
        }
        try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement("SELECT requested.account,"
                + " s.last_success, w.month_start, w.synced_at FROM UNNEST(?) AS requested(account)"
                + " LEFT JOIN account_sync s ON s.service_account = requested.account"
                + " LEFT JOIN cost_window w ON w.service_account = requested.account AND w.synced_at IS NOT NULL"
                + " AND w.month_start >= ? AND w.month_start <= ?")) {
            ps.setObject(1, accounts.stream().map(ServiceAccountId::value).distinct().toArray(String[]::new));
            ps.setObject(2, first.atDay(1));
            ps.setObject(3, last.atDay(1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ServiceAccountId account = ServiceAccountId.of(rs.getString(1));
                    OffsetDateTime lastSuccess = rs.getObject(2, OffsetDateTime.class);
                    if (lastSuccess != null) {
                        lastSyncs.put(account, Sql.instant(lastSuccess));
                    }
                    LocalDate month = rs.getObject(3, LocalDate.class);
                    if (month != null) {
                        windows.computeIfAbsent(account, k -> new HashMap<>())
                                .put(YearMonth.from(month), Sql.instant(rs.getObject(4, OffsetDateTime.class)));
                    }
                }
            }
            return new StoredCoverage(lastSyncs, windows);
        } catch (SQLException e) {
            throw failure("reading sync times and which windows it holds", null, e);
        }
    }

    /**
     * Reduces coverage in the database: a row per account (its last sync, when its newest held window of the months
     * asked about was synced, and how many of them it holds), not a row per held window decoded into per-account
     * maps. The windows are grouped per account before the join, so no per-account state is built for the join's
     * rows. Only the accounts that lack some of the months have their held months read, in a second statement: a
     * report over accounts holding every month makes one round trip here.
     */
    @Override
    public Map<ServiceAccountId, WindowCoverage> windowCoverage(Collection<ServiceAccountId> accounts,
                                                                YearMonth first, YearMonth last) {
        Map<ServiceAccountId, WindowCoverage> out = new HashMap<>();
        long months = first.until(last, ChronoUnit.MONTHS) + 1;
        if (accounts.isEmpty() || months < 1) {
            return out;
        }
        // the ids asked for by value: the rows' ids are looked up, not parsed and validated again (a third of the
        // statement's time in the JVM for 10,000 accounts)
        Map<String, ServiceAccountId> asked = new HashMap<>();
        accounts.forEach(a -> asked.putIfAbsent(a.value(), a));
        record Times(Instant lastSync, Instant newest) {
        }
        Map<String, Times> partial = new HashMap<>();
        try (Connection c = connections.get()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT requested.account, s.last_success, w.newest, w.held"
                    + " FROM UNNEST(?) AS requested(account)"
                    + " LEFT JOIN account_sync s ON s.service_account = requested.account"
                    + " LEFT JOIN (SELECT service_account, MAX(synced_at) AS newest, COUNT(*) AS held FROM cost_window"
                    + " WHERE synced_at IS NOT NULL AND month_start >= ? AND month_start <= ? GROUP BY service_account) w"
                    + " ON w.service_account = requested.account"
                    + " WHERE s.last_success IS NOT NULL OR w.held IS NOT NULL")) {
                ps.setObject(1, asked.keySet().toArray(String[]::new));
                ps.setObject(2, first.atDay(1));
                ps.setObject(3, last.atDay(1));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant lastSync = Sql.instant(rs.getObject(2, OffsetDateTime.class));
                        Instant newest = Sql.instant(rs.getObject(3, OffsetDateTime.class));
                        if (rs.getLong(4) == months) {
                            out.put(asked.get(rs.getString(1)), new WindowCoverage(lastSync, newest, List.of()));
                        } else {
                            partial.put(rs.getString(1), new Times(lastSync, newest));
                        }
                    }
                }
            }
            if (!partial.isEmpty()) {
                Map<String, Set<YearMonth>> held = new HashMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT w.service_account, w.month_start"
                        + " FROM UNNEST(?) AS requested(account) JOIN cost_window w"
                        + " ON w.service_account = requested.account WHERE w.synced_at IS NOT NULL"
                        + " AND w.month_start >= ? AND w.month_start <= ?")) {
                    ps.setObject(1, partial.keySet().toArray(String[]::new));
                    ps.setObject(2, first.atDay(1));
                    ps.setObject(3, last.atDay(1));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            held.computeIfAbsent(rs.getString(1), k -> new HashSet<>())
                                    .add(YearMonth.from(rs.getObject(2, LocalDate.class)));
                        }
                    }
                }
                partial.forEach((account, times) -> out.put(asked.get(account), WindowCoverage.of(times.lastSync(),
                        times.newest(), held.getOrDefault(account, Set.of()), first, last)));
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading sync times and which windows it holds", null, e);
        }
    }

    /**
     * On PostgreSQL, yes (unless the store's own pool keeps one connection): the server reads a report's coverage and
     * its sums on two connections at the same time, and the report waits for the longer of the two statements
     * instead of both: a report then holds two connections at once (a {@link Builder#dataSource DataSource} of one
     * connection makes the second read wait for the first). Not on H2, whose statements run on the JVM's own threads.
     */
    @Override
    public boolean concurrentReads() {
        return concurrentReads;
    }

    @Override
    public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        if (accounts.isEmpty()) {
            return;
        }
        AggregateSql built = AggregateSql.of(query, accounts, dialect);
        if (built == null) {
            return;
        }
        try (Connection c = connections.get()) {
            built.run(c, sink);
        } catch (SQLException e) {
            throw failure("aggregating " + query, null, e);
        }
    }

    /** The kept line items with their tags and every cost: see {@link LineItems}. */
    @Override
    public void lineItems(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostRecord> sink) {
        if (accounts.isEmpty()) {
            return;
        }
        try (Connection c = connections.get()) {
            LineItems.read(c, query, accounts, sink);
        } catch (SQLException e) {
            throw failure("reading the line items of " + query, null, e);
        }
    }

    @Override
    public void markSynced(ServiceAccountId account, Instant at) {
        OffsetDateTime time = at.atOffset(ZoneOffset.UTC);
        try (Connection c = connections.get()) {
            if (dialect == Dialect.POSTGRESQL) {
                Sql.update(c, "INSERT INTO account_sync AS s (service_account, last_success) VALUES (?, ?)"
                        + " ON CONFLICT (service_account) DO UPDATE SET last_success = EXCLUDED.last_success"
                        + " WHERE s.last_success < EXCLUDED.last_success", account.value(), time);
                return;
            }
            Sql.ensureRow(c, "INSERT INTO account_sync (service_account, last_success) SELECT CAST(? AS VARCHAR), ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM account_sync WHERE service_account = ?)",
                    account.value(), time, account.value());
            Sql.update(c, "UPDATE account_sync SET last_success = ? WHERE service_account = ? AND last_success < ?",
                    time, account.value(), time);
        } catch (SQLException e) {
            throw failure("recording the sync", account.value(), e);
        }
    }

    @Override
    public Map<ServiceAccountId, Instant> lastSyncs() {
        Map<ServiceAccountId, Instant> out = new HashMap<>();
        try (Connection c = connections.get();
             PreparedStatement ps = c.prepareStatement("SELECT service_account, last_success FROM account_sync");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(ServiceAccountId.of(rs.getString(1)), Sql.instant(rs.getObject(2, OffsetDateTime.class)));
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading sync times", null, e);
        }
    }

    @Override
    public List<StoredWindow> windows(ServiceAccountId account) {
        try (Connection c = connections.get()) {
            Map<LocalDate, List<Money>> totals = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT month_start, currency, amount FROM cost_window_total"
                    + " WHERE service_account = ? ORDER BY month_start, currency")) {
                ps.setString(1, account.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        totals.computeIfAbsent(rs.getObject(1, LocalDate.class), m -> new ArrayList<>())
                                .add(new Money(Sql.plain(rs.getBigDecimal(3)), Currency.getInstance(rs.getString(2))));
                    }
                }
            }
            List<StoredWindow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT month_start, synced_at, line_count FROM cost_window"
                    + " WHERE service_account = ? AND synced_at IS NOT NULL ORDER BY month_start")) {
                ps.setString(1, account.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDate m = rs.getObject(1, LocalDate.class);
                        out.add(new StoredWindow(YearMonth.from(m), Sql.instant(rs.getObject(2, OffsetDateTime.class)),
                                totals.getOrDefault(m, List.of()), rs.getLong(3)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading windows", account.value(), e);
        }
    }

    private CostStoreException failure(String what, String account, SQLException e) {
        return StoreErrors.of(what, location, account, e);
    }
    /**
     * The alerts kept in this store's database (table {@code alert_log}, keyed by kind, subject, date and detail):
     * budget thresholds and anomalies alert once, across restarts and every instance sharing the database.
     */
    @Override
    public AlertLog alerts() {
        return alerts;
    }

    /**
     * Closes the store's connections (those in use when they are given back) and, for an embedded file, the
     * database; the data stays. A {@code DataSource} given by the host is left to the host.
     */
    @Override
    public void close() {
        closePool();
        if (keepOpen != null) {
            try {
                if (compactOnClose && writer.replacedAny()) {
                    // H2 appends what a replacement writes and frees what it replaced only when compacted:
                    // without it, re-syncing unchanged data grows the file every time
                    try (Statement s = keepOpen.createStatement()) {
                        s.execute("SHUTDOWN COMPACT");
                    }
                }
                keepOpen.close();
            } catch (SQLException e) {
                log.debug("closing the cost store's connection failed", e);
            }
        }
    }

    /** @return the store's own pool, or {@code null} when it was given a {@code DataSource} (for tests) */
    ConnectionPool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "JdbcCostStore[" + dialect + " " + location + "]";
    }

    /** Builds a {@link JdbcCostStore}. */
    public static final class Builder {
        /** The default of {@link #maxConnections(int)}. */
        public static final int DEFAULT_MAX_CONNECTIONS = 10;
        private ConnectionSource connections;
        private boolean embedded;
        private boolean pooled;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration connectionTimeout = Duration.ofSeconds(30);
        private int batchSize = 5_000;
        private Duration leaseTimeout = Duration.ofMinutes(15);
        private String location;
        private boolean readOnly;
        private Runnable beforeRetry = () -> { };

        private Builder() {
        }

        /** For tests: runs before a window write that failed on a transient error is tried again. */
        Builder beforeRetry(Runnable hook) {
            this.beforeRetry = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * @param file the embedded H2 database file, created when missing
         * @return this builder
         */
        public Builder embedded(Path file) {
            return embedded(file, false);
        }

        /**
         * @param file the embedded H2 database file
         * @param readOnly whether the store is only read (reports): the file is then opened read-only and never
         *     written, migrated or created; a missing file, or one at an older schema, is a
         *     {@link CostStoreException}. A file that is not writable can still be read this way.
         * @return this builder
         */
        public Builder embedded(Path file, boolean readOnly) {
            String path = file.toAbsolutePath().toString();
            if (path.endsWith(".mv.db")) {
                path = path.substring(0, path.length() - ".mv.db".length());
            }
            // no .trace.db file next to the store: errors reach the caller as CostStoreException instead
            String url = "jdbc:h2:file:" + path + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=0"
                    + (readOnly ? ";ACCESS_MODE_DATA=r" : "");
            this.readOnly = readOnly;
            this.connections = () -> DriverManager.getConnection(url);
            this.embedded = true;
            this.pooled = true;
            this.location = path + ".mv.db";
            return this;
        }

        /**
         * Connects with {@link DriverManager}, keeping up to {@link #maxConnections(int)} connections open in
         * the store's own pool. For PostgreSQL: {@code jdbc:postgresql://db.example.com:5432/billing}.
         *
         * @param jdbcUrl a JDBC URL of an H2 or PostgreSQL database
         * @param user the user, or {@code null}
         * @param password the password, or {@code null}; never logged
         * @return this builder
         */
        public Builder url(String jdbcUrl, String user, String password) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            this.connections = () -> DriverManager.getConnection(jdbcUrl, props);
            this.embedded = false;
            this.pooled = true;
            this.location = jdbcUrl.replaceAll("[?;].*$", "");
            return this;
        }

        /**
         * @param dataSource where connections come from, for example your application's pool; the store keeps
         *     no pool of its own then, and closing the store leaves the data source alone
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            this.connections = dataSource::getConnection;
            this.embedded = false;
            this.pooled = false;
            this.location = "the given DataSource";
            return this;
        }

        /**
         * @param max the most connections the store keeps open at once (default
         *     {@value #DEFAULT_MAX_CONNECTIONS}); not used with {@link #dataSource}
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder maxConnections(int max) {
            this.maxConnections = Arguments.atLeastOne(max, "maxConnections");
            return this;
        }

        /**
         * @param timeout how long an operation waits for one of the store's connections when all
         *     {@link #maxConnections(int)} are in use (default 30 s); then it fails with a
         *     {@link CostStoreException} (reason {@code UNAVAILABLE}). Not used with {@link #dataSource}
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = Arguments.positive(timeout, "connectionTimeout");
            return this;
        }

        /**
         * @param size how many line items go to the database per JDBC batch (default 5,000; PostgreSQL uses
         *     {@code COPY} instead)
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder batchSize(int size) {
            this.batchSize = Arguments.atLeastOne(size, "batchSize");
            return this;
        }

        /**
         * @param timeout how long a window claimed by a sync stays claimed when that sync dies before replacing it
         *     (default 15 minutes); a sync whose fetch takes longer may lose the window to another instance, which
         *     then replaces it instead
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder leaseTimeout(Duration timeout) {
            this.leaseTimeout = Arguments.positive(timeout, "leaseTimeout");
            return this;
        }

        /**
         * @return the store, its schema created or migrated
         * @throws IllegalStateException when no database was given
         * @throws CostStoreException when the database cannot be reached or migrated
         */
        public JdbcCostStore build() {
            if (connections == null) {
                throw new IllegalStateException("give the database: embedded(Path), url(...) or dataSource(...)");
            }
            return new JdbcCostStore(this);
        }
    }
}
