package dev.billing.core;

/** A service account with the same name is already registered. Pick another name or remove the old one. */
public class DuplicateServiceAccountException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    /** @param name the name that is taken */
    public DuplicateServiceAccountException(String name) {
        super("a service account named '" + name + "' is already registered; choose another name or remove it first",
                name, null);
    }
}
