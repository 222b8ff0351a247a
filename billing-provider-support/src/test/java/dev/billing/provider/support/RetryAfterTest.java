package dev.billing.provider.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-10T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void seconds_wholeOrDecimal_areExact() {
        assertThat(RetryAfter.parse("7", CLOCK)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(" 2.5 ", CLOCK)).isEqualTo(Duration.ofMillis(2500));
        assertThat(RetryAfter.parse("0", CLOCK)).isEqualTo(Duration.ZERO);
    }

    @Test
    void anHttpDate_isTheWaitUntilThen_andADateInThePastIsNoWait() {
        assertThat(RetryAfter.parse("Tue, 10 Feb 2026 00:01:30 GMT", CLOCK)).isEqualTo(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Mon, 09 Feb 2026 23:00:00 GMT", CLOCK)).isEqualTo(Duration.ZERO);
    }

    @Test
    void absentOrUnreadable_isNoWait_andSecondsTooLongToBeExactAreLongerThanAnyCap() {
        assertThat(RetryAfter.parse(null, CLOCK)).isNull();
        assertThat(RetryAfter.parse(" ", CLOCK)).isNull();
        assertThat(RetryAfter.parse("soon", CLOCK)).isNull();
        assertThat(RetryAfter.parse("-3", CLOCK)).isNull();
        assertThat(RetryAfter.parse("99999999999999999999", CLOCK)).isGreaterThan(Duration.ofDays(1));
    }

    @Test
    void longest_isTheLargestWaitAnyNamedHeaderGives() {
        HttpHeaders headers = HttpHeaders.of(Map.of("x-vendor-retry-after", List.of("3"), "Retry-After", List.of("1"),
                "x-other", List.of("99")), (a, b) -> true);

        assertThat(RetryAfter.longest(headers, List.of("x-vendor-retry-after", "Retry-After"), CLOCK))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.of(headers, CLOCK)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryAfter.longest(headers, List.of("x-absent"), CLOCK)).isNull();
    }
}
