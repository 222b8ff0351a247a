package dev.billing.jdbc;

import dev.billing.core.BillingException;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostStoreException;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.AlertLog;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.ServiceAccountStore;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import dev.billing.core.support.Arguments;
import dev.billing.jdbc.internal.Columns;
import dev.billing.jdbc.internal.ConnectionPool;
import dev.billing.jdbc.internal.ConnectionSource;
import dev.billing.jdbc.internal.Dialect;
import dev.billing.jdbc.internal.JdbcServiceAccountStore;
import dev.billing.jdbc.internal.Migrations;
import dev.billing.jdbc.internal.PgCopy;
import dev.billing.jdbc.internal.StoreErrors;
import dev.billing.jdbc.internal.WindowBuffer;
import java.math.BigDecimal;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
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
    /** Names this process in lease rows: an embedded store's leases of another process are of a dead one. */
    private static final String PROCESS = UUID.randomUUID().toString();
    private static final String UNIQUE_VIOLATION = "23505";
    /** A pooled connection idle for longer than this is validated before it is lent again. */
    private static final Duration POOL_VALIDATE_AFTER = Duration.ofMillis(500);

    private final ConnectionSource connections;
    /** The store's own pool (embedded file or URL); {@code null} when the host gave a {@code DataSource}. */
    private final ConnectionPool pool;
    private final Dialect dialect;
    private final int batchSize;
    private final Connection keepOpen;

    private final Duration leaseTimeout;
    private final String location;
    /** An embedded store opened for writing: compacted on close when a window was replaced. */
    private final boolean compactOnClose;
    private final AtomicBoolean replaced = new AtomicBoolean();

    private JdbcCostStore(Builder b) {
        this.pool = b.pooled ? new ConnectionPool(b.connections, b.maxConnections, b.connectionTimeout,
                POOL_VALIDATE_AFTER, b.location) : null;
        this.connections = pool != null ? pool : b.connections;
        this.batchSize = b.batchSize;
        this.leaseTimeout = b.leaseTimeout;
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
                    int lapsed = update(c, "UPDATE cost_window SET lease_owner = NULL, lease_expires = NULL"
                            + " WHERE lease_owner IS NOT NULL AND lease_owner NOT LIKE ?", PROCESS + "/%");
                    if (lapsed > 0) {
                        log.debug("cost store {}: {} window leases of an earlier process released", location, lapsed);
                    }
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
     * Claims a window with a lease row rather than a lock. Why not a lock: a row lock ({@code SELECT ... FOR
     * UPDATE}) or a PostgreSQL advisory lock held for the fetch pins a connection, and for the row lock an open
     * transaction ("idle in transaction"), for as long as the provider takes: every page, every retry, every
     * {@code Retry-After} wait; and a session advisory lock outlives a crashed sync in a pooled connection.
     * A lease is one short autocommit {@code UPDATE ... WHERE lease_owner IS NULL OR lease_expires < now} (on
     * PostgreSQL an {@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE} with that condition): the
     * database serialises two instances claiming the same window (the second sees the first's lease and gets
     * nothing), nothing is held while the window is fetched, and the lease of an instance that died lapses
     * after {@link Builder#leaseTimeout(Duration)}. The replacement then checks, inside its own short
     * transaction and under the window row's lock, that the lease is still this one's.
     */
    @Override
    public Optional<WindowLease> claimWindow(ServiceAccount account, YearMonth month) {
        String name = account.name();
        LocalDate monthStart = month.atDay(1);
        String token = PROCESS + "/" + UUID.randomUUID();
        Instant now = Instant.now();
        OffsetDateTime expires = now.plus(leaseTimeout).atOffset(ZoneOffset.UTC);
        try (Connection c = connections.get()) {
            if (dialect == Dialect.POSTGRESQL) {
                // one statement, so one commit (one WAL flush) instead of two: the row is created leased, or an
                // existing row's lapsed or free lease is taken; a live lease of another instance is left alone
                int claimed = update(c, "INSERT INTO cost_window AS w (service_account, month_start, line_count,"
                        + " lease_owner, lease_expires) VALUES (?, ?, 0, ?, ?) ON CONFLICT (service_account, month_start)"
                        + " DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_expires = EXCLUDED.lease_expires"
                        + " WHERE w.lease_owner IS NULL OR w.lease_expires < ?", name, monthStart, token, expires,
                        now.atOffset(ZoneOffset.UTC));
                return claimed == 1 ? Optional.of(new Lease(account, month, token)) : Optional.empty();
            }
            ensureRow(c, "INSERT INTO cost_window (service_account, month_start, line_count)"
                    + " SELECT CAST(? AS VARCHAR), CAST(? AS DATE), 0 WHERE NOT EXISTS"
                    + " (SELECT 1 FROM cost_window WHERE service_account = ? AND month_start = ?)",
                    name, monthStart, name, monthStart);
            int claimed = update(c, "UPDATE cost_window SET lease_owner = ?, lease_expires = ?"
                    + " WHERE service_account = ? AND month_start = ? AND (lease_owner IS NULL OR lease_expires < ?)",
                    token, expires, name, monthStart, now.atOffset(ZoneOffset.UTC));
            return claimed == 1 ? Optional.of(new Lease(account, month, token)) : Optional.empty();
        } catch (SQLException e) {
            throw failure("claiming window " + month, name, e);
        }
    }

    /** A claimed window; see {@link #claimWindow}. */
    private final class Lease implements WindowLease {
        private final ServiceAccount account;
        private final YearMonth month;
        private final String token;
        private boolean open = true;

        Lease(ServiceAccount account, YearMonth month, String token) {
            this.account = account;
            this.month = month;
            this.token = token;
        }

        @Override
        public ServiceAccount account() {
            return account;
        }

        @Override
        public YearMonth month() {
            return month;
        }

        @Override
        public Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source) {
            // Read the whole window first, with no connection taken and no transaction open.
            WindowBuffer buffer = new WindowBuffer(account, month);
            FetchStats stats = source.writeTo(buffer);
            Optional<WindowReplacement> done = write(account, month, token, syncedAt, buffer, stats);
            if (done.isPresent()) {
                synchronized (this) {
                    open = false;
                }
            }
            return done;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (!open) {
                    return;
                }
                open = false;
            }
            try (Connection c = connections.get()) {
                update(c, "UPDATE cost_window SET lease_owner = NULL, lease_expires = NULL WHERE service_account = ?"
                        + " AND month_start = ? AND lease_owner = ?", account.name(), month.atDay(1), token);
            } catch (SQLException e) {
                log.debug("giving back the lease of {} {} failed; it expires by itself: {}", account.name(), month,
                        e.toString());
            }
        }
    }

    /** The one short transaction of a replacement: everything is in memory already. */
    private Optional<WindowReplacement> write(ServiceAccount account, YearMonth month, String token, Instant syncedAt,
                                              WindowBuffer buffer, FetchStats stats) {
        String name = account.name();
        LocalDate monthStart = month.atDay(1);
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try {
                Instant previous;
                try (PreparedStatement ps = c.prepareStatement("SELECT synced_at, lease_owner FROM cost_window"
                        + " WHERE service_account = ? AND month_start = ? FOR UPDATE")) {
                    ps.setString(1, name);
                    ps.setObject(2, monthStart);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || !token.equals(rs.getString(2))) {
                            c.rollback();
                            return Optional.empty();
                        }
                        previous = instant(rs.getObject(1, OffsetDateTime.class));
                    }
                }
                List<Money> oldTotals = previous == null ? List.of() : storedTotals(c, name, monthStart);
                // A window never written has no rows: only a committed replacement writes them, with synced_at.
                if (previous != null) {
                    for (String table : WINDOW_TABLES) {
                        update(c, "DELETE FROM " + table + " WHERE service_account = ? AND month_start = ?", name,
                                monthStart);
                    }
                }
                writeLines(c, name, monthStart, buffer);
                writeRollups(c, name, monthStart, buffer);
                List<Money> newTotals = buffer.totals();
                update(c, "UPDATE cost_window SET synced_at = ?, line_count = ?, lease_owner = NULL, lease_expires = NULL"
                        + " WHERE service_account = ? AND month_start = ?", syncedAt.atOffset(ZoneOffset.UTC),
                        (long) buffer.records().size(), name, monthStart);
                c.commit();
                replaced.set(true);
                return Optional.of(new WindowReplacement(account.id(), month, previous, oldTotals, newTotals,
                        buffer.records().size(), stats));
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure("replacing window " + month, name, e);
        }
    }

    /** The tables holding a window's rows, emptied when it is replaced. */
    private static final List<String> WINDOW_TABLES = List.of("cost_line", "cost_tag", "cost_month",
            "cost_window_project", "cost_window_service", "cost_window_total");

    private static final String LINE_COLUMNS = "service_account, month_start, charge_date, provider, billing_account,"
            + " project, service, region, usage_type, charge_category, currency, amount, usage_quantity, sub_account,"
            + " effective_amount, list_amount, correction, tag_set";

    /** PostgreSQL: one {@code COPY ... FROM STDIN}; H2 (or a connection that is not pgjdbc's): JDBC batches. */
    private void writeLines(Connection c, String name, LocalDate monthStart, WindowBuffer buffer) throws SQLException {
        if (buffer.records().isEmpty()) {
            return;
        }
        if (dialect == Dialect.POSTGRESQL && PgCopy.copyLines(c, "COPY cost_line (" + LINE_COLUMNS
                + ") FROM STDIN (FORMAT csv)", name, monthStart, buffer)) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO cost_line (" + LINE_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            List<CostRecord> records = buffer.records();
            for (int i = 0; i < records.size(); i++) {
                CostRecord r = records.get(i);
                insert.setString(1, name);
                insert.setObject(2, monthStart);
                insert.setObject(3, r.chargeDate());
                insert.setString(4, r.provider().value());
                insert.setString(5, r.billingAccountId());
                insert.setString(6, r.project().value());
                insert.setString(7, r.service());
                insert.setString(8, r.region());
                insert.setString(9, r.usageType());
                insert.setString(10, r.chargeCategory().name());
                insert.setString(11, r.billedCost().currency().getCurrencyCode());
                insert.setBigDecimal(12, r.billedCost().amount());
                insert.setString(13, r.usageQuantity() == null ? null : r.usageQuantity().toPlainString());
                insert.setString(14, r.subAccountId());
                insert.setBigDecimal(15, r.effectiveCostGiven() ? r.effectiveCost().amount() : null);
                insert.setBigDecimal(16, r.listCost().map(Money::amount).orElse(null));
                insert.setBoolean(17, r.correction());
                insert.setInt(18, buffer.tagSetOf(i));
                insert.addBatch();
                if (++pending == batchSize) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
    }

    /**
     * The roll-ups and the window's tag sets, computed in memory on the way in, written in the same transaction as
     * the line items.
     */
    private void writeRollups(Connection c, String name, LocalDate monthStart, WindowBuffer buffer) throws SQLException {
        batch(c, "INSERT INTO cost_month (service_account, month_start, " + Columns.ROLLED_UP
                + ", amount, effective_amount, list_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                buffer.byMonth().entrySet(), e -> {
                    WindowBuffer.MonthKey k = e.getKey();
                    WindowBuffer.Sums sums = e.getValue();
                    // the order of Columns.ROLLED_UP
                    return new Object[] {name, monthStart, k.provider(), k.billingAccount(), k.subAccount(), k.project(),
                            k.service(), k.region(), k.usageType(), k.chargeCategory(), k.currency(), sums.billed(),
                            sums.effective(), sums.list()};
                });
        batch(c, "INSERT INTO cost_window_service (service_account, month_start, project, service, currency, amount,"
                + " effective_amount, list_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", buffer.byService().entrySet(),
                e -> new Object[] {name, monthStart, e.getKey().project(), e.getKey().service(), e.getKey().currency(),
                        e.getValue().billed(), e.getValue().effective(), e.getValue().list()});
        batch(c, "INSERT INTO cost_window_project (service_account, month_start, project, currency, amount,"
                + " effective_amount, list_amount) VALUES (?, ?, ?, ?, ?, ?, ?)", buffer.byProject().entrySet(),
                e -> new Object[] {name, monthStart, e.getKey().project(), e.getKey().currency(), e.getValue().billed(),
                        e.getValue().effective(), e.getValue().list()});
        batch(c, "INSERT INTO cost_window_total (service_account, month_start, currency, amount) VALUES (?, ?, ?, ?)",
                buffer.totals(), m -> new Object[] {name, monthStart, m.currency().getCurrencyCode(), m.amount()});
        List<Object[]> tags = new ArrayList<>();
        List<Map<String, String>> sets = buffer.tagSets();
        for (int set = 1; set < sets.size(); set++) {
            for (Map.Entry<String, String> tag : sets.get(set).entrySet()) {
                tags.add(new Object[] {name, monthStart, set, tag.getKey(), tag.getValue()});
            }
        }
        batch(c, "INSERT INTO cost_tag (service_account, month_start, tag_set, tag_key, tag_value) VALUES (?, ?, ?, ?, ?)",
                tags, row -> row);
    }

    /** Inserts one row per element of {@code rows}, its {@code values} in JDBC batches of {@link Builder#batchSize}. */
    private <T> void batch(Connection c, String sql, Collection<T> rows, Function<T, Object[]> values)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (T row : rows) {
                Object[] v = values.apply(row);
                for (int i = 0; i < v.length; i++) {
                    if (v[i] == null) {
                        ps.setNull(i + 1, java.sql.Types.DECIMAL);
                    } else {
                        ps.setObject(i + 1, v[i]);
                    }
                }
                ps.addBatch();
                if (++pending == batchSize) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    @Override
    public Map<ServiceAccountId, Map<YearMonth, Instant>> heldWindows(Collection<ServiceAccountId> accounts,
                                                                       YearMonth first, YearMonth last) {
        Map<ServiceAccountId, Map<YearMonth, Instant>> out = new HashMap<>();
        if (accounts.isEmpty()) {
            return out;
        }
        try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement("SELECT service_account,"
                + " month_start, synced_at FROM cost_window JOIN UNNEST(?) AS requested(account)"
                + " ON service_account = requested.account WHERE synced_at IS NOT NULL AND month_start >= ?"
                + " AND month_start <= ?")) {
            ps.setObject(1, accounts.stream().map(ServiceAccountId::value).distinct().toArray(String[]::new));
            ps.setObject(2, first.atDay(1));
            ps.setObject(3, last.atDay(1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(ServiceAccountId.of(rs.getString(1)), k -> new TreeMap<>())
                            .put(YearMonth.from(rs.getObject(2, LocalDate.class)),
                                    instant(rs.getObject(3, OffsetDateTime.class)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading which windows it holds", null, e);
        }
    }

    @Override
    public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        if (accounts.isEmpty()) {
            return;
        }
        AggregateSql built = aggregateSql(query, accounts);
        if (built == null) {
            return;
        }
        int keys = query.groupBy().size();
        try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(built.sql())) {
            for (int i = 0; i < built.params().size(); i++) {
                ps.setObject(i + 1, built.params().get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> values = new ArrayList<>(keys);
                    for (int i = 0; i < keys; i++) {
                        values.add(rs.getString(3 + i));
                    }
                    Money sum = new Money(plain(rs.getBigDecimal(keys + 4)), Currency.getInstance(rs.getString(keys + 3)));
                    sink.accept(new CostCell(rs.getObject(1, LocalDate.class), ProjectId.of(rs.getString(2)), values,
                            sum));
                }
            }
        } catch (SQLException e) {
            throw failure("aggregating " + query, null, e);
        }
    }

    /** The statement {@link #aggregate} runs, and its parameters in order. */
    record AggregateSql(String sql, List<Object> params) {
    }

    /**
     * @param query what to aggregate
     * @param accounts the accounts in scope, at least one
     * @return the SQL {@link #aggregate} runs for them (the tests read its plan), or null when the query selects
     *     nothing (a filter on a tag key that is only an alias, without {@code ""} among its values)
     */
    static AggregateSql aggregateSql(CostQuery query, Collection<ServiceAccountId> accounts) {
        List<Object> params = new ArrayList<>();
        LocalDate start = query.period().start();
        LocalDate end = query.period().end();
        boolean daily = query.granularity() == Granularity.DAILY;
        boolean wholeMonths = start.getDayOfMonth() == 1 && end.getDayOfMonth() == 1;
        Set<Dimension> used = new HashSet<>();
        used.addAll(query.groupBy());
        used.addAll(query.filters().keySet());
        // every table keeps the per-account dimensions (service account, project)
        used.removeIf(Dimension::perAccount);
        // The smallest table that answers: the per-window roll-ups by project (domain and project dashboards)
        // and by project and service, then the roll-up by every fixed dimension, then the line items (the only
        // table with tags).
        String table = daily || !wholeMonths || query.readsTags() ? "cost_line"
                : used.isEmpty() ? "cost_window_project"
                : used.equals(Set.of(Dimension.SERVICE)) ? "cost_window_service"
                : "cost_month";
        String t = table + ".";
        // A tag's value: the first of the keys it is read from (TagAliases.keysOf) that the line item's tag set
        // has, each a LEFT JOIN on cost_tag's key; "" when none. A key that is only an alias has no value: "".
        TagAliases aliases = query.tagAliases().orElse(TagAliases.NONE);
        Map<Dimension, String> tagValues = new HashMap<>();
        StringBuilder tagJoins = new StringBuilder();
        List<Object> tagParams = new ArrayList<>();
        for (Dimension d : used) {
            if (d instanceof Dimension.Tag tag && !tagValues.containsKey(d)) {
                StringBuilder value = new StringBuilder("COALESCE(");
                for (String key : aliases.keysOf(tag.tagKey())) {
                    String alias = "tag" + tagParams.size();
                    tagJoins.append(" LEFT JOIN cost_tag ").append(alias).append(" ON ").append(alias)
                            .append(".service_account = cost_line.service_account AND ").append(alias)
                            .append(".month_start = cost_line.month_start AND ").append(alias)
                            .append(".tag_set = cost_line.tag_set AND ").append(alias).append(".tag_key = ?");
                    tagParams.add(key);
                    value.append(alias).append(".tag_value, ");
                }
                tagValues.put(d, value.length() == "COALESCE(".length() ? "''" : value.append("'')").toString());
            }
        }
        String bucket = t + (daily ? "charge_date" : "month_start");
        StringBuilder select = new StringBuilder(bucket).append(", ").append(t).append(Dimension.Fixed.PROJECT.column());
        StringBuilder groups = new StringBuilder(select);
        for (Dimension d : query.groupBy()) {
            String value = d instanceof Dimension.Fixed f ? t + f.column() : tagValues.get(d);
            select.append(", ").append(value);
            if (!value.equals("''")) {
                groups.append(", ").append(value);    // PostgreSQL refuses a constant in GROUP BY
            }
        }
        select.append(", ").append(t).append("currency");
        groups.append(", ").append(t).append("currency");
        String amount = switch (query.metric()) {
            case BILLED -> t + "amount";
            // NULL: no effective cost given (or a row from before schema 9), which is then the billed cost
            case EFFECTIVE -> "COALESCE(" + t + "effective_amount, " + t + "amount)";
            case LIST -> t + "list_amount";
        };
        // The accounts come as one array parameter joined by UNNEST, not as service_account IN (?, ?, ...):
        // H2 re-checks an IN list of parameters against every row it reads by comparing the row's value
        // with each parameter in turn, so a roll-up over 10,000 accounts made ~10^10 comparisons (107 s
        // for 1 M line items). Joined, H2 looks each account up in the (service_account, month_start)
        // index once; PostgreSQL hash-joins it, and one array also stays clear of its 32,767-parameter
        // limit. The ids are made distinct first: a repeated id would otherwise count twice.
        // UNNEST first: H2 keeps the order of a FROM with outer joins (the tag joins), so the accounts lead
        StringBuilder sql = new StringBuilder("SELECT ").append(select).append(", SUM(").append(amount)
                .append(") FROM UNNEST(?) AS requested(account) JOIN ").append(table).append(" ON ").append(t)
                .append("service_account = requested.account").append(tagJoins).append(" WHERE");
        params.add(accounts.stream().map(ServiceAccountId::value).distinct().toArray(String[]::new));
        params.addAll(tagParams);
        sql.append(' ').append(t).append("month_start >= ? AND ").append(t).append("month_start <= ?");
        params.addAll(List.of(start.withDayOfMonth(1), end.minusDays(1).withDayOfMonth(1)));
        if (table.equals("cost_line")) {
            sql.append(" AND cost_line.charge_date >= ? AND cost_line.charge_date < ?");
            params.addAll(List.of(start, end));
        }
        if (query.metric() == Metric.LIST) {
            sql.append(" AND ").append(t).append("list_amount IS NOT NULL");   // no list cost is no row, not zero
        }
        // the filters of Dimension.passes: a filtered dimension's value is one of the listed values
        for (Map.Entry<Dimension, Set<String>> f : query.filters().entrySet()) {
            String value = f.getKey() instanceof Dimension.Fixed d ? t + d.column() : tagValues.get(f.getKey());
            if (value.equals("''")) {
                if (!f.getValue().contains("")) {
                    return null;
                }
                continue;
            }
            sql.append(" AND ");
            in(sql, value, f.getValue(), params);
        }
        sql.append(" GROUP BY ").append(groups);
        return new AggregateSql(sql.toString(), List.copyOf(params));
    }

    private static void in(StringBuilder sql, String column, Collection<String> values, List<Object> params) {
        sql.append(column).append(" IN (");
        String sep = "";
        for (String v : values) {
            sql.append(sep).append('?');
            params.add(v);
            sep = ", ";
        }
        sql.append(')');
    }

    @Override
    public void markSynced(ServiceAccountId account, Instant at) {
        OffsetDateTime time = at.atOffset(ZoneOffset.UTC);
        try (Connection c = connections.get()) {
            if (dialect == Dialect.POSTGRESQL) {
                update(c, "INSERT INTO account_sync AS s (service_account, last_success) VALUES (?, ?)"
                        + " ON CONFLICT (service_account) DO UPDATE SET last_success = EXCLUDED.last_success"
                        + " WHERE s.last_success < EXCLUDED.last_success", account.value(), time);
                return;
            }
            ensureRow(c, "INSERT INTO account_sync (service_account, last_success) SELECT CAST(? AS VARCHAR), ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM account_sync WHERE service_account = ?)",
                    account.value(), time, account.value());
            update(c, "UPDATE account_sync SET last_success = ? WHERE service_account = ? AND last_success < ?",
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
                out.put(ServiceAccountId.of(rs.getString(1)), instant(rs.getObject(2, OffsetDateTime.class)));
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
                                .add(new Money(plain(rs.getBigDecimal(3)), Currency.getInstance(rs.getString(2))));
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
                        out.add(new StoredWindow(YearMonth.from(m), instant(rs.getObject(2, OffsetDateTime.class)),
                                totals.getOrDefault(m, List.of()), rs.getLong(3)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading windows", account.value(), e);
        }
    }

    private static List<Money> storedTotals(Connection c, String account, LocalDate month) throws SQLException {
        return totals(c, "SELECT currency, amount FROM cost_window_total WHERE service_account = ? AND month_start = ?"
                + " ORDER BY currency", account, month);
    }

    private static List<Money> totals(Connection c, String sql, String account, LocalDate month) throws SQLException {
        Map<String, Money> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, account);
            ps.setObject(2, month);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Money(plain(rs.getBigDecimal(2)), Currency.getInstance(rs.getString(1))));
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** Inserts a row unless it exists, in its own autocommit statement; a concurrent insert of the same row is fine. */
    private static void ensureRow(Connection c, String sql, Object... params) throws SQLException {
        try {
            update(c, sql, params);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static BigDecimal plain(BigDecimal stored) {
        return stored.signum() == 0 ? BigDecimal.ZERO : stored.stripTrailingZeros();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
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
        return (kind, subject, date, detail) -> {
            try (Connection c = connections.get()) {
                return update(c, "INSERT INTO alert_log (kind, subject, alert_date, detail, alerted_at)"
                        + " VALUES (?, ?, ?, ?, ?)", kind, subject, date, detail,
                        OffsetDateTime.now(ZoneOffset.UTC)) == 1;
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw failure("recording an alert", null, e);
            }
        };
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
                if (compactOnClose && replaced.get()) {
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

        private Builder() {
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
