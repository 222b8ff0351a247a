package dev.billing.hyperbilling.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Validates a HyperBilling endpoint: an absolute {@code https://} URL, or {@code http://} on a loopback host. */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * @param value the value of the provider setting {@code endpoint}
     * @param provider the provider id, for the message
     * @return the endpoint
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI parse(String value, String provider) {
        try {
            return check(new URI(value.trim()), provider);
        } catch (URISyntaxException e) {
            throw invalid(provider, value, "is not a URL (" + e.getReason() + ")");
        }
    }

    /**
     * @param endpoint the endpoint
     * @param provider the provider id, for the message
     * @return the endpoint without a trailing slash
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI check(URI endpoint, String provider) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(provider, endpoint.toString(), "must be an absolute https:// URL, for example https://hyperbilling.example.com");
        }
        if (endpoint.getHost() == null || endpoint.getHost().isEmpty()) {
            throw invalid(provider, endpoint.toString(), "has no host; use for example https://hyperbilling.example.com");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null || endpoint.getRawUserInfo() != null) {
            throw invalid(provider, endpoint.toString(), "must not have user info, a query or a fragment");
        }
        if (scheme.equals("http") && !Loopback.isHost(endpoint.getHost())) {
            throw invalid(provider, endpoint.toString(), "must use https:// (http:// is allowed only for loopback hosts:"
                    + " localhost, 127.0.0.0/8, [::1])");
        }
        String text = endpoint.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : endpoint;
    }

    /**
     * @param provider the provider id
     * @return the error for a fetch or verify without an endpoint, saying how to set one
     */
    static ProviderConfigurationException missing(String provider) {
        return new ProviderConfigurationException("provider " + provider + " has no endpoint:"
                + " set the provider setting 'endpoint', for example Billing.builder().providerSettings(\""
                + provider + "\", Map.of(\"endpoint\", \"https://hyperbilling.example.com\"))");
    }


    private static ProviderConfigurationException invalid(String provider, String value, String problem) {
        return new ProviderConfigurationException("provider setting 'endpoint' of " + provider + " " + problem
                + ", got '" + value + "'");
    }
}
