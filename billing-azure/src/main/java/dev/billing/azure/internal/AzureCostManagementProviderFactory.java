package dev.billing.azure.internal;

import dev.billing.azure.AzureCostManagementProvider;
import dev.billing.azure.AzureCostType;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.provider.support.SettingValues;
import dev.billing.provider.support.SettingsProviderFactory;
import java.util.List;

/**
 * Creates the {@code azure-cost-management} provider from provider settings; registered for
 * {@link java.util.ServiceLoader} ({@code provides} in module-info and {@code META-INF/services}), so the jar on the
 * class or module path enables the provider. Not exported: applications build the provider with
 * {@link AzureCostManagementProvider#builder()}.
 *
 * <p>Settings, all optional: {@code endpoint} (default {@value AzureCostManagementProvider#DEFAULT_ENDPOINT}),
 * {@code authority} (default {@value AzureCostManagementProvider#DEFAULT_AUTHORITY}), {@code costType}
 * ({@code ActualCost}, the default, or {@code AmortizedCost}), {@code imdsEndpoint} (default
 * {@value AzureCostManagementProvider#DEFAULT_IMDS_ENDPOINT}), {@code tagKeys} (comma-separated tag names read as tags).
 */
public final class AzureCostManagementProviderFactory extends SettingsProviderFactory {
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.optional("endpoint", "Azure Resource Manager's URL, https:// (http:// only for a loopback host)",
                    AzureCostManagementProvider.DEFAULT_ENDPOINT),
            ProviderSetting.optional("authority", "the Microsoft identity platform's URL, https:// (http:// only for a"
                    + " loopback host)", AzureCostManagementProvider.DEFAULT_AUTHORITY),
            ProviderSetting.optional("costType", "the costs queried: ActualCost or AmortizedCost", "ActualCost")
                    .satisfying(v -> AzureCostType.parse(v).isPresent(), "be ActualCost or AmortizedCost"),
            ProviderSetting.optional("imdsEndpoint", "the Azure Instance Metadata Service, where managed identity tokens"
                    + " come from outside App Service", AzureCostManagementProvider.DEFAULT_IMDS_ENDPOINT)
                    .satisfying(ManagedIdentity::acceptable, ManagedIdentity.IMDS_REQUIREMENT),
            ProviderSetting.optional("tagKeys", "comma-separated Azure tag names read as tags (case-insensitive; they"
                    + " cost queries per service and month); none when absent", null)
                    .satisfying(v -> QueryFetcher.validTagKeys(SettingValues.names(v)), QueryFetcher.TAG_KEYS_REQUIREMENT));

    /** Used by {@link java.util.ServiceLoader}. */
    public AzureCostManagementProviderFactory() {
        super(AzureCostManagementProvider.ID, SETTINGS);
    }

    @Override
    protected BillingProvider create(SettingValues values) {
        AzureCostManagementProvider.Builder b = AzureCostManagementProvider.builder();
        values.endpoint("endpoint", AzureCostManagementProvider.DEFAULT_ENDPOINT).ifPresent(b::endpoint);
        values.endpoint("authority", AzureCostManagementProvider.DEFAULT_AUTHORITY).ifPresent(b::authority);
        values.get("costType", v -> AzureCostType.parse(v).orElseThrow()).ifPresent(b::costType);
        values.get("imdsEndpoint", java.net.URI::create).ifPresent(b::imdsEndpoint);
        values.get("tagKeys", SettingValues::names).ifPresent(b::tagKeys);
        return b.build();
    }
}
