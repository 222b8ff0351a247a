package dev.billing.core;

import java.time.Duration;
import java.util.Optional;

/** The provider kept answering HTTP 429 until the retries ran out. Retryable later. */
public class RateLimitedException extends BillingException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * @param message what happened
     * @param serviceAccount the service account's name
     * @param retryAfter the wait the provider last asked for, or {@code null}
     */
    public RateLimitedException(String message, String serviceAccount, Duration retryAfter) {
        super(message, serviceAccount, 429, true, null);
        this.retryAfter = retryAfter;
    }

    /** @return the wait the provider last asked for, if it said */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
