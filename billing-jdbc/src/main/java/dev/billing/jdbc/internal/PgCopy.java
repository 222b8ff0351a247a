package dev.billing.jdbc.internal;

import dev.billing.core.CostRecord;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Line items into PostgreSQL with {@code COPY ... FROM STDIN (FORMAT csv)} through pgjdbc's
 * {@code CopyManager}: one round trip per 1 MiB instead of one statement per batch. Loaded only on
 * PostgreSQL, so the driver stays optional for H2 users.
 */
public final class PgCopy {
    private static final int CHUNK = 1 << 20;

    private PgCopy() {
    }

    /**
     * @param c a connection in the replacing transaction
     * @param sql the {@code COPY cost_line (...) FROM STDIN (FORMAT csv)} statement, its columns those of
     *     {@code JdbcCostStore}'s insert: account, month, date, provider, billing account, project, service,
     *     region, usage type, charge category, currency, amount, usage quantity, sub account, effective amount,
     *     list amount, correction, tag set
     * @param account the service account
     * @param monthStart the window's first day
     * @param window the window's line items and their tag sets
     * @return {@code false}, having written nothing, when the connection is not pgjdbc's (the caller then
     *     inserts in batches)
     * @throws SQLException when the copy fails
     */
    public static boolean copyLines(Connection c, String sql, String account, LocalDate monthStart,
                                    WindowBuffer window) throws SQLException {
        if (!c.isWrapperFor(PGConnection.class)) {
            return false;
        }
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            StringBuilder sb = new StringBuilder(CHUNK + 4096);
            String prefix = quote(account) + "," + monthStart + ",";
            List<CostRecord> records = window.records();
            // a window's dates are of one month: each formatted once (LocalDate.toString per line item was a
            // tenth of the copy's time in a JFR profile of a sync)
            String[] days = new String[32];
            for (int i = 0; i < records.size(); i++) {
                CostRecord r = records.get(i);
                int day = r.chargeDate().getDayOfMonth();
                if (days[day] == null) {
                    days[day] = r.chargeDate().toString();
                }
                sb.append(prefix).append(days[day]).append(',');
                quote(sb, r.provider().value()).append(',');
                quote(sb, r.billingAccountId()).append(',');
                quote(sb, r.project().value()).append(',');
                quote(sb, r.service()).append(',');
                quote(sb, r.region()).append(',');
                quote(sb, r.usageType()).append(',');
                sb.append(r.chargeCategory().name()).append(',');
                sb.append(r.billedCost().currency().getCurrencyCode()).append(',');
                sb.append(r.billedCost().amount().toPlainString()).append(',');
                if (r.usageQuantity() != null) {
                    sb.append(r.usageQuantity().toPlainString());   // unquoted empty is NULL in CSV COPY
                }
                sb.append(',');
                quote(sb, r.subAccountId()).append(',');
                if (r.effectiveCostGiven()) {
                    sb.append(r.effectiveCost().amount().toPlainString());
                }
                sb.append(',');
                if (r.listCost().isPresent()) {
                    sb.append(r.listCost().get().amount().toPlainString());
                }
                sb.append(',').append(r.correction()).append(',').append(window.tagSetOf(i)).append('\n');
                if (sb.length() >= CHUNK) {
                    flush(copy, sb);
                }
            }
            flush(copy, sb);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        return true;
    }

    private static void flush(CopyIn copy, StringBuilder sb) throws SQLException {
        if (sb.length() > 0) {
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            sb.setLength(0);
        }
    }

    private static String quote(String s) {
        return quote(new StringBuilder(), s).toString();
    }

    /** A quoted CSV value: never NULL, even when empty; quotes doubled. */
    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        if (s.indexOf('"') < 0) {
            return sb.append(s).append('"');    // the common case, appended whole rather than char by char
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                sb.append('"');
            }
            sb.append(ch);
        }
        return sb.append('"');
    }
}
