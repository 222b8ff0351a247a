package dev.billing.azure;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.core.spi.Endpoints;
import dev.billing.core.spi.ProviderSetting;
import java.util.List;
import java.util.Map;

/**
 * Creates the {@code azure-cost-management} provider from provider settings; registered for
 * {@link java.util.ServiceLoader}, so the jar on the classpath enables the provider.
 *
 * <p>Settings, all optional: {@code endpoint} (default {@value AzureCostManagementProvider#DEFAULT_ENDPOINT}),
 * {@code authority} (default {@value AzureCostManagementProvider#DEFAULT_AUTHORITY}), {@code costType}
 * ({@code ActualCost}, the default, or {@code AmortizedCost}).
 */
public final class AzureCostManagementProviderFactory implements BillingProviderFactory {
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.optional("endpoint", "Azure Resource Manager's URL, https:// (http:// only for a loopback host)",
                    AzureCostManagementProvider.DEFAULT_ENDPOINT),
            ProviderSetting.optional("authority", "the Microsoft identity platform's URL, https:// (http:// only for a"
                    + " loopback host)", AzureCostManagementProvider.DEFAULT_AUTHORITY),
            ProviderSetting.optional("costType", "the costs queried: ActualCost or AmortizedCost", "ActualCost")
                    .satisfying(v -> AzureCostType.parse(v).isPresent(), "be ActualCost or AmortizedCost"));

    /** Used by {@link java.util.ServiceLoader}. */
    public AzureCostManagementProviderFactory() {
    }

    @Override
    public String id() {
        return AzureCostManagementProvider.ID;
    }

    /** @return {@code endpoint}, {@code authority} and {@code costType}, all optional */
    @Override
    public List<ProviderSetting> settings() {
        return SETTINGS;
    }

    /**
     * @throws ProviderConfigurationException naming the setting and what to fix when one is unknown or malformed
     */
    @Override
    public BillingProvider create(Map<String, String> settings) {
        AzureCostManagementProvider.Builder b = AzureCostManagementProvider.builder();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String value = e.getValue();
            switch (e.getKey()) {
                case "endpoint" -> b.endpoint(Endpoints.parse(AzureCostManagementProvider.ID, "endpoint", value,
                        AzureCostManagementProvider.DEFAULT_ENDPOINT));
                case "authority" -> b.authority(Endpoints.parse(AzureCostManagementProvider.ID, "authority", value,
                        AzureCostManagementProvider.DEFAULT_AUTHORITY));
                case "costType" -> b.costType(AzureCostType.parse(value).orElseThrow(() -> new ProviderConfigurationException(
                        "provider setting 'costType' of " + AzureCostManagementProvider.ID
                                + " must be ActualCost or AmortizedCost, got '" + value + "'")));
                default -> throw new ProviderConfigurationException("unknown provider setting '" + e.getKey() + "' for "
                        + AzureCostManagementProvider.ID + "; known settings: endpoint, authority, costType");
            }
        }
        return b.build();
    }
}
