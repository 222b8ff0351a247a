package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostStoreException;
import dev.billing.core.CostSync;
import dev.billing.testkit.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's file: it keeps its size over re-syncs, reading never writes it, and only a store is opened. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreFileTest {
    @TempDir
    Path dir;
    StoreFixture fx;

    @BeforeEach
    void fixture() {
        fx = new StoreFixture(26, 400);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private Path file() {
        return dir.resolve("costs.mv.db");
    }

    /** One {@code billing sync}: open, sync every window again (the data unchanged), close. */
    private void sync() {
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            assertThat(CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(3).build().sync()
                    .windowsReplaced()).as("windows replaced").isPositive();
        }
    }

    @Test
    void twentyFiveResyncsOfUnchangedData_keepTheFileWithinTenPercentOfItsSizeAfterTheFirst() throws Exception {
        sync();
        long first = Files.size(file());
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            sync();
            sizes.add(Files.size(file()));
        }
        assertThat(sizes).as("sizes after the first sync's %d bytes", first).allSatisfy(size ->
                assertThat(size).isLessThanOrEqualTo(first + first / 10));
    }

    @Test
    void readOnlyStore_onAFileThatCannotBeWritten_answersAndNeverChangesIt() throws Exception {
        sync();
        CostQuery q = CostQuery.of(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)));
        Object expected;
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            expected = CostSync.builder(fx.billing()).store(store).clock(fx.clock()).build().report(q).totals();
        }
        byte[] before = Files.readAllBytes(file());
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("r--r--r--"));
        try (JdbcCostStore store = JdbcCostStore.builder().embedded(dir.resolve("costs"), true).build()) {
            assertThat(CostSync.builder(fx.billing()).store(store).clock(fx.clock()).build().report(q).totals())
                    .isEqualTo(expected);
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void anEmptyFile_isNotAStore_andStaysEmpty() throws Exception {
        Files.createFile(file());
        for (boolean readOnly : new boolean[] {false, true}) {
            assertThatThrownBy(() -> JdbcCostStore.builder().embedded(dir.resolve("costs"), readOnly).build())
                    .isInstanceOfSatisfying(CostStoreException.class, e ->
                            assertThat(e.reason()).isEqualTo(CostStoreException.Reason.NOT_A_STORE))
                    .hasMessageContaining("is an empty file, not a cost store");
        }
        assertThat(Files.size(file())).isZero();
    }

    @Test
    void anotherApplicationsDatabase_isNotAStore_andIsLeftAlone() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("costs").toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INT PRIMARY KEY)");
        }
        assertThatThrownBy(() -> JdbcCostStore.embedded(dir.resolve("costs")))
                .isInstanceOfSatisfying(CostStoreException.class, e ->
                        assertThat(e.reason()).isEqualTo(CostStoreException.Reason.NOT_A_STORE))
                .hasMessageContaining("not a cost store");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("costs").toAbsolutePath());
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aMissingFile_readOnly_isNotCreated() {
        assertThatThrownBy(() -> JdbcCostStore.builder().embedded(dir.resolve("costs"), true).build())
                .isInstanceOf(CostStoreException.class).hasMessageContaining("there is no cost store at");
        assertThat(file()).doesNotExist();
    }
}
