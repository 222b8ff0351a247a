package dev.billing.core.support;

import dev.billing.core.ProviderConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for the URLs a provider calls, for every provider's URL settings ({@code endpoint} and the
 * like) and for URLs that come from elsewhere (a key file's token URL): an absolute {@code https://} URL with a
 * host and without user info, query or fragment; plain {@code http://} only on a loopback host
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}), for tests and simulators.
 *
 * <p>A provider's factory parses a setting with {@link #parse}; its builder, given a {@link URI}, checks it with
 * {@link #check}. Both throw a {@link ProviderConfigurationException} of the form
 * {@code provider setting 'endpoint' of hyperbilling-aws must use https:// (...), got 'http://example.com'}.
 */
public final class Endpoints {
    private static final String LOOPBACK_ONLY = "must use https:// (http:// is allowed only for loopback hosts:"
            + " localhost, 127.0.0.0/8, [::1])";

    private Endpoints() {
    }

    /**
     * @param providerId the provider's id, for the message
     * @param setting the setting's name, for the message
     * @param value the setting's value (surrounding blanks are ignored)
     * @param example a valid value to show when the value is not a URL at all, for example the vendor's public
     *     URL; or {@code null}
     * @return the URL, without a trailing slash
     * @throws ProviderConfigurationException naming the setting, the provider and what to fix
     */
    public static URI parse(String providerId, String setting, String value, String example) {
        URI url;
        try {
            url = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw invalid(providerId, setting, value, "is not a URL (" + e.getReason() + ")");
        }
        return check(providerId, setting, url, example);
    }

    /**
     * @param providerId the provider's id, for the message
     * @param setting the setting's name, for the message
     * @param url the URL
     * @param example a valid value to show when the URL has no scheme or host; or {@code null}
     * @return the URL, without a trailing slash
     * @throws ProviderConfigurationException naming the setting, the provider and what to fix
     */
    public static URI check(String providerId, String setting, URI url, String example) {
        Optional<String> problem = problem(url, example);
        if (problem.isPresent()) {
            throw invalid(providerId, setting, url.toString(), problem.get());
        }
        String text = url.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
    }

    /**
     * @param url a URL from anywhere (a setting, a key file, a vendor's answer)
     * @return what is wrong with it, completing "the URL ...", for example {@code has no host}; empty when the
     *     provider may call it
     */
    public static Optional<String> problem(URI url) {
        return problem(url, null);
    }

    private static Optional<String> problem(URI url, String example) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("must be an absolute https:// URL" + (example == null ? "" : ", for example " + example));
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            // java.net.URI leaves the host null when the authority is no valid host name or address (127.999.0.1)
            String authority = url.getRawAuthority();
            return Optional.of((authority == null || authority.isEmpty() ? "has no host"
                    : "has no valid host name or address in '" + authority + "'")
                    + (example == null ? "" : "; use for example " + example));
        }
        if (url.getPort() == 0 || url.getPort() > 65535) {
            return Optional.of("has port " + url.getPort() + ": a port is 1 to 65535");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            return Optional.of("must not have user info, a query or a fragment");
        }
        if (scheme.equals("http") && !isLoopbackHost(url.getHost())) {
            return Optional.of(LOOPBACK_ONLY);
        }
        return Optional.empty();
    }

    /**
     * @param host a URI's host, as {@link URI#getHost()} gives it (may be {@code null})
     * @return whether it is {@code localhost}, an IPv4 address in {@code 127.0.0.0/8} or {@code [::1]}: the only
     *     hosts a provider may reach over plain {@code http://}
     */
    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static ProviderConfigurationException invalid(String providerId, String setting, String value,
                                                          String problem) {
        return new ProviderConfigurationException("provider setting '" + setting + "' of " + providerId + " "
                + problem + ", got '" + value + "'");
    }
}
