package dev.billing.hyperbilling.internal;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.hyperbilling.HyperBillingMzcProvider;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.support.SettingValues;
import dev.billing.provider.support.SettingsProviderFactory;
import java.util.List;

/**
 * Creates the {@code hyperbilling-mzc} provider from provider settings; registered for
 * {@link java.util.ServiceLoader} (and {@code provides} in the module descriptor), so the jar on the class or
 * module path enables the provider. Not exported: hosts build the provider with {@link HyperBillingMzcProvider#builder()}.
 *
 * <p>Settings: {@code endpoint} (required: the base URL of the summary API; without it the provider
 * is created, but verify and fetch fail asking for it), {@code timeout} (each request's timeout, an
 * ISO-8601 duration such as {@code PT30S}) and {@code maxAttempts} (attempts per request, retries
 * included).
 */
public final class HyperBillingMzcProviderFactory extends SettingsProviderFactory {
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.required("endpoint", "the HyperBilling summary API's base URL, https:// (http:// only for a"
                    + " loopback host); its host name is the tokens' audience"),
            SettingValues.TIMEOUT, SettingValues.MAX_ATTEMPTS);

    /** Used by {@link java.util.ServiceLoader}. */
    public HyperBillingMzcProviderFactory() {
        super(HyperBillingMzcProvider.ID, SETTINGS);
    }

    @Override
    protected BillingProvider create(SettingValues values) {
        HyperBillingMzcProvider.Builder b = HyperBillingMzcProvider.builder().http(values.http(HttpSettings.defaults()));
        values.endpoint("endpoint", Settings.ENDPOINT_EXAMPLE).ifPresent(b::endpoint);
        return b.build();
    }
}
