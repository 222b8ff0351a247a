package dev.billing.provider.support;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A transient failure of one attempt, the only exception the {@link Retrier} retries; when the attempts run
 * out it becomes a {@link dev.billing.core.RateLimitedException} (when {@link #rateLimited()}) or a
 * {@link dev.billing.core.ProviderUnavailableException}. Never leaves a provider module.
 */
public final class RetryableFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final OptionalInt status;
    private final boolean rateLimited;
    private final transient Duration retryAfter;

    private RetryableFailure(String description, OptionalInt status, boolean rateLimited, Duration retryAfter, Throwable cause) {
        super(description, cause, false, false);
        this.status = status;
        this.rateLimited = rateLimited;
        this.retryAfter = retryAfter;
    }

    /**
     * @param description what happened, for example {@code HTTP 429: quota exceeded}
     * @param status the HTTP status
     * @param retryAfter the wait the server named, or null
     * @return a throttled attempt
     */
    public static RetryableFailure throttled(String description, int status, Duration retryAfter) {
        return new RetryableFailure(description, OptionalInt.of(status), true, retryAfter, null);
    }

    /**
     * @param description what happened, for example {@code HTTP 503}
     * @param status the HTTP status
     * @param retryAfter the wait the server named, or null
     * @return an attempt the server failed
     */
    public static RetryableFailure unavailable(String description, int status, Duration retryAfter) {
        return new RetryableFailure(description, OptionalInt.of(status), false, retryAfter, null);
    }

    /**
     * @param description what happened, for example {@code timed out after PT30S}
     * @param cause the I/O failure
     * @return an attempt without an answer
     */
    public static RetryableFailure noAnswer(String description, Throwable cause) {
        return new RetryableFailure(description, OptionalInt.empty(), false, null, cause);
    }

    /** @return the HTTP status, empty without an answer */
    public OptionalInt status() {
        return status;
    }

    /** @return whether the server throttled the attempt */
    public boolean rateLimited() {
        return rateLimited;
    }

    /** @return the wait the server named, or null */
    public Duration retryAfter() {
        return retryAfter;
    }
}
