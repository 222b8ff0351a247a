package dev.billing.core;

/**
 * Credentials do not fit the provider's {@link CredentialSchema}: a field is missing, unknown or
 * malformed. The message names the field and what it must look like; it never echoes a secret.
 */
public class InvalidCredentialsException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param message what is wrong and what to fix
     * @param serviceAccount the service account's name, or {@code null}
     * @param field the credential field at fault
     */
    public InvalidCredentialsException(String message, String serviceAccount, String field) {
        super(message, serviceAccount, null);
        this.field = field;
    }

    /** @return the name of the credential field at fault */
    public String field() {
        return field;
    }
}
