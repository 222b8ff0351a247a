package dev.billing.provider.support;

import dev.billing.core.support.Arguments;
import dev.billing.core.support.Endpoints;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A provider's settings, read once: {@link #read} checks them against the factory's {@link ProviderSetting}
 * declarations (the rule of each is the only check), then the accessors convert values that passed. The
 * declarations of typed settings are made here, so that a rule and its conversion are written once.
 */
public final class SettingValues {
    /** {@code timeout}: each request's timeout, into {@link HttpSettings#requestTimeout()}. */
    public static final ProviderSetting TIMEOUT = duration("timeout", "each request's timeout, an ISO-8601 duration",
            HttpSettings.defaults().requestTimeout().toString());
    /** {@code maxAttempts}: attempts per request, into {@link HttpSettings#retryPolicy()}. */
    public static final ProviderSetting MAX_ATTEMPTS = count("maxAttempts", "attempts per request, retries included",
            Integer.toString(HttpSettings.defaults().retryPolicy().maxAttempts()));
    /** {@code maxConcurrentRequests}: requests in flight at once, into {@link HttpSettings#maxConcurrentRequests()}. */
    public static final ProviderSetting MAX_CONCURRENT_REQUESTS = count("maxConcurrentRequests",
            "requests in flight at once", Integer.toString(HttpSettings.defaults().maxConcurrentRequests()));

    private final String provider;
    private final Map<String, String> values;

    private SettingValues(String provider, Map<String, String> values) {
        this.provider = provider;
        this.values = values;
    }

    /**
     * @param provider the provider id, for messages
     * @param declared the factory's declarations
     * @param given the settings given
     * @return the settings, checked
     * @throws dev.billing.core.ProviderConfigurationException naming the setting and what to fix
     */
    public static SettingValues read(String provider, List<ProviderSetting> declared, Map<String, String> given) {
        ProviderSetting.check(provider, declared, given);
        return new SettingValues(provider, Map.copyOf(given));
    }

    /**
     * @param name a setting's name
     * @return its value without surrounding blanks, if given
     */
    public Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name)).map(String::trim);
    }

    /**
     * @param name a setting's name
     * @param parse converts a value its rule accepted
     * @return the converted value, if given
     */
    public <T> Optional<T> get(String name, Function<String, T> parse) {
        return text(name).map(parse);
    }

    /**
     * @param name an endpoint setting's name
     * @param example a valid value, for the message
     * @return the URL without a trailing slash, if given
     * @throws dev.billing.core.ProviderConfigurationException when not an {@code https://} URL (or
     *     {@code http://} on a loopback host)
     */
    public Optional<URI> endpoint(String name, String example) {
        return text(name).map(v -> Endpoints.parse(provider, name, v, example));
    }

    /**
     * @param base the provider's settings without these
     * @return {@code base} with {@link #TIMEOUT}, {@link #MAX_ATTEMPTS} and {@link #MAX_CONCURRENT_REQUESTS} as given
     */
    public HttpSettings http(HttpSettings base) {
        HttpSettings.Builder b = base.toBuilder();
        get(TIMEOUT.name(), Duration::parse).ifPresent(b::requestTimeout);
        get(MAX_ATTEMPTS.name(), Integer::parseInt).ifPresent(n -> b.retryPolicy(base.retryPolicy().withMaxAttempts(n)));
        get(MAX_CONCURRENT_REQUESTS.name(), Integer::parseInt).ifPresent(b::maxConcurrentRequests);
        return b.build();
    }

    /**
     * @param value a setting's value that lists names, such as {@code tagKeys}
     * @return its comma-separated names, each without surrounding blanks (a blank one kept, for the rule to refuse)
     */
    public static List<String> names(String value) {
        return Arrays.stream(value.split(",", -1)).map(String::trim).toList();
    }

    /**
     * @return an optional setting whose value must be a positive ISO-8601 duration such as {@code PT30S}
     */
    public static ProviderSetting duration(String name, String description, String defaultValue) {
        return ProviderSetting.optional(name, description, defaultValue).satisfying(SettingValues::isPositiveDuration,
                "be a positive ISO-8601 duration such as PT30S, at most 366 days");
    }

    /** @return an optional setting whose value must be a whole number of at least 1 */
    public static ProviderSetting count(String name, String description, String defaultValue) {
        return ProviderSetting.optional(name, description, defaultValue).matching("\\s*[1-9]\\d{0,8}\\s*",
                "be a whole number of at least 1");
    }

    private static boolean isPositiveDuration(String value) {
        try {
            Duration d = Duration.parse(value.trim());
            return !d.isNegative() && !d.isZero() && d.compareTo(Arguments.MAX_DURATION) <= 0;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
