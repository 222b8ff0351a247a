package dev.billing.core;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The root of every exception the SDK throws. Unchecked; each subclass says what went wrong and
 * carries what a caller needs to react: the service account involved, the HTTP status where one
 * exists, and whether trying again later may succeed.
 *
 * <p>Messages never contain secret credential values.
 */
public class BillingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String serviceAccount;
    private final int statusCode;
    private final boolean retryable;

    /**
     * @param message what went wrong and, where the caller can fix it, how
     * @param serviceAccount the service account's name, or {@code null}
     * @param statusCode the HTTP status, or {@code -1} when there is none
     * @param retryable whether the same call may succeed later
     * @param cause the underlying cause, or {@code null}
     */
    public BillingException(String message, String serviceAccount, int statusCode, boolean retryable, Throwable cause) {
        super(message, cause);
        this.serviceAccount = serviceAccount;
        this.statusCode = statusCode;
        this.retryable = retryable;
    }

    /** @param message what went wrong and how to fix it */
    public BillingException(String message) {
        this(message, null, -1, false, null);
    }

    /** @return the name of the service account the failure concerns, if any */
    public Optional<String> serviceAccount() {
        return Optional.ofNullable(serviceAccount);
    }

    /** @return the HTTP status code of the provider's answer, if the failure came with one */
    public OptionalInt statusCode() {
        return statusCode < 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
    }

    /** @return whether the same call may succeed if tried again later */
    public boolean retryable() {
        return retryable;
    }
}
