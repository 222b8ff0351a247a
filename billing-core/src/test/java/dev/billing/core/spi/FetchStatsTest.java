package dev.billing.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FetchStatsTest {

    @Test
    void fourArgumentConstructor_countsNoNullCostsAndScansNoBytes() {
        assertThat(new FetchStats(5, 2, 2, 1)).isEqualTo(new FetchStats(5, 2, 2, 1, 0, 0));
        assertThat(FetchStats.EMPTY.nullCosts()).isZero();
        assertThat(FetchStats.EMPTY.bytesScanned()).isZero();
    }

    @Test
    void fiveArgumentConstructor_scansNoBytes() {
        assertThat(new FetchStats(5, 2, 2, 1, 3)).isEqualTo(new FetchStats(5, 2, 2, 1, 3, 0));
    }

    @Test
    void plus_addsEveryCounterIncludingNullCostsAndBytesScanned() {
        FetchStats sum = new FetchStats(5, 2, 2, 1, 3, 10_485_760L).plus(new FetchStats(7, 1, 1, 0, 4, 1L));
        assertThat(sum).isEqualTo(new FetchStats(12, 3, 3, 1, 7, 10_485_761L));
    }
}
