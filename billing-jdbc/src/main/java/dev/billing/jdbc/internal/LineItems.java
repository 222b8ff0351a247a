package dev.billing.jdbc.internal;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads kept line items back with every column the store keeps (for an export from the store): the line items of
 * the query's months, then their windows' tag sets, in one connection; the query's period and filters are
 * applied to each line item with {@link CostQuery#accepts(CostRecord)}, the one rule of filters.
 */
public final class LineItems {
    private LineItems() {
    }

    /** A window's tag set. */
    private record TagSetKey(String account, LocalDate month, int set) {
    }

    /**
     * @param c a connection
     * @param query the period and filters
     * @param accounts the accounts in scope, at least one
     * @param sink receives each line item the query accepts
     * @throws SQLException when the database fails
     */
    public static void read(Connection c, CostQuery query, Collection<ServiceAccountId> accounts,
                            Consumer<CostRecord> sink) throws SQLException {
        String[] ids = accounts.stream().map(ServiceAccountId::value).distinct().toArray(String[]::new);
        LocalDate firstMonth = query.period().start().withDayOfMonth(1);
        LocalDate lastMonth = query.period().end().minusDays(1).withDayOfMonth(1);
        Map<TagSetKey, Map<String, String>> tagSets = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT cost_tag.service_account, cost_tag.month_start, tag_set,"
                + " tag_key, tag_value FROM UNNEST(?) AS requested(account) JOIN cost_tag ON cost_tag.service_account"
                + " = requested.account WHERE cost_tag.month_start >= ? AND cost_tag.month_start <= ?")) {
            ps.setObject(1, ids);
            ps.setObject(2, firstMonth);
            ps.setObject(3, lastMonth);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tagSets.computeIfAbsent(new TagSetKey(rs.getString(1), rs.getObject(2, LocalDate.class),
                            rs.getInt(3)), k -> new HashMap<>()).put(rs.getString(4), rs.getString(5));
                }
            }
        }
        tagSets.replaceAll((k, tags) -> Map.copyOf(tags));
        try (PreparedStatement ps = c.prepareStatement("SELECT cost_line.service_account, cost_line.month_start,"
                + " charge_date, provider, billing_account, sub_account, project, service, region, usage_type,"
                + " charge_category, correction, currency, amount, effective_amount, list_amount, usage_quantity, tag_set"
                + " FROM UNNEST(?) AS requested(account) JOIN cost_line ON cost_line.service_account = requested.account"
                + " WHERE cost_line.month_start >= ? AND cost_line.month_start <= ? AND charge_date >= ?"
                + " AND charge_date < ?")) {
            ps.setObject(1, ids);
            ps.setObject(2, firstMonth);
            ps.setObject(3, lastMonth);
            ps.setObject(4, query.period().start());
            ps.setObject(5, query.period().end());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String account = rs.getString(1);
                    Currency currency = Currency.getInstance(rs.getString(13));
                    BigDecimal effective = rs.getBigDecimal(15);
                    BigDecimal list = rs.getBigDecimal(16);
                    String quantity = rs.getString(17);
                    int set = rs.getInt(18);
                    CostRecord r = CostRecord.builder().chargeDate(rs.getObject(3, LocalDate.class))
                            .provider(ProviderId.of(rs.getString(4))).billingAccountId(rs.getString(5))
                            .subAccountId(rs.getString(6)).serviceAccount(ServiceAccountId.of(account))
                            .project(ProjectId.of(rs.getString(7))).service(rs.getString(8)).region(rs.getString(9))
                            .usageType(rs.getString(10)).chargeCategory(ChargeCategory.valueOf(rs.getString(11)))
                            .correction(rs.getBoolean(12))
                            .billedCost(new Money(Sql.plain(rs.getBigDecimal(14)), currency))
                            .effectiveCost(effective == null ? null : new Money(Sql.plain(effective), currency))
                            .listCost(list == null ? null : new Money(Sql.plain(list), currency))
                            .usageQuantity(quantity == null ? null : new BigDecimal(quantity))
                            .tags(set == 0 ? Map.of() : tagSets.getOrDefault(new TagSetKey(account,
                                    rs.getObject(2, LocalDate.class), set), Map.of()))
                            .build();
                    if (query.accepts(r)) {
                        sink.accept(r);
                    }
                }
            }
        }
    }
}
