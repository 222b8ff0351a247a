package dev.billing.core;

/**
 * The caller's input is wrong: a missing project, a blank name, a malformed period, a request the
 * provider answered with HTTP 400. Not retryable: fix the input as the message says.
 */
public class InvalidRequestException extends BillingException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what to fix */
    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * With the HTTP status of the answer.
     *
     * @param message what is wrong and what to fix
     * @param serviceAccount the service account's name, or {@code null}
     * @param statusCode the HTTP status of the answer, 100 to 599
     * @param cause the cause, or {@code null}
     */
    public InvalidRequestException(String message, String serviceAccount, int statusCode, Throwable cause) {
        super(message, serviceAccount, statusCode, false, cause);
    }

    /**
     * Without an HTTP status.
     *
     * @param message what is wrong and what to fix
     * @param serviceAccount the service account's name, or {@code null}
     * @param cause the cause, or {@code null}
     */
    public InvalidRequestException(String message, String serviceAccount, Throwable cause) {
        super(message, serviceAccount, false, cause);
    }
}
