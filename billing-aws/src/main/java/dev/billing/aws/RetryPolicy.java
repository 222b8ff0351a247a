package dev.billing.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * How the provider retries throttled ({@code LimitExceededException}, {@code ThrottlingException}) and
 * transient (HTTP 5xx, connection failures, timeouts) Cost Explorer calls: up to {@code maxAttempts}
 * attempts per request, waiting an exponentially growing delay with full jitter between them, at
 * most {@code maxDelay}. Credential errors are never retried.
 *
 * @param maxAttempts attempts per request, the first one included, at least 1
 * @param baseDelay the delay before the first retry (before jitter), positive
 * @param maxDelay the longest delay between two attempts, at least {@code baseDelay}
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** Validates the values. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.isNegative() || baseDelay.isZero()) {
            throw new IllegalArgumentException("baseDelay must be positive, got " + baseDelay);
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be at least baseDelay, got " + maxDelay);
        }
    }

    /** @return 8 attempts, 500 ms base delay, 10 s at most between attempts */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    /**
     * @param attempts the new attempt count
     * @return a copy with that many attempts
     */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, baseDelay, maxDelay);
    }
}
