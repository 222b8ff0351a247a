package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.jdbc.internal.Dialect;
import dev.billing.jdbc.internal.Migrations;
import dev.billing.testkit.CostStoreContract;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A store of the previous release (schema version 8, before tags and the effective and list costs) holding
 * windows, written row by row in that schema's columns; then opened by this code, which migrates it once.
 */
final class Schema8 {
    static final YearMonth JAN = YearMonth.of(2026, 1);
    static final YearMonth MAR = YearMonth.of(2026, 3);

    private final List<ServiceAccount> accounts = new ArrayList<>();
    /** The same windows in the in-memory store: the reference. */
    private final CostStore reference = CostStore.inMemory();

    /**
     * Makes the schema-8 database and fills it.
     *
     * @param c a connection to an empty database
     * @param dialect its dialect
     */
    Schema8(Connection c, Dialect dialect) throws SQLException {
        Migrations.migrate(c, dialect, 8);
        ProviderId provider = ProviderId.of("test-cloud");
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 5; i++) {
            ServiceAccount a = new ServiceAccount(ServiceAccountId.of("sa-" + i), provider,
                    ProjectId.of("project-" + i % 2), Credentials.of(Map.of()), Map.of());
            accounts.add(a);
            Currency currency = Currency.getInstance(i == 3 ? "EUR" : "USD");
            for (YearMonth m = JAN; !m.isAfter(MAR); m = m.plusMonths(1)) {
                List<CostRecord> rows = new ArrayList<>();
                for (int k = 0; k < 40; k++) {
                    rows.add(CostRecord.builder().chargeDate(m.atDay(1 + random.nextInt(28))).provider(provider)
                            .billingAccountId("111").subAccountId("sub-" + k % 2).serviceAccount(a.id())
                            .project(a.project()).service(k % 5 == 0 ? "AmazonS3" : "AmazonEC2")
                            .region(k % 3 == 0 ? "global" : "us-east-1").usageType("BoxUsage")
                            .chargeCategory(k % 7 == 0 ? ChargeCategory.TAX : ChargeCategory.USAGE)
                            .billedCost(new Money(BigDecimal.valueOf(random.nextLong(-1_000, 10_000_000_000L),
                                    random.nextInt(12)), currency)).build());
                }
                insertWindow(c, a, m, rows);
                reference.replaceWindow(a, m, Instant.EPOCH, sink -> {
                    rows.forEach(sink::accept);
                    return FetchStats.EMPTY;
                });
            }
        }
    }

    /** One window as schema 8 kept it: its line items, the three roll-ups, its totals and its row. */
    private static void insertWindow(Connection c, ServiceAccount a, YearMonth month, List<CostRecord> rows)
            throws SQLException {
        LocalDate start = month.atDay(1);
        String name = a.id().value();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cost_line (service_account, month_start,"
                + " charge_date, provider, billing_account, project, service, region, usage_type, charge_category,"
                + " currency, amount, usage_quantity, sub_account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
            for (CostRecord r : rows) {
                Object[] v = {name, start, r.chargeDate(), r.provider().value(), r.billingAccountId(),
                        r.project().value(), r.service(), r.region(), r.usageType(), r.chargeCategory().name(),
                        r.billedCost().currency().getCurrencyCode(), r.billedCost().amount(), r.subAccountId()};
                for (int i = 0; i < v.length; i++) {
                    ps.setObject(i + 1, v[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            String where = " FROM cost_line WHERE service_account = '" + name + "' AND month_start = DATE '" + start + "'";
            s.execute("INSERT INTO cost_month SELECT service_account, month_start, provider, billing_account, project,"
                    + " service, region, usage_type, charge_category, currency, SUM(amount), sub_account" + where
                    + " GROUP BY service_account, month_start, provider, billing_account, project, service, region,"
                    + " usage_type, charge_category, currency, sub_account");
            s.execute("INSERT INTO cost_window_project SELECT service_account, month_start, project, currency,"
                    + " SUM(amount)" + where + " GROUP BY service_account, month_start, project, currency");
            s.execute("INSERT INTO cost_window_service SELECT service_account, month_start, project, service, currency,"
                    + " SUM(amount)" + where + " GROUP BY service_account, month_start, project, service, currency");
            s.execute("INSERT INTO cost_window_total SELECT service_account, month_start, currency, SUM(amount)" + where
                    + " GROUP BY service_account, month_start, currency");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cost_window (service_account, month_start,"
                + " synced_at, line_count) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, name);
            ps.setObject(2, start);
            ps.setObject(3, Instant.parse("2026-03-05T12:00:00Z").atOffset(ZoneOffset.UTC));
            ps.setLong(4, rows.size());
            ps.executeUpdate();
        }
    }

    /**
     * Opens the old database with this code (twice) and checks: migrated once to the latest version; every billed
     * report equal to the in-memory store's, cell for cell; effective equal to billed; no list cost; no tags.
     *
     * @param c a connection to the database, to read its versions
     * @param open opens a store on it
     */
    void assertMigratesOnceAndReportsTheSameBilledTotals(Connection c, Supplier<CostStore> open) throws SQLException {
        List<ServiceAccountId> ids = accounts.stream().map(ServiceAccount::id).toList();
        BillingPeriod q1 = BillingPeriod.monthsThrough(JAN, MAR);
        List<CostQuery> billed = List.of(CostQuery.of(q1), CostQuery.builder(q1).groupBy(Dimension.SERVICE).build(),
                CostQuery.builder(q1).groupBy(Dimension.REGION, Dimension.SUB_ACCOUNT, Dimension.CHARGE_CATEGORY).build(),
                CostQuery.builder(q1).granularity(Granularity.DAILY).groupBy(Dimension.USAGE_TYPE).build(),
                CostQuery.builder(BillingPeriod.of(JAN.atDay(12), MAR.atDay(3))).groupBy(Dimension.SERVICE_ACCOUNT)
                        .build());
        for (int round = 0; round < 2; round++) {
            try (CostStore store = open.get()) {
                for (CostQuery q : billed) {
                    Map<String, BigDecimal> expected = CostStoreContract.cells(reference, q, ids);
                    assertThat(expected).isNotEmpty();
                    assertThat(CostStoreContract.cells(store, q, ids)).as("%s", q).isEqualTo(expected);
                    CostQuery effective = q.toBuilder().metric(Metric.EFFECTIVE).build();
                    assertThat(CostStoreContract.cells(store, effective, ids)).as("%s", effective).isEqualTo(expected);
                    CostQuery list = q.toBuilder().metric(Metric.LIST).build();
                    assertThat(CostStoreContract.cells(store, list, ids)).as("%s", list).isEmpty();
                }
                // no tags: every line item's team is ""
                CostQuery byTeam = CostQuery.builder(q1).groupBy(Dimension.tag("team")).build();
                assertThat(CostStoreContract.cells(store, byTeam, ids)).isEqualTo(
                        CostStoreContract.cells(reference, byTeam, ids));
                for (ServiceAccount a : accounts) {
                    assertThat(store.windows(a.id())).hasSize(3);
                }
            }
        }
        List<Integer> versions = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM billing_schema_version ORDER BY version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        assertThat(versions).isEqualTo(IntStream.rangeClosed(1, Migrations.latest()).boxed().toList());
    }
}
