package dev.billing.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.azure.internal.AzureCostManagementProviderFactory;
import dev.billing.core.Billing;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureConfigurationTest {
    private final AzureCostManagementProviderFactory factory = new AzureCostManagementProviderFactory();

    @Test
    void discoveredByServiceLoader_withDefaultsAndDeclaredSettings() {
        try (Billing billing = Billing.create()) {
            BillingProvider p = billing.providers().find("azure-cost-management").orElseThrow();
            assertThat(p).isInstanceOf(AzureCostManagementProvider.class);
            AzureCostManagementProvider azure = (AzureCostManagementProvider) p;
            assertThat(azure.endpoint()).isEqualTo(URI.create("https://management.azure.com"));
            assertThat(azure.authority()).isEqualTo(URI.create("https://login.microsoftonline.com"));
            assertThat(azure.costType()).isEqualTo(AzureCostType.ACTUAL_COST);
            assertThat(azure.tagKeys()).isEmpty();
            assertThat(p.displayName()).isEqualTo("Azure Cost Management");
            assertThat(p.credentialSchema().fields()).extracting(f -> f.name())
                    .containsExactly("tenantId", "clientId", "clientSecret", "managedIdentity", "scope");
            assertThat(p.credentialSchema().field("clientSecret").orElseThrow().secret()).isTrue();
        }
        assertThat(factory.settings()).extracting(ProviderSetting::name)
                .containsExactly("endpoint", "authority", "costType", "imdsEndpoint", "tagKeys");
        assertThat(factory.settings()).noneMatch(ProviderSetting::required);
    }

    @Test
    void settings_areParsed_andBadOnesNamed() {
        AzureCostManagementProvider p = (AzureCostManagementProvider) factory.create(Map.of(
                "endpoint", "https://management.usgovcloudapi.net/", "authority", "http://127.0.0.1:8080",
                "costType", "amortizedcost"));
        assertThat(p.endpoint()).isEqualTo(URI.create("https://management.usgovcloudapi.net"));
        assertThat(p.authority()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(p.costType()).isEqualTo(AzureCostType.AMORTIZED_COST);

        assertThatThrownBy(() -> factory.create(Map.of("region", "x"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("unknown provider setting 'region'");
        assertThatThrownBy(() -> factory.create(Map.of("costType", "Usage"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("costType").hasMessageContaining("ActualCost or AmortizedCost");
        assertThatThrownBy(() -> factory.create(Map.of("authority", "http://login.example.com")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("'authority'")
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> factory.create(Map.of("endpoint", "management.azure.com")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("'endpoint'");
        assertThatThrownBy(() -> Billing.builder().providerSettings("azure-cost-management", Map.of("costType", "Nope")).build())
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("costType");
    }

    @Test
    void hostTokenSource_makesTheSecretOptional() {
        AzureCostManagementProvider p = AzureCostManagementProvider.builder()
                .tokenSource(r -> new AzureAccessToken("t", java.time.Instant.EPOCH)).build();
        assertThat(p.credentialSchema().field("clientSecret").orElseThrow().required()).isFalse();
        assertThat(p.toString()).contains("host token source");
        assertThat(p.toBuilder().build().tokenSource()).isPresent();
    }
}
