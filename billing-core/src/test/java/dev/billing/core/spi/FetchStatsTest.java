package dev.billing.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FetchStatsTest {

    @Test
    void builder_startsEveryCounterAtZero() {
        FetchStats s = FetchStats.builder().records(5).requests(2).pages(2).droppedRows(1).build();
        assertThat(s.nullCosts()).isZero();
        assertThat(s.bytesScanned()).isZero();
        assertThat(s.billedRequests()).isZero();
        assertThat(s.requestCharges()).isEqualByComparingTo("0");
        assertThat(FetchStats.EMPTY).isEqualTo(FetchStats.builder().build());
        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    }

    @Test
    void plus_addsEveryCounterIncludingTheChargesExactly() {
        FetchStats a = FetchStats.builder().records(5).requests(2).pages(2).droppedRows(1).nullCosts(3)
                .bytesScanned(10_485_760L).billedRequests(2).requestCharges(new BigDecimal("0.02")).build();
        FetchStats b = FetchStats.builder().records(7).requests(1).pages(1).nullCosts(4).bytesScanned(1L)
                .billedRequests(1).requestCharges(new BigDecimal("0.01")).build();
        assertThat(a.plus(b)).isEqualTo(FetchStats.builder().records(12).requests(3).pages(3).droppedRows(1).nullCosts(7)
                .bytesScanned(10_485_761L).billedRequests(3).requestCharges(new BigDecimal("0.03")).build());
        assertThat(a.plus(b).requestCharges()).isEqualTo(new BigDecimal("0.03"));
    }

    @Test
    void equalCharges_compareByValue() {
        FetchStats tenCents = FetchStats.builder().requestCharges(new BigDecimal("0.10")).build();
        FetchStats sameValue = FetchStats.builder().requestCharges(new BigDecimal("0.1")).build();
        assertThat(tenCents).isEqualTo(sameValue).hasSameHashCodeAs(sameValue);
        assertThat(tenCents).isNotEqualTo(FetchStats.builder().requestCharges(new BigDecimal("0.11")).build());
        assertThat(tenCents.toString()).contains("requestCharges=0.10");
    }

    @Test
    void negativeCounters_areRefused() {
        assertThatThrownBy(() -> FetchStats.builder().records(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("records");
        assertThatThrownBy(() -> FetchStats.builder().requestCharges(new BigDecimal("-0.01")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestCharges");
    }
}
