package dev.billing.spring;

import dev.billing.core.ProviderConfigurationException;
import java.util.Objects;

/**
 * A {@code billing.*} property is wrong: startup stops, and the failure analysis names the property and the
 * fix. The message never holds a credential's value.
 */
public class BillingPropertyException extends ProviderConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String fix;

    /**
     * @param property the property, such as {@code billing.service-accounts[0].provider}
     * @param problem what is wrong with it
     * @param fix what to write instead
     */
    public BillingPropertyException(String property, String problem, String fix) {
        super(Objects.requireNonNull(property, "property") + ": " + Objects.requireNonNull(problem, "problem"));
        this.property = property;
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    /** @return the property at fault */
    public String property() {
        return property;
    }

    /** @return what to do */
    public String fix() {
        return fix;
    }
}
