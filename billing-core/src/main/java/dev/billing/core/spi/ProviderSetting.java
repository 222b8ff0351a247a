package dev.billing.core.spi;

import dev.billing.core.ProviderConfigurationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One setting a provider takes, declared by its {@link BillingProviderFactory#settings() factory} the
 * way a provider declares its credentials: its name, a description for people, whether it is required,
 * its default and the rule a value must meet. The SDK checks settings against these declarations
 * before it creates the provider, and the {@code billing providers} command lists them.
 */
public final class ProviderSetting {
    private final String name;
    private final String description;
    private final boolean required;
    private final String defaultValue;
    private final Predicate<String> rule;
    private final String requirement;

    private ProviderSetting(String name, String description, boolean required, String defaultValue,
                            Predicate<String> rule, String requirement) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.required = required;
        this.defaultValue = defaultValue;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.requirement = Objects.requireNonNull(requirement, "requirement");
    }

    /**
     * @param name the setting's name, for example {@code endpoint}
     * @param description what it is, for people
     * @return a setting every use of the provider needs, whose value must be non-blank
     */
    public static ProviderSetting required(String name, String description) {
        return new ProviderSetting(name, description, true, null, v -> !v.isBlank(), "be non-blank");
    }

    /**
     * @param name the setting's name, for example {@code region}
     * @param description what it is, for people
     * @param defaultValue the value used when the setting is absent, or {@code null} when absence means
     *     something the description says
     * @return an optional setting whose value must be non-blank
     */
    public static ProviderSetting optional(String name, String description, String defaultValue) {
        return new ProviderSetting(name, description, false, defaultValue, v -> !v.isBlank(), "be non-blank");
    }

    /**
     * @param regex the pattern the whole value must match
     * @param requirement what the value must be, completing "must ...", for example {@code be a whole number}
     * @return a copy of this setting with that rule
     */
    public ProviderSetting matching(String regex, String requirement) {
        Pattern pattern = Pattern.compile(regex);
        return satisfying(v -> pattern.matcher(v).matches(), requirement);
    }

    /**
     * @param predicate the test the value must pass
     * @param requirement what the value must be, completing "must ..."
     * @return a copy of this setting with that rule
     */
    public ProviderSetting satisfying(Predicate<String> predicate, String requirement) {
        return new ProviderSetting(name, description, required, defaultValue, predicate, requirement);
    }

    /** @return the setting's name */
    public String name() {
        return name;
    }

    /** @return what it is, for people */
    public String description() {
        return description;
    }

    /** @return whether every use of the provider needs it */
    public boolean required() {
        return required;
    }

    /** @return the value used when the setting is absent */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** @return what a valid value must be, completing "must ..." */
    public String requirement() {
        return requirement;
    }

    /**
     * @param value a value
     * @return whether it meets this setting's rule
     */
    public boolean accepts(String value) {
        return rule.test(value);
    }

    /**
     * Rejects a setting the provider does not declare, or one whose value breaks its rule: the SDK calls it
     * before it creates a provider, so a factory reads values that already passed.
     *
     * @param provider the provider id, for messages
     * @param declared the provider's declarations; when empty, every setting is accepted
     * @param given the settings given
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static void check(String provider, List<ProviderSetting> declared, Map<String, String> given) {
        if (declared.isEmpty()) {
            return;
        }
        Map<String, ProviderSetting> byName = new LinkedHashMap<>();
        declared.forEach(s -> byName.put(s.name(), s));
        for (Map.Entry<String, String> e : given.entrySet()) {
            ProviderSetting setting = byName.get(e.getKey());
            if (setting == null) {
                throw new ProviderConfigurationException("unknown provider setting '" + e.getKey() + "' for " + provider
                        + "; known settings: " + String.join(", ", byName.keySet()));
            }
            if (e.getValue() == null || !setting.accepts(e.getValue())) {
                throw new ProviderConfigurationException("provider setting '" + e.getKey() + "' of " + provider
                        + " must " + setting.requirement() + ", got '" + e.getValue() + "'");
            }
        }
    }

    @Override
    public String toString() {
        return name + (required ? "" : " (optional" + (defaultValue == null ? "" : ", default " + defaultValue) + ")");
    }
}
