package dev.billing.gcp.internal;

import java.time.Duration;

/** A transient failure of one attempt: retried while attempts remain. Never leaves the module. */
final class RetryableFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean rateLimited;
    private final transient Duration retryAfter;

    RetryableFailure(String message, int status, boolean rateLimited, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.rateLimited = rateLimited;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    boolean rateLimited() {
        return rateLimited;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
