package dev.billing.core;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One field of a {@link CredentialSchema}: its name, a label for people, whether it is secret,
 * whether it is required, and the rule its value must meet.
 */
public final class CredentialField {
    private final String name;
    private final String label;
    private final boolean secret;
    private final boolean required;
    private final Predicate<String> rule;
    private final String requirement;

    private CredentialField(String name, String label, boolean secret, boolean required,
                            Predicate<String> rule, String requirement) {
        this.name = Objects.requireNonNull(name, "name");
        this.label = Objects.requireNonNull(label, "label");
        this.secret = secret;
        this.required = required;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.requirement = Objects.requireNonNull(requirement, "requirement");
    }

    /**
     * @param name the field name, for example {@code account}
     * @param label a label for people, for example {@code AWS account id}
     * @return a required, non-secret field whose value must be non-blank
     */
    public static CredentialField text(String name, String label) {
        return new CredentialField(name, label, false, true, v -> !v.isBlank(), "be non-blank");
    }

    /**
     * @param name the field name, for example {@code key}
     * @param label a label for people, for example {@code API key}
     * @return a required secret field whose value must be non-blank
     */
    public static CredentialField secret(String name, String label) {
        return new CredentialField(name, label, true, true, v -> !v.isBlank(), "be non-blank");
    }

    /**
     * @param regex the pattern the whole value must match
     * @param requirement what the value must be, completing "must ...", for example {@code be exactly 12 digits}
     * @return a copy of this field with that rule
     */
    public CredentialField matching(String regex, String requirement) {
        Pattern pattern = Pattern.compile(regex);
        return satisfying(v -> pattern.matcher(v).matches(), requirement);
    }

    /**
     * @param predicate the test the value must pass
     * @param requirement what the value must be, completing "must ...", for example {@code be an e-mail address}
     * @return a copy of this field with that rule
     */
    public CredentialField satisfying(Predicate<String> predicate, String requirement) {
        return new CredentialField(name, label, secret, required, predicate, requirement);
    }

    /** @return a copy of this field that may be left out */
    public CredentialField optional() {
        return new CredentialField(name, label, secret, false, rule, requirement);
    }

    /** @return the field name */
    public String name() {
        return name;
    }

    /** @return the label for people */
    public String label() {
        return label;
    }

    /** @return whether the value is secret: never shown, logged or echoed */
    public boolean secret() {
        return secret;
    }

    /** @return whether the field must be present */
    public boolean required() {
        return required;
    }

    /** @return what a valid value must be, completing "must ...", for example {@code be exactly 12 digits} */
    public String requirement() {
        return requirement;
    }

    /**
     * @param value a value
     * @return whether it meets this field's rule
     */
    public boolean accepts(String value) {
        return rule.test(value);
    }

    @Override
    public String toString() {
        return name + (secret ? " (secret)" : "") + (required ? "" : " (optional)");
    }
}
