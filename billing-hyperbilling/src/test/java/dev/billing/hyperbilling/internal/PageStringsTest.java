package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageStringsTest {

    @Test
    void of_equalTexts_returnsOneInstance() {
        PageStrings strings = new PageStrings();

        String first = strings.of("x2026-01-05y".toCharArray(), 1, 10);
        String second = strings.of("2026-01-05".toCharArray(), 0, 10);

        assertThat(first).isEqualTo("2026-01-05").isSameAs(second);
        assertThat(strings.of("2026-01-06".toCharArray(), 0, 10)).isEqualTo("2026-01-06");
        assertThat(strings.of(new char[0], 0, 0)).isEmpty();
    }

    @Test
    void of_moreDistinctTextsThanItKeeps_stillReturnsEachTextAndKeepsTheFirst() {
        PageStrings strings = new PageStrings();
        String firstKept = strings.of("value-0".toCharArray(), 0, 7);

        for (int i = 0; i < 5_000; i++) {
            char[] text = ("value-" + i).toCharArray();
            assertThat(strings.of(text, 0, text.length)).isEqualTo("value-" + i);
        }

        assertThat(strings.of("value-0".toCharArray(), 0, 7)).isSameAs(firstKept);
    }
}
