package dev.billing.gcp.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Validates URLs the provider calls: an absolute {@code https://} URL, or {@code http://} on a
 * loopback host (tests, simulators). A small copy of the HyperBilling module's rule, which lives in
 * that module's {@code internal} package.
 */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * @param value the text of the setting
     * @param what what it is, for the message, for example {@code provider setting 'endpoint' of gcp-billing-export}
     * @return the URL without a trailing slash
     * @throws ProviderConfigurationException naming {@code what} and what to fix
     */
    public static URI parse(String value, String what) {
        try {
            return check(new URI(value.trim()), what);
        } catch (URISyntaxException e) {
            throw new ProviderConfigurationException(what + " is not a URL (" + e.getReason() + "), got '" + value + "'");
        }
    }

    /**
     * @param url the URL
     * @param what what it is, for the message
     * @return the URL without a trailing slash
     * @throws ProviderConfigurationException naming {@code what} and what to fix
     */
    public static URI check(URI url, String what) {
        String problem = problem(url);
        if (problem != null) {
            throw new ProviderConfigurationException(what + " " + problem + ", got '" + url + "'");
        }
        String text = url.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
    }

    /**
     * @param url a URL
     * @return what is wrong with it, or null when it is acceptable
     */
    static String problem(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "must be an absolute https:// URL";
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return "has no host";
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            return "must not have user info, a query or a fragment";
        }
        if (scheme.equals("http") && !Loopback.isHost(url.getHost())) {
            return "must use https:// (http:// is allowed only for loopback hosts: localhost, 127.0.0.0/8, [::1])";
        }
        return null;
    }

}
