package dev.billing.config;

import dev.billing.core.BillingException;
import java.util.Objects;

/**
 * The configuration file is wrong. The message names the file, the field (for example
 * {@code serviceAccounts[0] ('web-prod').provider}) and what to fix; it never holds a credential's value.
 */
public class BillingConfigException extends BillingException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the field at fault, such as {@code budgets[0].amount}; {@code ""} for the file as a whole
     * @param message the file, the field, what is wrong and what to fix
     */
    public BillingConfigException(String field, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.field = Objects.requireNonNull(field, "field");
    }

    /** @return the field at fault, such as {@code budgets[0].amount}; {@code ""} for the file as a whole */
    public String field() {
        return field;
    }
}
