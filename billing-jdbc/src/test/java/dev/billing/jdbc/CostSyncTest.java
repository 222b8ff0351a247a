package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostSync;
import dev.billing.core.SyncSummary;
import dev.billing.core.spi.CostStore;
import dev.billing.testkit.StoreFixture;
import dev.billing.testkit.CostStoreContract;
import java.time.YearMonth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which months a sync reads, and how it treats listeners, independent of the store. */
class CostSyncTest {
    private final StoreFixture fx = new StoreFixture(3, 10);

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void sync_afterMonthsWithoutASync_rereadsFromTheMonthOfTheLastSuccessfulSync() {
        CostSync sync = CostSync.builder(fx.billing()).store(CostStore.inMemory()).clock(fx.clock()).monthsBack(12)
                .restatementGraceDays(10).build();
        sync.sync();
        fx.clock().set("2026-07-20T00:00:00Z");

        SyncSummary later = sync.sync();

        assertThat(later.accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(
                YearMonth.of(2026, 3), YearMonth.of(2026, 4), YearMonth.of(2026, 5), YearMonth.of(2026, 6),
                YearMonth.of(2026, 7)));
    }

    @Test
    void sync_firstSync_readsTheCurrentMonthAndMonthsBackBeforeIt() {
        CostSync sync = CostSync.builder(fx.billing()).clock(fx.clock()).monthsBack(0).build();

        SyncSummary first = sync.sync();

        assertThat(first.accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(YearMonth.of(2026, 3)));
        assertThat(first.windowsReplaced()).isEqualTo(3);
        assertThat(first.records()).isPositive();
    }

    @Test
    void sync_listenerThrows_syncCarriesOnAndOtherListenersHear() {
        int[] heard = new int[1];
        CostSync sync = CostSync.builder(fx.billing()).clock(fx.clock()).monthsBack(0)
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(e -> heard[0]++).build();
        sync.sync();
        fx.provider().restate("web-aws", YearMonth.of(2026, 3));

        SyncSummary second = sync.sync();

        assertThat(second.isComplete()).isTrue();
        assertThat(second.restatements()).hasSize(1);
        assertThat(heard[0]).isEqualTo(1);
        assertThat(sync.report(CostQuery.of(BillingPeriod.month(YearMonth.of(2026, 3)))).totals())
                .containsExactlyElementsOf(fx.reference(CostStoreContract.ALL, YearMonth.of(2026, 3),
                        YearMonth.of(2026, 3)));
    }
}
