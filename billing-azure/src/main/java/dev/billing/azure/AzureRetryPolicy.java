package dev.billing.azure;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Azure provider retries a request that failed transiently (HTTP 429, 500, 502, 503, 504, a
 * connection reset, a timeout). Credential errors and other failures are never retried.
 *
 * <p>The wait before retry {@code n} (1-based) is {@code initialBackoff * 2^(n-1)}, capped at
 * {@code maxBackoff}; when the answer names a wait (after {@code 429}, the largest of
 * {@code x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after}, {@code -entity-retry-after},
 * {@code -tenant-retry-after} and {@code Retry-After}) that wait is used instead, capped at
 * {@code maxRetryAfter}.
 *
 * @param maxAttempts the most attempts per request, the first included; {@code 1} means no retry
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait between attempts without a server-named wait
 * @param maxRetryAfter the longest server-named wait honoured
 */
public record AzureRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public AzureRetryPolicy {
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
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
        }
    }

    /** @return 5 attempts, waits from 1 s doubling up to 30 s, server-named waits honoured up to 60 s */
    public static AzureRetryPolicy defaults() {
        return new AzureRetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** @return a policy that never retries */
    public static AzureRetryPolicy none() {
        return defaults().withMaxAttempts(1);
    }

    /**
     * @param attempts the most attempts per request, the first included
     * @return a copy with that many attempts
     * @throws IllegalArgumentException when less than 1
     */
    public AzureRetryPolicy withMaxAttempts(int attempts) {
        return new AzureRetryPolicy(attempts, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /**
     * @param wait the longest server-named wait to honour
     * @return a copy with that cap
     */
    public AzureRetryPolicy withMaxRetryAfter(Duration wait) {
        return new AzureRetryPolicy(maxAttempts, initialBackoff, maxBackoff, wait);
    }

    /**
     * @param initial the wait before the first retry
     * @param max the longest wait without a server-named wait
     * @return a copy with those backoffs
     */
    public AzureRetryPolicy withBackoff(Duration initial, Duration max) {
        return new AzureRetryPolicy(maxAttempts, initial, max, maxRetryAfter);
    }
}
