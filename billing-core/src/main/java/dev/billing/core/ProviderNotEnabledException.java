package dev.billing.core;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A provider was asked for that is not enabled. The message names the enabled providers and says
 * how to enable it: for an installed provider the host disabled, that {@code disableProvider(...)}
 * did it; otherwise, for providers the project publishes, the Maven artifact that adds it.
 */
public class ProviderNotEnabledException extends BillingException {
    private static final long serialVersionUID = 1L;

    private final List<String> enabled;

    /**
     * @param providerId the id that was asked for
     * @param enabled the ids of the enabled providers
     */
    public ProviderNotEnabledException(String providerId, Collection<String> enabled) {
        this(providerId, enabled, false);
    }

    /**
     * @param providerId the id that was asked for
     * @param enabled the ids of the enabled providers
     * @param disabledByHost whether the provider is installed but the host disabled it
     */
    ProviderNotEnabledException(String providerId, Collection<String> enabled, boolean disabledByHost) {
        super(message(providerId, enabled, disabledByHost));
        this.enabled = List.copyOf(enabled);
    }

    /** @return the ids of the providers that are enabled */
    public List<String> enabled() {
        return enabled;
    }

    private static String message(String providerId, Collection<String> enabled, boolean disabledByHost) {
        String installed = enabled.isEmpty() ? "none" : enabled.stream().sorted().collect(Collectors.joining(", "));
        String hint = disabledByHost
                ? "; it is installed but disabled by Billing.builder().disableProvider(\"" + providerId
                        + "\"); remove that call to enable it"
                : KnownProviders.artifactFor(providerId)
                .map(a -> "; add the Maven artifact " + a + " to the classpath to enable it")
                .orElse("; known providers and their artifacts: " + KnownProviders.describe());
        return "provider '" + providerId + "' is not enabled (enabled: " + installed + ")" + hint;
    }
}
