package dev.billing.provider;

import java.time.Duration;
import java.util.Objects;

/**
 * How a provider retries a request that failed transiently: throttling (HTTP 429 and the vendor's own
 * throttling errors), HTTP 500, 502, 503, 504, a connection failure, a timeout. Credential errors and other
 * failures are never retried; which vendor answers are transient is each provider's page in {@code docs/}.
 *
 * <p>The wait before retry {@code n} (1-based) is {@code initialBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff}, then spread by {@code jitter} (a factor drawn from {@code 1 - jitter} to
 * {@code 1 + jitter}, the result again capped at {@code maxBackoff}). When the server names a wait
 * ({@code Retry-After} in seconds or as an HTTP date, or a vendor header) that wait is used instead, capped at
 * {@code maxRetryAfter}.
 *
 * @param maxAttempts the most attempts per request, the first included; {@code 1} means no retry
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait between attempts without a server-named wait, at least {@code initialBackoff}
 * @param multiplier how much the wait grows per attempt, at least 1
 * @param jitter the random spread of each wait, from 0 (none) to 1 (plus or minus 100 %)
 * @param maxRetryAfter the longest server-named wait honoured
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter, Duration maxRetryAfter) {

    /**
     * Validates the values.
     *
     * @throws NullPointerException when a duration is null
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
            throw new IllegalArgumentException("waits must not be negative");
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
     * @return the defaults of every provider: 5 attempts, waits from 500 ms doubling up to 20 s with 20 % jitter,
     *     server-named waits honoured up to 60 s
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(20), 2.0, 0.2, Duration.ofSeconds(60));
    }

    /** @return the defaults with a single attempt: never retries */
    public static RetryPolicy none() {
        return defaults().withMaxAttempts(1);
    }

    /**
     * @param attempts the most attempts per request, the first included
     * @return a copy with that many attempts
     * @throws IllegalArgumentException when less than 1
     */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter);
    }

    /**
     * @param initial the wait before the first retry
     * @param max the longest wait without a server-named wait
     * @return a copy with those backoffs
     * @throws IllegalArgumentException when {@code max} is shorter than {@code initial}, or either is negative
     */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter, maxRetryAfter);
    }

    /**
     * @param spread the random spread of each wait, from 0 to 1
     * @return a copy with that jitter
     * @throws IllegalArgumentException when out of range
     */
    public RetryPolicy withJitter(double spread) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, spread, maxRetryAfter);
    }

    /**
     * @param max the longest server-named wait to honour
     * @return a copy with that cap
     * @throws IllegalArgumentException when negative
     */
    public RetryPolicy withMaxRetryAfter(Duration max) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, max);
    }

    /**
     * The one jitter rule of the SDK.
     *
     * @param retry the retry, 1 for the first
     * @param serverWait the wait the server named, or null
     * @param random a number from 0 (inclusive) to 1 (exclusive) that spreads the wait
     * @return the wait before that retry
     */
    public Duration delay(int retry, Duration serverWait, double random) {
        if (serverWait != null) {
            return serverWait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : serverWait;
        }
        double max = maxBackoff.toMillis();
        double base = Math.min(initialBackoff.toMillis() * Math.pow(multiplier, retry - 1.0), max);
        double spread = jitter * (2 * random - 1);
        return Duration.ofMillis((long) Math.min(base * (1 + spread), max));
    }
}
