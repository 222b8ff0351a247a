package dev.billing.core;

/**
 * The provider answered something the SDK cannot trust: malformed or truncated JSON, an error
 * code inside a success answer, a paging token that repeats. Not retried automatically.
 */
public class ProviderProtocolException extends BillingException {
    private static final long serialVersionUID = 1L;

    /**
     * With the HTTP status of the answer.
     *
     * @param message what was wrong with the answer
     * @param serviceAccount the service account's name
     * @param statusCode the HTTP status of the answer, 100 to 599
     * @param cause the parse failure, or {@code null}
     */
    public ProviderProtocolException(String message, String serviceAccount, int statusCode, Throwable cause) {
        super(message, serviceAccount, statusCode, false, cause);
    }

    /**
     * Without an HTTP status.
     *
     * @param message what was wrong with the answer
     * @param serviceAccount the service account's name
     * @param cause the parse failure, or {@code null}
     */
    public ProviderProtocolException(String message, String serviceAccount, Throwable cause) {
        super(message, serviceAccount, false, cause);
    }
}
