package dev.billing.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FetchStatsTest {

    @Test
    void fourArgumentConstructor_scansNoBytes() {
        assertThat(new FetchStats(3, 2, 1, 0).bytesScanned()).isZero();
        assertThat(new FetchStats(3, 2, 1, 0)).isEqualTo(new FetchStats(3, 2, 1, 0, 0));
    }

    @Test
    void plus_addsBytesScanned() {
        FetchStats sum = new FetchStats(1, 2, 3, 4, 10_485_760L).plus(new FetchStats(5, 6, 7, 8, 1L));
        assertThat(sum).isEqualTo(new FetchStats(6, 8, 10, 12, 10_485_761L));
        assertThat(FetchStats.EMPTY.bytesScanned()).isZero();
    }
}
