package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class GranularityTest {

    @ParameterizedTest
    @CsvSource({
            "DAILY,   2026-03-17, 2026-03-17, 2026-03-17",
            "MONTHLY, 2026-03-17, 2026-03-01, 2026-03",
            "YEARLY,  2026-03-17, 2026-01-01, 2026",
            "DAILY,   2024-02-29, 2024-02-29, 2024-02-29",
            "MONTHLY, 2024-12-31, 2024-12-01, 2024-12",
            "YEARLY,  2024-12-31, 2024-01-01, 2024",
            "MONTHLY, 0987-06-05, 0987-06-01, 0987-06"
    })
    void bucketStartAndLabel(Granularity g, LocalDate day, LocalDate bucket, String label) {
        assertThat(g.bucketStart(day)).isEqualTo(bucket);
        assertThat(g.label(day)).isEqualTo(label);
        assertThat(g.label(bucket)).isEqualTo(label);
    }

    @ParameterizedTest
    @ValueSource(strings = {"daily", "Monthly", " YEARLY "})
    void parse_anyCase(String text) {
        assertThat(Granularity.parse(text).name()).isEqualTo(text.trim().toUpperCase(java.util.Locale.ROOT));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"weekly", "", "NULL"})
    void parse_unknown_listsTheValidOnes(String text) {
        assertThatThrownBy(() -> Granularity.parse(text))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("unknown granularity '" + text + "'; use one of DAILY, MONTHLY, YEARLY");
    }
}
