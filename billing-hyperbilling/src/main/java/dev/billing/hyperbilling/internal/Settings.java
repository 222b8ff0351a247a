package dev.billing.hyperbilling.internal;

import dev.billing.core.ProviderConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses the provider settings both HyperBilling factories share. */
public final class Settings {

    private Settings() {
    }

    /**
     * @param provider the provider id, for the message
     * @param setting the setting's name
     * @param value its value
     * @return a positive ISO-8601 duration such as {@code PT30S}
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static Duration duration(String provider, String setting, String value) {
        try {
            Duration d = Duration.parse(value.trim());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new ProviderConfigurationException("provider setting '" + setting + "' of " + provider
                + " must be a positive ISO-8601 duration such as PT30S, got '" + value + "'");
    }

    /**
     * @param provider the provider id, for the message
     * @param setting the setting's name
     * @param value its value
     * @return a whole number of at least 1
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static int positiveInt(String provider, String setting, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProviderConfigurationException("provider setting '" + setting + "' of " + provider
                + " must be a whole number of at least 1, got '" + value + "'");
    }
}
