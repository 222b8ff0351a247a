package dev.billing.core;

/**
 * The provider could not be reached or kept failing (HTTP 5xx, connection reset, timeout) until
 * the retries ran out. Retryable later.
 */
public class ProviderUnavailableException extends BillingException {
    private static final long serialVersionUID = 1L;

    /**
     * With the HTTP status of the answer.
     *
     * @param message what happened
     * @param serviceAccount the service account's name
     * @param statusCode the HTTP status of the answer, 100 to 599
     * @param cause the last underlying failure, or {@code null}
     */
    public ProviderUnavailableException(String message, String serviceAccount, int statusCode, Throwable cause) {
        super(message, serviceAccount, statusCode, true, cause);
    }

    /**
     * Without an HTTP status.
     *
     * @param message what happened
     * @param serviceAccount the service account's name
     * @param cause the last underlying failure, or {@code null}
     */
    public ProviderUnavailableException(String message, String serviceAccount, Throwable cause) {
        super(message, serviceAccount, true, cause);
    }
}
