package dev.billing.azure.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Validates the provider's URL settings ({@code endpoint}, {@code authority}): an absolute
 * {@code https://} URL, or {@code http://} on a loopback host (tests, simulators). A small copy of
 * the HyperBilling module's rule, with the setting's name in every message.
 */
public final class Endpoints {
    private Endpoints() {
    }

    /**
     * @param setting the setting's name, for messages
     * @param value its value
     * @return the URL without a trailing slash
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
     * @param setting the setting's name, for messages
     * @param url the URL
     * @return the URL without a trailing slash
     * @throws ProviderConfigurationException naming the setting and what to fix
     */
    public static URI check(String setting, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(setting, url.toString(), "must be an absolute https:// URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw invalid(setting, url.toString(), "has no host");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw invalid(setting, url.toString(), "must not have user info, a query or a fragment");
        }
        if (scheme.equals("http") && !Loopback.isHost(url.getHost())) {
            throw invalid(setting, url.toString(), "must use https:// (http:// is allowed only for loopback hosts:"
                    + " localhost, 127.0.0.0/8, [::1])");
        }
        String text = url.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
    }


    private static ProviderConfigurationException invalid(String setting, String value, String problem) {
        return new ProviderConfigurationException("provider setting '" + setting + "' of " + AzureHttp.PROVIDER + " "
                + problem + ", got '" + value + "'");
    }
}
