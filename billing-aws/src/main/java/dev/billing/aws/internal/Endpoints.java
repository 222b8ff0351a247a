package dev.billing.aws.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Validates endpoint settings: an absolute {@code https://} URL, or {@code http://} on a loopback host
 * (tests, simulators). A small copy of the HyperBilling module's rule, for the settings
 * {@code endpoint} and {@code stsEndpoint}.
 */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * @param setting the setting's name
     * @param value its value
     * @return the endpoint
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI parse(String setting, String value) {
        try {
            return check(setting, new URI(value.trim()));
        } catch (URISyntaxException e) {
            throw invalid(setting, value, "is not a URL (" + e.getReason() + ")");
        }
    }

    /**
     * @param setting the setting's name
     * @param endpoint the endpoint
     * @return the endpoint without a trailing slash
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI check(String setting, URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(setting, endpoint.toString(), "must be an absolute https:// URL, for example https://ce.us-east-1.amazonaws.com");
        }
        if (endpoint.getHost() == null || endpoint.getHost().isEmpty()) {
            throw invalid(setting, endpoint.toString(), "has no host; use for example https://ce.us-east-1.amazonaws.com");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null || endpoint.getRawUserInfo() != null) {
            throw invalid(setting, endpoint.toString(), "must not have user info, a query or a fragment");
        }
        if (scheme.equals("http") && !Loopback.isHost(endpoint.getHost())) {
            throw invalid(setting, endpoint.toString(), "must use https:// (http:// is allowed only for loopback hosts:"
                    + " localhost, 127.0.0.0/8, [::1])");
        }
        String text = endpoint.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : endpoint;
    }


    private static ProviderConfigurationException invalid(String setting, String value, String problem) {
        return new ProviderConfigurationException("provider setting '" + setting + "' of aws-cost-explorer " + problem
                + ", got '" + value + "'");
    }
}
