package dev.billing.core;

/**
 * The provider refused the credentials (HTTP 401 or 403), or accepted them but does not let them
 * read the account they name. Not retryable: register the account again with correct credentials.
 */
public class CredentialsRejectedException extends BillingException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was rejected, naming the service account but never a secret
     * @param serviceAccount the service account's name
     * @param statusCode the HTTP status of the refusal, 100 to 599
     */
    public CredentialsRejectedException(String message, String serviceAccount, int statusCode) {
        super(message, serviceAccount, statusCode, false, null);
    }

    /**
     * A refusal without an HTTP status (for example an account the credentials cannot read).
     *
     * @param message what was rejected, naming the service account but never a secret
     * @param serviceAccount the service account's name
     */
    public CredentialsRejectedException(String message, String serviceAccount) {
        super(message, serviceAccount, false, null);
    }
}
