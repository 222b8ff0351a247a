package dev.billing.core;

import java.util.Objects;

/**
 * An {@link Allocation} that cannot be applied: an unknown dimension, a split without targets, fixed percents
 * not adding up to 100, a split target that is another split's source project, a rule with both or neither of
 * a project and a project tag. The message is one line naming the rule or split.
 */
public class InvalidAllocationException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final String rule;

    /**
     * @param rule the name of the rule or split that is wrong
     * @param message what is wrong and what to fix, naming it
     */
    public InvalidAllocationException(String rule, String message) {
        super(message);
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** @return the name of the rule or split that is wrong */
    public String rule() {
        return rule;
    }
}
