package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingException;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredWindow;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What only the JDBC store does: migrations, exact amounts, the index the queries use. */
class JdbcCostStoreTest {
    private static final YearMonth MAR = YearMonth.of(2026, 3);

    @TempDir
    Path dir;
    private final Fixture fx = new Fixture(7, 20);

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
                assertThat(rs.next()).isFalse();
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

    @ParameterizedTest
    @ValueSource(strings = {"cost_line", "cost_month"})
    void aggregateQuery_joinsTheRequestedAccounts_andLooksEachUpInTheWindowIndex(String table) throws Exception {
        JdbcCostStore.embedded(dir.resolve("costs")).close();
        try (Connection c = DriverManager.getConnection(url());
             PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT month_start, project, currency, SUM(amount)"
                     + " FROM " + table + " JOIN UNNEST(?) AS requested(account)"
                     + " ON service_account = requested.account WHERE month_start >= DATE '2026-01-01'"
                     + " AND month_start <= DATE '2026-03-01' GROUP BY month_start, project, currency")) {
            ps.setObject(1, new String[] {"a", "b"});
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).containsIgnoringCase(table + "_window: service_account = requested.account");
            }
        }
    }

    private static CostRecord record(ServiceAccount account, String amount) {
        return new CostRecord(MAR.atDay(3), account.provider(), "111", "", account.id(), account.project(), "AmazonEC2",
                "us-east-1", "", ChargeCategory.USAGE, new Money(new BigDecimal(amount), java.util.Currency.getInstance("USD")),
                null);
    }
}
