package dev.billing.hyperbilling.internal;

import java.time.Duration;

/**
 * A transient failure of one attempt (HTTP 429, 500, 502, 503, 504, an I/O error, a timeout).
 * The only exception the retry acts on; mapped to the SDK's exception types when retries run out.
 */
final class RetryableFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final Duration retryAfter;

    /**
     * @param description what happened, for example {@code HTTP 503} or {@code timed out after PT30S}
     * @param status the HTTP status, or -1 without an answer
     * @param retryAfter the wait the server asked for, or null
     * @param cause the I/O failure, or null
     */
    RetryableFailure(String description, int status, Duration retryAfter, Throwable cause) {
        super(description, cause, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
