package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.WindowLease;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory store appends a window's line items as they are fetched, and commits them only on replace. */
class WindowAppenderTest {
    private static final ProviderId PROVIDER = ProviderId.of("fake");
    private static final ServiceAccount ACCOUNT = new ServiceAccount(ServiceAccountId.of("sa-1"), PROVIDER,
            ProjectId.of("p-1"), Credentials.of(Map.of("k", "v")), Map.of());
    private static final YearMonth MONTH = YearMonth.of(2026, 1);
    private static final CostQuery JANUARY = CostQuery.of(BillingPeriod.month(MONTH));

    @Test
    void replace_afterAppending_commitsTheAppendedItemsThenTheSources() {
        InMemoryCostStore store = new InMemoryCostStore();
        WindowLease lease = store.claimWindow(ACCOUNT, MONTH).orElseThrow();
        CostSink appender = lease.appender().orElseThrow();
        appender.acceptAll(List.of(record(LocalDate.of(2026, 1, 2), "1.25"), record(LocalDate.of(2026, 1, 9), "2")));

        assertThat(total(store)).isNull();
        var replaced = lease.replace(Instant.EPOCH, sink -> {
            sink.accept(record(LocalDate.of(2026, 1, 31), "0.005"));
            return FetchStats.EMPTY;
        }).orElseThrow();

        assertThat(replaced.records()).isEqualTo(3);
        assertThat(total(store)).isEqualByComparingTo("3.255");
    }

    @Test
    void close_withoutReplace_dropsWhatWasAppended() {
        InMemoryCostStore store = new InMemoryCostStore();
        try (WindowLease lease = store.claimWindow(ACCOUNT, MONTH).orElseThrow()) {
            lease.appender().orElseThrow().accept(record(LocalDate.of(2026, 1, 2), "7"));
        }

        assertThat(total(store)).isNull();
        assertThat(store.claimWindow(ACCOUNT, MONTH)).isPresent();
    }

    @Test
    void replace_afterAnItemOutsideTheWindowWasAppended_isRefusedAndKeepsTheOldWindow() {
        InMemoryCostStore store = new InMemoryCostStore();
        store.replaceWindow(ACCOUNT, MONTH, Instant.EPOCH, sink -> {
            sink.accept(record(LocalDate.of(2026, 1, 5), "4"));
            return FetchStats.EMPTY;
        });
        WindowLease lease = store.claimWindow(ACCOUNT, MONTH).orElseThrow();
        CostSink appender = lease.appender().orElseThrow();
        appender.accept(record(LocalDate.of(2026, 2, 1), "1"));
        appender.accept(record(LocalDate.of(2026, 1, 3), "1"));

        assertThatThrownBy(() -> lease.replace(Instant.EPOCH, sink -> FetchStats.EMPTY))
                .isInstanceOf(BillingException.class).hasMessageContaining("outside the window");
        assertThat(total(store)).isEqualByComparingTo("4");
    }

    private static BigDecimal total(InMemoryCostStore store) {
        BigDecimal[] sum = {null};
        store.aggregate(JANUARY, List.of(ACCOUNT.id()), c -> sum[0] = sum[0] == null ? c.amount().amount()
                : sum[0].add(c.amount().amount()));
        return sum[0];
    }

    private static CostRecord record(LocalDate day, String amount) {
        return CostRecord.builder().chargeDate(day).provider(PROVIDER).billingAccountId("111111111111")
                .serviceAccount(ACCOUNT.id()).project(ACCOUNT.project()).service("EC2").region("global")
                .billedCost(Money.of(amount, "USD")).build();
    }
}
