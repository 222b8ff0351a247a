package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostSync;
import dev.billing.core.Credentials;
import dev.billing.core.MonthState;
import dev.billing.core.RestatementEvent;
import dev.billing.core.SyncSummary;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import dev.billing.testkit.StoreFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over HTTP: the HyperBilling simulator restates a closed month, the next sync into the
 * embedded store re-reads it and tells the listener the old and new totals.
 */
class SimulatorRestatementTest {
    private static final YearMonth JAN = YearMonth.of(2026, 1);
    private static final YearMonth FEB = YearMonth.of(2026, 2);
    private static final YearMonth MAR = YearMonth.of(2026, 3);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void sync_simulatorRestatesAClosedMonth_eventCarriesOldAndNewTotalsAndStoreHoldsTheNewData() {
        SimulatorData data = SimulatorData.generator().seed(7).accounts(2).currencies("USD", "KRW")
                .days(LocalDate.of(2026, 1, 1), 65).rowsPerDay(4).build();
        String restated = data.accounts().get(1);
        SimulatorData.Row template = data.rows(restated, BillingPeriod.month(FEB)).get(0);
        SimulatorData restatedData = data.withRows(List.of(new SimulatorData.Row(restated, LocalDate.of(2026, 2, 20),
                template.region(), template.service(), template.usageType(), template.instanceType(),
                new BigDecimal("1234.5678901"), null)));
        List<RestatementEvent> heard = new CopyOnWriteArrayList<>();
        StoreFixture.MutableClock clock = new StoreFixture.MutableClock(java.time.Instant.parse("2026-03-05T12:00:00Z"));

        try (HyperBillingSimulator sim = HyperBillingSimulator.builder().data(data).start();
             Billing billing = Billing.builder()
                     .providerSettings("hyperbilling-aws", Map.of("endpoint", sim.endpoint())).build();
             JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            for (String account : data.accounts()) {
                SimulatorData.ApiUser user = data.userFor(account).orElseThrow();
                billing.serviceAccounts().register("hb-" + account, "hyperbilling-aws",
                        Credentials.of(Map.of("account", account, "email", user.email(), "key", user.key())),
                        "project-" + account);
            }
            CostSync sync = CostSync.builder(billing).store(store).clock(clock).monthsBack(2)
                    .listener(heard::add).build();
            assertThat(sync.sync().isComplete()).isTrue();
            assertThat(heard).isEmpty();

            sim.data(restatedData);
            clock.set("2026-03-07T12:00:00Z");
            SyncSummary second = sync.sync();

            assertThat(second.isComplete()).isTrue();
            assertThat(second.accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(FEB, MAR));
            assertThat(heard).singleElement().satisfies(e -> {
                assertThat(e.account().value()).isEqualTo("hb-" + restated);
                assertThat(e.month()).isEqualTo(FEB);
                assertThat(e.state()).isEqualTo(MonthState.CLOSED);
                assertThat(e.oldTotals()).containsExactly(data.total(restated, BillingPeriod.month(FEB)));
                assertThat(e.newTotals()).containsExactly(restatedData.total(restated, BillingPeriod.month(FEB)));
            });
            BillingPeriod quarter = BillingPeriod.monthsThrough(JAN, MAR);
            assertThat(sync.report(CostQuery.of(quarter)).totals())
                    .containsExactlyElementsOf(restatedData.totals(data.accounts(), quarter));
        }
    }
}
