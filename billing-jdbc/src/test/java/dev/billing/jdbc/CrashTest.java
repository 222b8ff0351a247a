package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountStatus;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.Dimension;
import dev.billing.core.spi.StoredWindow;
import dev.billing.testkit.StoreFixture;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a separate JVM in the middle of replacing a window of the embedded store. */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void replaceWindow_processKilledMidInsert_windowHoldsExactlyItsOldData() throws Exception {
        Path file = dir.resolve("costs");
        CostQuery query = CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 3)))
                .groupBy(Dimension.SERVICE_ACCOUNT, Dimension.SERVICE).build();
        List<StoredWindow> before;
        CostReport reportBefore;
        try (StoreFixture fx = new StoreFixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            CostSync sync = CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(0).build();
            sync.sync();
            before = store.windows(fx.account("web-aws").id());
            reportBefore = sync.report(query);
        }

        Process child = ChildJvm.start(CrashingReplace.class, file.toString());
        try {
            ChildJvm.awaitReady(child);
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }

        try (StoreFixture fx = new StoreFixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            CostSync sync = CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(0).build();
            assertThat(before).singleElement().satisfies(w -> assertThat(w.records()).isGreaterThan(150));
            assertThat(store.windows(fx.account("web-aws").id())).isEqualTo(before);
            CostReport after = sync.report(query);
            assertThat(after.domain()).isEqualTo(reportBefore.domain());
            assertThat(after.rows()).isEqualTo(reportBefore.rows());
            assertThat(sync.sync().isComplete()).isTrue();
        }
    }

    @Test
    @Timeout(90)
    void sync_processKilledMidFetch_reportNamesTheMissingMonths_andTheNextSyncMakesItExact() throws Exception {
        Path file = dir.resolve("costs");
        Process child = ChildJvm.start(CrashingSync.class, file.toString());
        try {
            ChildJvm.awaitReady(child);
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        YearMonth jan = YearMonth.of(2026, 1);
        YearMonth feb = YearMonth.of(2026, 2);
        YearMonth mar = YearMonth.of(2026, 3);
        CostQuery q1 = CostQuery.builder(BillingPeriod.monthsThrough(jan, mar)).groupBy(Dimension.SERVICE_ACCOUNT).build();
        try (StoreFixture fx = new StoreFixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            CostSync sync = CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(2).build();
            CostReport after = sync.report(q1);
            assertThat(after.isComplete()).isFalse();
            assertThat(after.coverage().get(0).status()).isInstanceOfSatisfying(AccountStatus.Partial.class, p -> {
                assertThat(p.missingMonths()).containsExactly(feb, mar);
                assertThat(p.reason()).contains("web-aws", "2026-02..2026-03 never synced");
            });
            assertThat(store.windows(fx.account("web-aws").id())).extracting(StoredWindow::month).containsExactly(jan);
            assertThat(after.rows()).filteredOn(r -> r.keys().get(Dimension.SERVICE_ACCOUNT).equals("web-aws"))
                    .extracting(r -> r.amount()).containsExactlyElementsOf(fx.reference(List.of("web-aws"), jan, jan));

            assertThat(sync.sync().isComplete()).isTrue();   // the dead process's lease does not block the window

            CostReport resynced = sync.report(q1);
            assertThat(resynced.isComplete()).isTrue();
            assertThat(resynced.totals()).containsExactlyElementsOf(fx.reference(List.of("web-aws", "web-eu",
                    "ops-aws"), jan, mar));
        }
    }
}
