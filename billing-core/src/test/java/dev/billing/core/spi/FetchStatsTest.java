package dev.billing.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FetchStatsTest {

    @Test
    void fourArgumentConstructor_countsNoNullCosts() {
        assertThat(new FetchStats(5, 2, 2, 1)).isEqualTo(new FetchStats(5, 2, 2, 1, 0));
        assertThat(FetchStats.EMPTY.nullCosts()).isZero();
    }

    @Test
    void plus_addsEveryCounterIncludingNullCosts() {
        FetchStats sum = new FetchStats(5, 2, 2, 1, 3).plus(new FetchStats(7, 1, 1, 0, 4));
        assertThat(sum).isEqualTo(new FetchStats(12, 3, 3, 1, 7));
    }
}
