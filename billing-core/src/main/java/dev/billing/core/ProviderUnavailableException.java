package dev.billing.core;

/**
 * The provider could not be reached or kept failing (HTTP 5xx, connection reset, timeout) until
 * the retries ran out. Retryable later.
 */
public class ProviderUnavailableException extends BillingException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened
     * @param serviceAccount the service account's name
     * @param statusCode the last HTTP status, or {@code -1} when there was no answer
     * @param cause the last underlying failure, or {@code null}
     */
    public ProviderUnavailableException(String message, String serviceAccount, int statusCode, Throwable cause) {
        super(message, serviceAccount, statusCode, true, cause);
    }
}
