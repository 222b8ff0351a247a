package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BillingBuilderTest {
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    @Test
    void maxConcurrentFetches_belowOne_saysTheMinimum() {
        assertThatThrownBy(() -> Billing.builder().maxConcurrentFetches(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrentFetches must be at least 1, got 0");
    }

    @Test
    void executorAndClock_fromTheHost_areUsedAndTheExecutorOutlivesClose() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger runs = new AtomicInteger();
        Instant now = Instant.parse("2026-02-01T08:00:00Z");
        TestProvider provider = new TestProvider()
                .serve("a", List.of(Records.usdRecord("a", "web", "2026-01-05", "3")));
        try {
            try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                    .executor(r -> {
                        runs.incrementAndGet();
                        pool.execute(r);
                    })
                    .clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
                billing.serviceAccounts().register("a", TestProvider.ID, TestProvider.credentials(), "web");

                CostReport r = billing.costs().domainTotal(JAN);

                assertThat(r.totals()).containsExactly(Money.of("3", "USD"));
                assertThat(r.coverage().get(0).asOf()).isEqualTo(now);
                assertThat(runs.get()).isPositive();
            }
            assertThat(pool.isShutdown()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void report_afterClose_failsEveryAccountInCoverageSayingBillingIsClosed() {
        TestProvider provider = new TestProvider()
                .serve("a", List.of(Records.usdRecord("a", "web", "2026-01-05", "3")));
        Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build();
        billing.serviceAccounts().register("a", TestProvider.ID, TestProvider.credentials(), "web");
        billing.close();

        CostReport r = billing.costs().domainTotal(JAN);

        assertThat(r.isComplete()).isFalse();
        assertThat(r.totals()).isEmpty();
        assertThat(r.coverage().get(0).code()).isEqualTo(CoverageStatus.FAILED);
        assertThat(r.coverage().get(0).error()).startsWith("Billing is closed")
                .doesNotContain("RejectedExecutionException");
    }
}
