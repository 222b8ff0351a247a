package dev.billing.provider.support;

import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one reader of server-named waits: {@code Retry-After} (RFC 9110 section 10.2.3: delay seconds or an HTTP
 * date) and vendor headers of the same form. The wait is capped later, by {@link dev.billing.provider.RetryPolicy}.
 */
public final class RetryAfter {
    /** Whole or decimal seconds (Azure's throttling headers may carry decimals), short enough to be exact. */
    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");
    /** Seconds too long for {@link #SECONDS}: a wait longer than any cap. */
    private static final Pattern LONG_SECONDS = Pattern.compile("\\d+(\\.\\d+)?");
    /** Longer than any cap a policy takes in practice, and far from overflowing. */
    private static final Duration VERY_LONG = Duration.ofDays(365);

    private RetryAfter() {
    }

    /**
     * @param value a header's value, or null
     * @param clock what an HTTP date is compared with
     * @return the wait it names (zero for a date in the past), or null when absent or unreadable
     */
    public static Duration parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (SECONDS.matcher(v).matches()) {
            return Duration.ofNanos(new BigDecimal(v).movePointRight(9).longValueExact());
        }
        if (LONG_SECONDS.matcher(v).matches()) {
            return VERY_LONG;
        }
        try {
            Duration wait = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * @param headers an answer's headers
     * @param names the headers that may name a wait, for example the vendor's and {@code Retry-After}
     * @param clock what an HTTP date is compared with
     * @return the longest wait any of them names, or null when none does
     */
    public static Duration longest(HttpHeaders headers, List<String> names, Clock clock) {
        Duration longest = null;
        for (String name : names) {
            Duration d = parse(headers.firstValue(name).orElse(null), clock);
            if (d != null && (longest == null || d.compareTo(longest) > 0)) {
                longest = d;
            }
        }
        return longest;
    }

    /**
     * @param headers an answer's headers
     * @param clock what an HTTP date is compared with
     * @return the wait {@code Retry-After} names, or null
     */
    public static Duration of(HttpHeaders headers, Clock clock) {
        return parse(headers.firstValue("Retry-After").orElse(null), clock);
    }
}
