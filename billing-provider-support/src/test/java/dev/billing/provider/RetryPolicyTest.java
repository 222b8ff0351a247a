package dev.billing.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2,
            Duration.ofSeconds(30));

    @Test
    void delay_growsByTheMultiplierUpToTheMaximum_withoutJitterAtTheMiddle() {
        assertThat(policy.delay(1, null, 0.5)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delay(2, null, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delay(4, null, 0.5)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.delay(5, null, 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(60, null, 0.5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void delay_aServerNamedWait_isHonouredUpToTheCap_withoutJitter() {
        assertThat(policy.delay(1, Duration.ofSeconds(7), 0.99)).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.delay(1, Duration.ofHours(1), 0.0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delay(3, Duration.ZERO, 0.7)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void delay_jitterStaysWithinItsSpreadAndTheMaximum(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 1_000; i++) {
            int retry = 1 + random.nextInt(6);
            long base = Math.min(100L << (retry - 1), 1000);
            long wait = policy.delay(retry, null, random.nextDouble()).toMillis();
            assertThat(wait).isBetween((long) (base * 0.8) - 1, Math.min((long) (base * 1.2), 1000));
        }
    }

    @Test
    void valuesOutOfRange_areRejected() {
        assertThatThrownBy(() -> RetryPolicy.defaults().withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1, got 0");
        assertThatThrownBy(() -> RetryPolicy.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0.5, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.defaults().withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void httpSettings_haveOneSetOfDefaults_andCheckTheirValues() {
        HttpSettings d = HttpSettings.defaults();
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.retryPolicy()).isEqualTo(RetryPolicy.defaults());
        assertThat(d.maxConcurrentRequests()).isEqualTo(4);
        assertThat(d.toBuilder().build()).isEqualTo(d);
        assertThatThrownBy(() -> HttpSettings.builder().requestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("requestTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> HttpSettings.builder().maxConcurrentRequests(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrentRequests must be at least 1, got 0");
    }
}
