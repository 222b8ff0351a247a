package dev.billing.hyperbilling;

import java.time.Duration;
import java.util.Objects;

/**
 * How the HyperBilling provider retries a request that failed transiently (HTTP 429, 500, 502,
 * 503, 504, a connection reset, a timeout). Other failures are never retried.
 *
 * <p>The wait before retry {@code n} (1-based) is {@code initialBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff} and spread by {@code jitter}; after HTTP 429 it is the server's
 * {@code Retry-After} instead, capped at {@code maxRetryAfter}.
 *
 * @param maxAttempts the most attempts per request, the first included; {@code 1} means no retry
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait between attempts (without {@code Retry-After})
 * @param multiplier how much the wait grows per attempt, at least 1
 * @param jitter the random spread of each wait, from 0 (none) to 1 (plus or minus 100 %)
 * @param maxRetryAfter the longest wait honoured from a {@code Retry-After} header
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter, Duration maxRetryAfter) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoffs must not be negative");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff "
                    + initialBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
    }

    /**
     * @return 4 attempts, waits from 500 ms doubling up to 20 s with 20 % jitter, {@code Retry-After}
     *     honoured up to 60 s
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(20), 2.0, 0.2, Duration.ofSeconds(60));
    }

    /** @return a policy that never retries */
    public static RetryPolicy none() {
        return defaults().withMaxAttempts(1);
    }

    /**
     * @param attempts the most attempts per request, the first included
     * @return a copy of this policy with that many attempts
     * @throws IllegalArgumentException when {@code attempts} is less than 1
     */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter);
    }
}
