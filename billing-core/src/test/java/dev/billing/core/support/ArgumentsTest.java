package dev.billing.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void aPositiveDurationPassesAndZeroNegativeOrNullAreRefusedNamingTheSetting() {
        assertThat(Arguments.positive(Duration.ofMillis(1), "requestTimeout")).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> Arguments.positive(Duration.ZERO, "requestTimeout"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("requestTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> Arguments.positive(Duration.ofSeconds(-1), "leaseTimeout"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("leaseTimeout must be positive");
        assertThatThrownBy(() -> Arguments.positive(null, "connectTimeout"))
                .isInstanceOf(NullPointerException.class).hasMessage("connectTimeout");
    }

    @Test
    void aCountOfAtLeastOnePassesAndLessIsRefusedNamingTheSetting() {
        assertThat(Arguments.atLeastOne(1, "maxConnections")).isEqualTo(1);
        assertThatThrownBy(() -> Arguments.atLeastOne(0, "maxConnections"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConnections must be at least 1, got 0");
    }
}
