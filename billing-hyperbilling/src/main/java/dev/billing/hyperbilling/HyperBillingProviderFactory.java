package dev.billing.hyperbilling;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.hyperbilling.internal.Settings;
import java.util.List;
import java.util.Map;

/**
 * Creates the {@code hyperbilling-aws} provider from provider settings; registered for
 * {@link java.util.ServiceLoader}, so the jar on the classpath enables the provider.
 *
 * <p>Settings: {@code endpoint} (the base URL; without it the provider is created, but verify and
 * fetch fail asking for it), {@code timeout} (each request's timeout, an ISO-8601 duration such as
 * {@code PT30S}), {@code maxAttempts} (attempts per request, retries included), and
 * {@code maxConcurrentRequests} (requests in flight at once).
 */
public final class HyperBillingProviderFactory implements BillingProviderFactory {
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.required("endpoint", "the HyperBilling API's base URL, https:// (http:// only for a"
                    + " loopback host)"),
            ProviderSetting.optional("timeout", "each request's timeout, an ISO-8601 duration", "PT30S"),
            ProviderSetting.optional("maxAttempts", "attempts per request, retries included",
                    Integer.toString(RetryPolicy.defaults().maxAttempts())).matching("\\s*[1-9]\\d*\\s*",
                    "be a whole number of at least 1"),
            ProviderSetting.optional("maxConcurrentRequests", "requests in flight at once", "4")
                    .matching("\\s*[1-9]\\d*\\s*", "be a whole number of at least 1"));

    /** Used by {@link java.util.ServiceLoader}. */
    public HyperBillingProviderFactory() {
    }

    @Override
    public String id() {
        return HyperBillingProvider.ID;
    }

    @Override
    public List<ProviderSetting> settings() {
        return SETTINGS;
    }

    /**
     * @throws ProviderConfigurationException naming the setting and what to fix when one is unknown or malformed
     */
    @Override
    public BillingProvider create(Map<String, String> settings) {
        HyperBillingProvider.Builder b = HyperBillingProvider.builder();
        RetryPolicy policy = RetryPolicy.defaults();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String value = e.getValue();
            switch (e.getKey()) {
                case "endpoint" -> b.endpoint(Settings.endpoint(HyperBillingProvider.ID, value));
                case "timeout" -> b.requestTimeout(Settings.duration(HyperBillingProvider.ID, "timeout", value));
                case "maxAttempts" -> policy = policy.withMaxAttempts(
                        Settings.positiveInt(HyperBillingProvider.ID, "maxAttempts", value));
                case "maxConcurrentRequests" -> b.maxConcurrentRequests(
                        Settings.positiveInt(HyperBillingProvider.ID, "maxConcurrentRequests", value));
                default -> throw new ProviderConfigurationException("unknown provider setting '" + e.getKey() + "' for "
                        + HyperBillingProvider.ID + "; known settings: endpoint, timeout, maxAttempts, maxConcurrentRequests");
            }
        }
        return b.retryPolicy(policy).build();
    }
}
