package dev.billing.jdbc.internal;

import dev.billing.core.CostQuery;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.CostCell;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The store's SQL planner: the one statement a report's {@code CostStore.aggregate} runs, on the smallest table
 * that answers it ({@code cost_window_project}, {@code cost_window_service}, {@code cost_month}, or the line items
 * with their tags), and its parameters in order. The database sums; only the cells travel.
 *
 * @param sql the statement: bucket, project, the group-by values, currency, sum
 * @param params its parameters, in order
 * @param keys how many group-by values each row has
 */
public record AggregateSql(String sql, List<Object> params, int keys) {

    /**
     * @param query what to aggregate
     * @param accounts the accounts in scope, at least one
     * @param dialect the database's: how the accounts are matched
     * @return the statement for them (the tests read its plan), or null when the query selects nothing (a filter on
     *     a tag key that is only an alias, without {@code ""} among its values)
     */
    public static AggregateSql of(CostQuery query, Collection<ServiceAccountId> accounts, Dialect dialect) {
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
        // The accounts come as one array parameter, not as service_account IN (?, ?, ...): H2 re-checks an IN list
        // of parameters against every row it reads by comparing the row's value with each parameter in turn, so a
        // roll-up over 10,000 accounts made ~10^10 comparisons (107 s for 1 M line items), and one array stays clear
        // of PostgreSQL's 32,767-parameter limit. The ids are made distinct first: a repeated id would otherwise
        // count twice in a join.
        // H2: joined by UNNEST, H2 looks each account up in the (service_account, month_start) index once; UNNEST
        // first, as H2 keeps the order of a FROM with outer joins (the tag joins), so the accounts lead.
        // PostgreSQL: service_account = ANY(?), which it checks against a hash of the array (PostgreSQL 14+) or looks
        // up in the index for a few accounts; joined by UNNEST it hashed the 40,000 roll-up rows of a domain report
        // over 10,000 accounts instead (EXPLAIN ANALYZE: 56 ms against 35 ms, median of 10 on a loaded machine).
        Object requested = accounts.stream().map(ServiceAccountId::value).distinct().toArray(String[]::new);
        StringBuilder sql = new StringBuilder("SELECT ").append(select).append(", SUM(").append(amount).append(")");
        if (dialect == Dialect.POSTGRESQL) {
            sql.append(" FROM ").append(table).append(tagJoins).append(" WHERE ").append(t)
                    .append("service_account = ANY(?) AND");
            params.addAll(tagParams);
            params.add(requested);
        } else {
            sql.append(" FROM UNNEST(?) AS requested(account) JOIN ").append(table).append(" ON ").append(t)
                    .append("service_account = requested.account").append(tagJoins).append(" WHERE");
            params.add(requested);
            params.addAll(tagParams);
        }
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
        return new AggregateSql(sql.toString(), List.copyOf(params), query.groupBy().size());
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

    /**
     * Runs the statement.
     *
     * @param c a connection
     * @param sink receives a cell per row
     * @throws SQLException when the database fails
     */
    public void run(Connection c, Consumer<CostCell> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> values = new ArrayList<>(keys);
                    for (int i = 0; i < keys; i++) {
                        values.add(rs.getString(3 + i));
                    }
                    Money sum = new Money(Sql.plain(rs.getBigDecimal(keys + 4)),
                            Currency.getInstance(rs.getString(keys + 3)));
                    sink.accept(new CostCell(rs.getObject(1, LocalDate.class), ProjectId.of(rs.getString(2)), values,
                            sum));
                }
            }
        }
    }
}
