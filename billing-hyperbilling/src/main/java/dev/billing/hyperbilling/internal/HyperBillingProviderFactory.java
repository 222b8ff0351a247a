package dev.billing.hyperbilling.internal;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.hyperbilling.HyperBillingProvider;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.support.SettingValues;
import dev.billing.provider.support.SettingsProviderFactory;
import java.util.List;

/**
 * Creates the {@code hyperbilling-aws} provider from provider settings; registered for
 * {@link java.util.ServiceLoader} (and {@code provides} in the module descriptor), so the jar on the class or
 * module path enables the provider. Not exported: hosts build the provider with {@link HyperBillingProvider#builder()}.
 *
 * <p>Settings: {@code endpoint} (the base URL; without it the provider is created, but verify and
 * fetch fail asking for it), {@code timeout} (each request's timeout, an ISO-8601 duration such as
 * {@code PT30S}), {@code maxAttempts} (attempts per request, retries included), and
 * {@code maxConcurrentRequests} (requests in flight at once).
 */
public final class HyperBillingProviderFactory extends SettingsProviderFactory {
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.required("endpoint", "the HyperBilling API's base URL, https:// (http:// only for a"
                    + " loopback host)"),
            SettingValues.TIMEOUT, SettingValues.MAX_ATTEMPTS, SettingValues.MAX_CONCURRENT_REQUESTS);

    /** Used by {@link java.util.ServiceLoader}. */
    public HyperBillingProviderFactory() {
        super(HyperBillingProvider.ID, SETTINGS);
    }

    @Override
    protected BillingProvider create(SettingValues values) {
        HyperBillingProvider.Builder b = HyperBillingProvider.builder().http(values.http(HttpSettings.defaults()));
        values.endpoint("endpoint", Settings.ENDPOINT_EXAMPLE).ifPresent(b::endpoint);
        return b.build();
    }
}
