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
    private final Integer statusCode;
    private final boolean retryable;

    /**
     * A failure that came with an HTTP answer.
     *
     * @param message what went wrong and, where the caller can fix it, how
     * @param serviceAccount the service account's name, or {@code null}
     * @param statusCode the HTTP status of the answer, 100 to 599
     * @param retryable whether the same call may succeed later
     * @param cause the underlying cause, or {@code null}
     * @throws IllegalArgumentException when the status is not an HTTP status (a failure without one uses
     *     {@link #BillingException(String, String, boolean, Throwable)})
     */
    public BillingException(String message, String serviceAccount, int statusCode, boolean retryable, Throwable cause) {
        this(message, serviceAccount, httpStatus(statusCode), retryable, cause);
    }

    /**
     * A failure without an HTTP status: {@link #statusCode()} is empty.
     *
     * @param message what went wrong and, where the caller can fix it, how
     * @param serviceAccount the service account's name, or {@code null}
     * @param retryable whether the same call may succeed later
     * @param cause the underlying cause, or {@code null}
     */
    public BillingException(String message, String serviceAccount, boolean retryable, Throwable cause) {
        this(message, serviceAccount, (Integer) null, retryable, cause);
    }

    /** @param message what went wrong and how to fix it; no service account, no HTTP status, not retryable */
    public BillingException(String message) {
        this(message, null, false, null);
    }

    private BillingException(String message, String serviceAccount, Integer statusCode, boolean retryable,
                             Throwable cause) {
        super(message, cause);
        this.serviceAccount = serviceAccount;
        this.statusCode = statusCode;
        this.retryable = retryable;
    }

    private static Integer httpStatus(int statusCode) {
        if (statusCode < 100 || statusCode > 599) {
            throw new IllegalArgumentException("an HTTP status is 100 to 599, got " + statusCode
                    + "; a failure without one has no status argument");
        }
        return statusCode;
    }

    /** @return the name of the service account the failure concerns, if any */
    public Optional<String> serviceAccount() {
        return Optional.ofNullable(serviceAccount);
    }

    /** @return the HTTP status code of the provider's answer, if the failure came with one */
    public OptionalInt statusCode() {
        return statusCode == null ? OptionalInt.empty() : OptionalInt.of(statusCode);
    }

    /** @return whether the same call may succeed if tried again later */
    public boolean retryable() {
        return retryable;
    }
}
