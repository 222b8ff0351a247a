package dev.billing.hyperbilling.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.Arguments;
import dev.billing.core.spi.Bounds;
import dev.billing.core.spi.Endpoints;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses the provider settings both HyperBilling factories share. */
public final class Settings {

    /** A valid {@code endpoint}, shown when a value is not a URL. */
    static final String ENDPOINT_EXAMPLE = "https://hyperbilling.example.com";

    private Settings() {
    }

    /**
     * @param provider the provider id, for the message
     * @param value the value of the provider setting {@code endpoint}
     * @return the endpoint, without a trailing slash
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI endpoint(String provider, String value) {
        return Endpoints.parse(provider, "endpoint", value, ENDPOINT_EXAMPLE);
    }

    /**
     * @param provider the provider id, for the message
     * @param endpoint the endpoint a builder was given
     * @return the endpoint, without a trailing slash
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI endpoint(String provider, URI endpoint) {
        return Endpoints.check(provider, "endpoint", endpoint, ENDPOINT_EXAMPLE);
    }

    /**
     * @param provider the provider id
     * @return the error for a fetch or verify without an endpoint, saying how to set one
     */
    static ProviderConfigurationException missingEndpoint(String provider) {
        return new ProviderConfigurationException("provider " + provider + " has no endpoint:"
                + " set the provider setting 'endpoint', for example Billing.builder().providerSettings(\""
                + provider + "\", Map.of(\"endpoint\", \"" + ENDPOINT_EXAMPLE + "\"))");
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
            return Arguments.positive(Duration.parse(value.trim()), setting);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            // reported below
        }
        throw new ProviderConfigurationException("provider setting '" + setting + "' of " + provider
                + " must be a positive ISO-8601 duration such as PT30S, got '" + Bounds.echo(value) + "'");
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
