package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.spi.StoredCoverage;
import dev.billing.core.spi.WindowCoverage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import javax.sql.DataSource;
import dev.billing.core.spi.WindowLease;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.StoredWindow;
import dev.billing.jdbc.internal.AggregateSql;
import dev.billing.jdbc.internal.Dialect;
import dev.billing.jdbc.internal.Migrations;
import dev.billing.testkit.StoreFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What only the JDBC store does: migrations, exact amounts, the index the queries use. */
class JdbcCostStoreTest {
    private static final YearMonth MAR = YearMonth.of(2026, 3);

    @TempDir
    Path dir;
    private final StoreFixture fx = new StoreFixture(7, 20);

    @AfterEach
    void close() {
        fx.close();
    }

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("costs").toAbsolutePath();
    }

    @Test
    void open_newThenExistingDatabase_appliesEachMigrationOnceAndRecordsItsVersion() throws Exception {
        JdbcCostStore.embedded(dir.resolve("costs")).close();
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs.mv.db"))) {
            assertThat(store.database()).isEqualTo("H2");
            try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version, description FROM billing_schema_version ORDER BY version")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).contains("cost store");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(2);
                assertThat(rs.getString(2)).contains("monthly roll-up");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getString(2)).contains("service account registry");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(4);
                assertThat(rs.getString(2)).contains("sub account");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(5);
                assertThat(rs.getString(2)).contains("window leases", "roll-ups");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(6);
                assertThat(rs.getString(2)).contains("budget alerts");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
                assertThat(rs.getString(2)).contains("FOCUS charge categories");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(8);
                assertThat(rs.getString(2)).contains("one alert log", "anomalies");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(9);
                assertThat(rs.getString(2)).contains("tags", "effective", "list");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void open_schema8FileWithData_migratesOnceAndReportsTheSameBilledTotals() throws Exception {
        try (Connection c = DriverManager.getConnection(url())) {
            new Schema8(c, Dialect.H2).assertMigratesOnceAndReportsTheSameBilledTotals(c,
                    () -> JdbcCostStore.embedded(dir.resolve("costs")));
        }
    }

    @Test
    void open_schema6WithBudgetAlerts_movesThemIntoTheAlertLog_andTheyStayFirstOnce() throws Exception {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            schema6(s);
            s.execute("INSERT INTO budget_alert VALUES ('web', DATE '2026-03-01', '100:forecast', CURRENT_TIMESTAMP)");
        }
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            assertThat(store.budgetAlerts().firstAlert("web", MAR, dev.billing.core.Budget.Threshold.forecast(100)))
                    .as("alerted before the upgrade").isFalse();
            assertThat(store.budgetAlerts().firstAlert("web", MAR, dev.billing.core.Budget.Threshold.actual(100)))
                    .isTrue();
            assertThat(store.alerts().firstAlert("budget", "web", MAR.atDay(1), "100:forecast")).isFalse();
        }
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                     + " WHERE LOWER(table_name) = 'budget_alert'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("budget_alert dropped").isZero();
        }
    }

    /** A new database at the schema as released with version 6, for the tests that replay the later migrations. */
    private static void schema6(Statement s) throws java.sql.SQLException {
        Migrations.migrate(s.getConnection(), Dialect.H2, 6);
    }

    @Test
    void open_schema6WithFeesAndRefunds_migratesThemToPurchasesAndCredits() throws Exception {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            schema6(s);
            for (String category : List.of("FEE", "REFUND", "USAGE")) {
                s.execute("INSERT INTO cost_line (service_account, month_start, charge_date, provider, billing_account,"
                        + " project, service, region, usage_type, charge_category, currency, amount) VALUES ('sa',"
                        + " DATE '2026-03-01', DATE '2026-03-02', 'p', 'a', 'pr', 's', 'r', '', '" + category
                        + "', 'USD', 1)");
                s.execute("INSERT INTO cost_month (service_account, month_start, provider, billing_account, project,"
                        + " service, region, usage_type, charge_category, currency, amount) VALUES ('sa',"
                        + " DATE '2026-03-01', 'p', 'a', 'pr', 's', 'r', '', '" + category + "', 'USD', 1)");
            }
        }

        JdbcCostStore.embedded(dir.resolve("costs")).close();

        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            for (String table : List.of("cost_line", "cost_month")) {
                List<String> categories = new java.util.ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT charge_category FROM " + table + " ORDER BY 1")) {
                    while (rs.next()) {
                        categories.add(rs.getString(1));
                    }
                }
                assertThat(categories).as(table).containsExactly("CREDIT", "PURCHASE", "USAGE");
            }
        }
    }

    @Test
    void open_withAWrongPassword_failsWithoutShowingThePassword() {
        String url = url() + "-protected";
        JdbcCostStore.builder().url(url, "billing", "Right-Secret-Pass").build().close();

        assertThatThrownBy(() -> JdbcCostStore.builder().url(url, "billing", "Wrong-Secret-Pass").build())
                .isInstanceOf(BillingException.class)
                .hasMessageContaining("opening the cost store")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("Secret-Pass"))
                .satisfies(e -> assertThat(e.getCause().toString()).doesNotContain("Secret-Pass"));
    }

    @Test
    void open_databaseMigratedByANewerVersion_failsAskingForAnUpgrade() throws Exception {
        JdbcCostStore.embedded(dir.resolve("costs")).close();
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO billing_schema_version VALUES (99, 'future', CURRENT_TIMESTAMP)");
        }

        assertThatThrownBy(() -> JdbcCostStore.embedded(dir.resolve("costs")))
                .isInstanceOf(BillingException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("upgrade billing-jdbc");
    }

    @Test
    void replaceWindow_amountWithMoreDecimalsThanTheStoreKeeps_failsAndKeepsTheOldWindow() {
        ServiceAccount account = fx.account("web-aws");
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            store.replaceWindow(account, MAR, Instant.parse("2026-03-01T00:00:00Z"), sink -> {
                sink.accept(record(account, "1.000000000000000001"));
                return FetchStats.EMPTY;
            });

            assertThatThrownBy(() -> store.replaceWindow(account, MAR, Instant.now(), sink -> {
                sink.accept(record(account, "5"));
                sink.accept(record(account, "0.0000000000000000001"));
                return FetchStats.EMPTY;
            })).isInstanceOf(BillingException.class).hasMessageContaining("0.0000000000000000001")
                    .hasMessageContaining("web-aws").hasMessageContaining("keeps its old data");

            assertThat(store.windows(account.id())).singleElement().satisfies(w -> {
                assertThat(w.totals()).containsExactly(Money.of("1.000000000000000001", "USD"));
                assertThat(w.records()).isEqualTo(1);
            });
        }
    }

    @Test
    void replaceWindow_recordDatedOutsideTheWindow_isRefused() {
        ServiceAccount account = fx.account("web-aws");
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            assertThatThrownBy(() -> store.replaceWindow(account, YearMonth.of(2026, 2), Instant.now(), sink -> {
                sink.accept(record(account, "1"));
                return FetchStats.EMPTY;
            })).isInstanceOf(BillingException.class).hasMessageContaining("outside the window 2026-02");
            List<StoredWindow> windows = store.windows(account.id());
            assertThat(windows).isEmpty();
        }
    }

    /**
     * The CrashTest flake: under load H2 failed the first window write after a kill -9 ("row not found in primary
     * index", then a lock timeout). A write that fails on a transient error is tried once more, from memory: here
     * another session holds the window row's lock until the first attempt has timed out.
     */
    @Test
    void replaceWindow_lockTimeoutOnTheFirstWrite_isRetriedOnceAndReplacesTheWindow() throws Exception {
        String url = url() + "-retry;LOCK_TIMEOUT=50";
        ServiceAccount account = fx.account("web-aws");
        AtomicInteger retries = new AtomicInteger();
        try (Connection blocker = DriverManager.getConnection(url);
             JdbcCostStore store = JdbcCostStore.builder().url(url, null, null).beforeRetry(() -> {
                 retries.incrementAndGet();
                 try {
                     blocker.rollback();    // the lock is released only once the first attempt has failed
                 } catch (java.sql.SQLException e) {
                     throw new IllegalStateException(e);
                 }
             }).build()) {
            WindowLease lease = store.claimWindow(account, MAR).orElseThrow();
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement(); ResultSet rs = s.executeQuery("SELECT synced_at FROM"
                    + " cost_window WHERE service_account = 'web-aws' FOR UPDATE")) {
                assertThat(rs.next()).isTrue();
            }

            Optional<WindowReplacement> done = lease.replace(Instant.parse("2026-03-05T12:00:00Z"), sink -> {
                sink.accept(record(account, "1.25"));
                return FetchStats.EMPTY;
            });

            assertThat(retries).hasValue(1);
            assertThat(done).hasValueSatisfying(r -> assertThat(r.records()).isEqualTo(1));
            assertThat(store.windows(account.id())).singleElement().satisfies(w -> assertThat(w.totals())
                    .containsExactly(new Money(new BigDecimal("1.25"), java.util.Currency.getInstance("USD"))));
        }
    }

    /** A query routed to each of the store's tables: the plan of the SQL the store builds for it. */
    static Stream<Arguments> routedQueries() {
        BillingPeriod q1 = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), MAR);
        return Stream.of(
                Arguments.of(CostQuery.of(q1), "cost_window_project"),
                Arguments.of(CostQuery.builder(q1).groupBy(Dimension.SERVICE).build(), "cost_window_service"),
                Arguments.of(CostQuery.builder(q1).groupBy(Dimension.REGION).build(), "cost_month"),
                Arguments.of(CostQuery.builder(q1).granularity(Granularity.DAILY).build(), "cost_line"),
                Arguments.of(CostQuery.builder(q1).filter(Dimension.SERVICE, "AmazonEC2", "AmazonS3").build(),
                        "cost_window_service"),
                Arguments.of(CostQuery.builder(q1).metric(Metric.EFFECTIVE).groupBy(Dimension.tag("team"))
                        .filter(Dimension.tag("env"), "prod").build(), "cost_line"));
    }

    @ParameterizedTest
    @MethodSource("routedQueries")
    void aggregateQuery_joinsTheRequestedAccounts_andLooksEachUpInTheWindowIndex(CostQuery query, String table)
            throws Exception {
        JdbcCostStore.embedded(dir.resolve("costs")).close();
        AggregateSql built = AggregateSql.of(query,
                List.of(ServiceAccountId.of("a"), ServiceAccountId.of("b")), Dialect.H2);
        assertThat(built.sql()).contains(" JOIN " + table + " ");
        try (Connection c = DriverManager.getConnection(url());
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + built.sql())) {
            for (int i = 0; i < built.params().size(); i++) {
                ps.setObject(i + 1, built.params().get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String plan = rs.getString(1);
                // the table is read through an index on the requested accounts, not scanned
                assertThat(plan).as(plan).containsPattern("(?is)\"PUBLIC\"\\.\"" + table
                                + "\"\\s*/\\*\\s*PUBLIC\\.\\w+:\\s*SERVICE_ACCOUNT = REQUESTED\\.ACCOUNT")
                        .doesNotContainIgnoringCase(table + ".tableScan");
            }
        }
    }

    /**
     * The coverage of a report from the store is one statement, one round trip (it was two: the last syncs, then
     * the held windows), and a report from the store makes two: its coverage and its sums. Coverage reduced per
     * account ({@code windowCoverage}) is one statement too when every account holds every month asked about, and
     * a second one reads the held months of the accounts that lack some. Counted through the connections of a
     * wrapping {@code DataSource}.
     */
    @Test
    void coverage_isOneStatement_andAReportFromTheStoreTwo() {
        AtomicInteger statements = new AtomicInteger();
        DataSource counting = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection") || args != null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return countingStatements(DriverManager.getConnection(url()), statements);
                });
        try (JdbcCostStore store = JdbcCostStore.builder().dataSource(counting).build()) {
            CostSync sync = CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(1).build();
            sync.sync();
            List<ServiceAccountId> accounts = fx.billing().serviceAccounts().list().stream()
                    .map(ServiceAccount::id).toList();
            YearMonth feb = YearMonth.of(2026, 2);

            statements.set(0);
            StoredCoverage facts = store.storedCoverage(accounts, feb, MAR);
            assertThat(statements).hasValue(1);
            assertThat(facts.lastSyncs()).containsOnlyKeys(accounts);
            assertThat(facts.windows()).containsOnlyKeys(accounts)
                    .allSatisfy((a, months) -> assertThat(months).containsOnlyKeys(feb, MAR));

            statements.set(0);
            Map<ServiceAccountId, WindowCoverage> held = store.windowCoverage(accounts, feb, MAR);
            assertThat(statements).hasValue(1);
            assertThat(held).containsOnlyKeys(accounts).allSatisfy((a, c) -> assertThat(c.missing()).isEmpty());

            statements.set(0);
            held = store.windowCoverage(accounts, YearMonth.of(2026, 1), MAR);
            assertThat(statements).hasValue(2);
            assertThat(held).containsOnlyKeys(accounts)
                    .allSatisfy((a, c) -> assertThat(c.missing()).containsExactly(YearMonth.of(2026, 1)));

            statements.set(0);
            CostReport report = sync.report(CostQuery.of(BillingPeriod.monthsThrough(feb, MAR)));
            assertThat(report.isComplete()).isTrue();
            assertThat(statements).hasValue(2);
        }
    }

    /** @return the connection, counting each statement it creates or prepares */
    private static Connection countingStatements(Connection c, AtomicInteger statements) {
        return (Connection) Proxy.newProxyInstance(JdbcCostStoreTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createStatement") || method.getName().startsWith("prepare")) {
                        statements.incrementAndGet();
                    }
                    return invoke(c, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static CostRecord record(ServiceAccount account, String amount) {
        return CostRecord.builder().chargeDate(MAR.atDay(3)).provider(account.provider())
                .billingAccountId("111").serviceAccount(account.id()).project(account.project())
                .service("AmazonEC2").region("us-east-1")
                .billedCost(new Money(new BigDecimal(amount), java.util.Currency.getInstance("USD"))).build();
    }
}
