package dev.billing.hyperbilling.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.support.Endpoints;
import java.net.URI;

/** The endpoint rules both HyperBilling providers share. */
public final class Settings {

    /** A valid {@code endpoint}, shown when a value is not a URL. */
    public static final String ENDPOINT_EXAMPLE = "https://hyperbilling.example.com";

    private Settings() {
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
}
