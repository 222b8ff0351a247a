package dev.billing.core;

/** No service account is registered under the given name. */
public class NoSuchServiceAccountException extends BillingException {
    private static final long serialVersionUID = 1L;

    /** @param name the name that was asked for */
    public NoSuchServiceAccountException(String name) {
        super("no service account named '" + name + "' is registered", name, false, null);
    }
}
