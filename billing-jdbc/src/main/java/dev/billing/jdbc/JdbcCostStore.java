package dev.billing.jdbc;

import dev.billing.core.BillingException;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.ServiceAccountStore;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import dev.billing.jdbc.internal.Columns;
import dev.billing.jdbc.internal.ConnectionSource;
import dev.billing.jdbc.internal.JdbcServiceAccountStore;
import dev.billing.jdbc.internal.Dialect;
import dev.billing.jdbc.internal.Migrations;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
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
 * read {@code cost_month}, a roll-up of each window's line items per month and dimension values,
 * rebuilt in the transaction that replaces the window; other queries read the line items. Amounts are kept as {@code DECIMAL(38, 18)}: exact, with up to
 * 20 integer and 18 fractional digits; an amount that does not fit fails its window (keeping the old
 * data) instead of being rounded.
 *
 * <p>A window is replaced in one transaction: the window's row is locked with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, its line items deleted, the new ones inserted in JDBC
 * batches as they stream in, its totals and sync time recorded, then committed. Another instance
 * replacing the same window at the same time skips it; readers see the committed window only.
 *
 * <p>Thread-safe. Each operation takes its own connection; give a pooled {@link DataSource} for a
 * busy PostgreSQL.
 */
public final class JdbcCostStore implements CostStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcCostStore.class);
    private static final int MAX_SCALE = 18;
    private static final int MAX_INTEGER_DIGITS = 20;
    private static final String UNIQUE_VIOLATION = "23505";

    private final ConnectionSource connections;
    private final Dialect dialect;
    private final int batchSize;
    private final Connection keepOpen;

    private JdbcCostStore(ConnectionSource connections, int batchSize, boolean keepOpen) {
        this.connections = connections;
        this.batchSize = batchSize;
        try {
            this.keepOpen = keepOpen ? connections.get() : null;
            try (Connection c = connections.get()) {
                this.dialect = Dialect.of(c);
                int before = Migrations.migrate(c, dialect);
                log.debug("cost store on {} at schema version {} (was {})", dialect, Migrations.latest(), before);
            }
        } catch (SQLException e) {
            close();
            throw failure("opening the cost store", null, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * @param file the database file; created, with its schema, when missing. H2 adds {@code .mv.db}
     *     to the name (a name already ending in {@code .mv.db} is taken as is). One process at a time
     *     opens the file; several application instances share a PostgreSQL instead.
     * @return the store
     * @throws BillingException when the file cannot be opened or migrated
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

    @Override
    public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                     WindowSource source) {
        String name = account.name();
        LocalDate monthStart = month.atDay(1);
        try (Connection c = connections.get()) {
            ensureRow(c, "INSERT INTO cost_window (service_account, month_start, line_count)"
                    + " SELECT CAST(? AS VARCHAR), CAST(? AS DATE), 0 WHERE NOT EXISTS"
                    + " (SELECT 1 FROM cost_window WHERE service_account = ? AND month_start = ?)",
                    name, monthStart, name, monthStart);
            c.setAutoCommit(false);
            try {
                Instant previous;
                try (PreparedStatement ps = c.prepareStatement("SELECT synced_at FROM cost_window"
                        + " WHERE service_account = ? AND month_start = ? FOR UPDATE SKIP LOCKED")) {
                    ps.setString(1, name);
                    ps.setObject(2, monthStart);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Optional.empty();
                        }
                        previous = instant(rs.getObject(1, OffsetDateTime.class));
                    }
                }
                List<Money> oldTotals = previous == null ? List.of() : storedTotals(c, name, monthStart);
                update(c, "DELETE FROM cost_line WHERE service_account = ? AND month_start = ?", name, monthStart);
                update(c, "DELETE FROM cost_month WHERE service_account = ? AND month_start = ?", name, monthStart);
                FetchStats stats;
                long records;
                try (LineWriter writer = new LineWriter(c, account, month)) {
                    stats = source.writeTo(writer);
                    records = writer.finish();
                }
                update(c, "INSERT INTO cost_month (service_account, month_start, " + Columns.ROLLED_UP + ", amount)"
                        + " SELECT service_account, month_start, " + Columns.ROLLED_UP
                        + ", SUM(amount) FROM cost_line WHERE service_account = ? AND month_start = ?"
                        + " GROUP BY service_account, month_start, " + Columns.ROLLED_UP, name, monthStart);
                List<Money> newTotals = monthTotals(c, name, monthStart);
                update(c, "DELETE FROM cost_window_total WHERE service_account = ? AND month_start = ?",
                        name, monthStart);
                for (Money m : newTotals) {
                    update(c, "INSERT INTO cost_window_total (service_account, month_start, currency, amount)"
                            + " VALUES (?, ?, ?, ?)", name, monthStart, m.currency().getCurrencyCode(), m.amount());
                }
                update(c, "UPDATE cost_window SET synced_at = ?, line_count = ? WHERE service_account = ?"
                        + " AND month_start = ?", syncedAt.atOffset(ZoneOffset.UTC), records, name, monthStart);
                c.commit();
                return Optional.of(new WindowReplacement(account.id(), month, previous, oldTotals, newTotals,
                        records, stats));
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure("replacing window " + month, name, e);
        }
    }

    /** Streams line items into JDBC batches; the caller's transaction makes them visible at once. */
    private final class LineWriter implements CostSink, AutoCloseable {
        private final ServiceAccount account;
        private final YearMonth month;
        private final PreparedStatement insert;
        private int pending;
        private long written;

        LineWriter(Connection c, ServiceAccount account, YearMonth month) throws SQLException {
            this.account = account;
            this.month = month;
            this.insert = c.prepareStatement("INSERT INTO cost_line (service_account, month_start, charge_date,"
                    + " provider, billing_account, project, service, region, usage_type, charge_category, currency,"
                    + " amount, usage_quantity, sub_account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }

        @Override
        public void accept(CostRecord r) {
            if (!YearMonth.from(r.chargeDate()).equals(month)) {
                throw new BillingException("a line item of service account '" + account.name() + "' is dated "
                        + r.chargeDate() + ", outside the window " + month + " being replaced", account.name(), -1,
                        false, null);
            }
            BigDecimal amount = exact(r.cost().amount());
            try {
                insert.setString(1, account.name());
                insert.setObject(2, month.atDay(1));
                insert.setObject(3, r.chargeDate());
                insert.setString(4, r.provider().value());
                insert.setString(5, r.billingAccountId());
                insert.setString(6, r.project().value());
                insert.setString(7, r.service());
                insert.setString(8, r.region());
                insert.setString(9, r.usageType());
                insert.setString(10, r.chargeCategory().name());
                insert.setString(11, r.cost().currency().getCurrencyCode());
                insert.setBigDecimal(12, amount);
                insert.setString(13, r.usageQuantity() == null ? null : r.usageQuantity().toPlainString());
                insert.setString(14, r.subAccountId());
                insert.addBatch();
                if (++pending == batchSize) {
                    flush();
                }
            } catch (SQLException e) {
                throw failure("writing window " + month, account.name(), e);
            }
        }

        private BigDecimal exact(BigDecimal amount) {
            BigDecimal stripped = amount.stripTrailingZeros();
            int scale = Math.max(stripped.scale(), 0);
            if (scale > MAX_SCALE || stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS) {
                throw new BillingException("amount " + amount.toPlainString() + " of service account '"
                        + account.name() + "' in " + month + " does not fit the cost store exactly (at most "
                        + MAX_INTEGER_DIGITS + " integer and " + MAX_SCALE + " fractional digits); the window keeps"
                        + " its old data", account.name(), -1, false, null);
            }
            return amount;
        }

        private void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                written += pending;
                pending = 0;
            }
        }

        long finish() throws SQLException {
            flush();
            return written;
        }

        @Override
        public void close() throws SQLException {
            insert.close();
        }
    }

    @Override
    public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        if (accounts.isEmpty()) {
            return;
        }
        List<Object> params = new ArrayList<>();
        LocalDate start = query.period().start();
        LocalDate end = query.period().end();
        boolean daily = query.granularity() == Granularity.DAILY;
        boolean wholeMonths = start.getDayOfMonth() == 1 && end.getDayOfMonth() == 1;
        String table = daily || !wholeMonths ? "cost_line" : "cost_month";
        String bucket = daily ? "charge_date" : "month_start";
        StringBuilder groups = new StringBuilder(bucket).append(", project");
        for (Dimension d : query.groupBy()) {
            groups.append(", ").append(Columns.of(d));
        }
        groups.append(", currency");
        // The accounts come as one array parameter joined by UNNEST, not as service_account IN (?, ?, ...):
        // H2 re-checks an IN list of parameters against every row it reads by comparing the row's value
        // with each parameter in turn, so a roll-up over 10,000 accounts made ~10^10 comparisons (107 s
        // for 1 M line items). Joined, H2 looks each account up in the (service_account, month_start)
        // index once; PostgreSQL hash-joins it, and one array also stays clear of its 32,767-parameter
        // limit. The ids are made distinct first: a repeated id would otherwise count twice.
        StringBuilder sql = new StringBuilder("SELECT ").append(groups).append(", SUM(amount) FROM ").append(table)
                .append(" JOIN UNNEST(?) AS requested(account) ON service_account = requested.account WHERE");
        params.add(accounts.stream().map(ServiceAccountId::value).distinct().toArray(String[]::new));
        sql.append(" month_start >= ? AND month_start <= ?");
        params.addAll(List.of(start.withDayOfMonth(1), end.minusDays(1).withDayOfMonth(1)));
        if (table.equals("cost_line")) {
            sql.append(" AND charge_date >= ? AND charge_date < ?");
            params.addAll(List.of(start, end));
        }
        query.filters().forEach((d, values) -> {
            sql.append(" AND ");
            in(sql, Columns.of(d), values, params);
        });
        sql.append(" GROUP BY ").append(groups);
        int keys = query.groupBy().size();
        try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
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

    private static List<Money> monthTotals(Connection c, String account, LocalDate month) throws SQLException {
        return totals(c, "SELECT currency, SUM(amount) FROM cost_month WHERE service_account = ? AND month_start = ?"
                + " GROUP BY currency ORDER BY currency", account, month);
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

    private BillingException failure(String what, String account, SQLException e) {
        boolean retryable = e instanceof SQLTransientException
                || (e.getSQLState() != null && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("40")));
        return new BillingException("cost store (" + (dialect == null ? "database" : dialect) + ") failed "
                + what + (account == null ? "" : " of service account '" + account + "'") + ": " + e.getMessage(),
                account, -1, retryable, e);
    }

    /** Closes the connection that keeps an embedded database open; the data stays in its file. */
    @Override
    public void close() {
        if (keepOpen != null) {
            try {
                keepOpen.close();
            } catch (SQLException e) {
                log.debug("closing the cost store's connection failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcCostStore[" + dialect + "]";
    }

    /** Builds a {@link JdbcCostStore}. */
    public static final class Builder {
        private ConnectionSource connections;
        private boolean embedded;
        private int batchSize = 1000;

        private Builder() {
        }

        /**
         * @param file the embedded H2 database file, created when missing
         * @return this builder
         */
        public Builder embedded(Path file) {
            String path = file.toAbsolutePath().toString();
            if (path.endsWith(".mv.db")) {
                path = path.substring(0, path.length() - ".mv.db".length());
            }
            String url = "jdbc:h2:file:" + path + ";WRITE_DELAY=0";
            this.connections = () -> DriverManager.getConnection(url);
            this.embedded = true;
            return this;
        }

        /**
         * Connects with {@link DriverManager}, one connection per operation. For PostgreSQL:
         * {@code jdbc:postgresql://db.example.com:5432/billing}.
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
            return this;
        }

        /**
         * @param dataSource where connections come from, for example a pool
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            this.connections = dataSource::getConnection;
            this.embedded = false;
            return this;
        }

        /**
         * @param size how many line items go to the database per JDBC batch (default 1000)
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * @return the store, its schema created or migrated
         * @throws IllegalStateException when no database was given
         * @throws BillingException when the database cannot be reached or migrated
         */
        public JdbcCostStore build() {
            if (connections == null) {
                throw new IllegalStateException("give the database: embedded(Path), url(...) or dataSource(...)");
            }
            return new JdbcCostStore(connections, batchSize, embedded);
        }
    }
}
