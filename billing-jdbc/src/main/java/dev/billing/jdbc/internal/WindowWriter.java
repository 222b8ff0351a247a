package dev.billing.jdbc.internal;

import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.WindowReplacement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Writes a replaced window in one short transaction: its old rows deleted, the line items copied in (PostgreSQL
 * {@code COPY}, H2 JDBC batches), its tag sets, roll-ups, totals and sync time written, its lease cleared.
 */
public final class WindowWriter {
    private final ConnectionSource connections;
    private final Dialect dialect;
    private final int batchSize;
    private final String location;
    private final AtomicBoolean replaced = new AtomicBoolean();

    /**
     * @param connections where connections come from
     * @param dialect the database's dialect
     * @param batchSize line items per JDBC batch
     * @param location the store, for messages
     */
    public WindowWriter(ConnectionSource connections, Dialect dialect, int batchSize, String location) {
        this.connections = connections;
        this.dialect = dialect;
        this.batchSize = batchSize;
        this.location = location;
    }

    /** @return whether a window was replaced since the store opened */
    public boolean replacedAny() {
        return replaced.get();
    }

    /**
     * The one short transaction of a replacement: everything is in memory already. The window row is locked and the
     * lease checked to be still {@code token}'s; the old rows are deleted, the new ones written, the lease cleared.
     *
     * @param account the window's account
     * @param month the window's month
     * @param token the lease's token
     * @param syncedAt when the data was read
     * @param buffer the window's line items, checked and rolled up
     * @param stats how the fetch went
     * @return what was replaced, or empty (nothing written) when the lease is no longer this one's
     * @throws dev.billing.core.CostStoreException when the database fails (nothing written)
     */
    public Optional<WindowReplacement> write(ServiceAccount account, YearMonth month, String token, Instant syncedAt,
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
                        previous = Sql.instant(rs.getObject(1, OffsetDateTime.class));
                    }
                }
                List<Money> oldTotals = previous == null ? List.of() : storedTotals(c, name, monthStart);
                // A window never written has no rows: only a committed replacement writes them, with synced_at.
                if (previous != null) {
                    for (String table : WINDOW_TABLES) {
                        Sql.update(c, "DELETE FROM " + table + " WHERE service_account = ? AND month_start = ?", name,
                                monthStart);
                    }
                }
                writeLines(c, name, monthStart, buffer);
                writeRollups(c, name, monthStart, buffer);
                List<Money> newTotals = buffer.totals();
                Sql.update(c, "UPDATE cost_window SET synced_at = ?, line_count = ?, lease_owner = NULL, lease_expires = NULL"
                        + " WHERE service_account = ? AND month_start = ?", syncedAt.atOffset(ZoneOffset.UTC),
                        (long) buffer.records().size(), name, monthStart);
                c.commit();
                replaced.set(true);
                return Optional.of(new WindowReplacement(account.id(), month, previous, oldTotals, newTotals,
                        buffer.records().size(), stats));
            } catch (SQLException | RuntimeException | Error e) {
                Sql.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw StoreErrors.of("replacing window " + month, location, name, e);
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

    /** Inserts one row per element of {@code rows}, its {@code values} in JDBC batches of {@code batchSize}. */
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
                        ps.setNull(i + 1, Types.DECIMAL);
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
                    out.put(rs.getString(1), new Money(Sql.plain(rs.getBigDecimal(2)), Currency.getInstance(rs.getString(1))));
                }
            }
        }
        return List.copyOf(out.values());
    }
}
