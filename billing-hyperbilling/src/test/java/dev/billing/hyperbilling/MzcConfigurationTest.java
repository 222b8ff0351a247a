package dev.billing.hyperbilling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.CredentialField;
import dev.billing.core.Granularity;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.hyperbilling.internal.HyperBillingMzcProviderFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class MzcConfigurationTest {
    private final HyperBillingMzcProviderFactory factory = new HyperBillingMzcProviderFactory();

    @Test
    void discovery_enablesBothProvidersOfTheJar() {
        try (Billing billing = Billing.create()) {
            BillingProvider mzc = billing.providers().get("hyperbilling-mzc");

            assertThat(mzc).isInstanceOf(HyperBillingMzcProvider.class);
            assertThat(mzc.displayName()).isEqualTo("Hyper Billing (MZC): Google Cloud, Alibaba, Tencent, Akamai");
            assertThat(mzc.credentialSchema().fields()).extracting(CredentialField::name)
                    .containsExactly("platform", "accountId", "clientEmail", "privateKey");
            assertThat(mzc.credentialSchema().fields()).extracting(CredentialField::secret)
                    .containsExactly(false, false, false, true);
            assertThat(billing.providers().get("hyperbilling-aws")).isInstanceOf(HyperBillingProvider.class);
        }
    }

    @Test
    void factory_readsEverySetting() {
        HyperBillingMzcProvider provider = (HyperBillingMzcProvider) factory.create(Map.of(
                "endpoint", "https://summary.example.com/api/", "timeout", "PT5S", "maxAttempts", "2"));

        assertThat(provider.endpoint()).contains(URI.create("https://summary.example.com/api"));
        assertThat(provider.http().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(provider.http().retryPolicy().maxAttempts()).isEqualTo(2);
    }

    @Test
    void factory_unknownOrMalformedSetting_namesItAndTheProvider() {
        assertThatThrownBy(() -> factory.create(Map.of("maxConcurrentRequests", "3")))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessage("unknown provider setting 'maxConcurrentRequests' for hyperbilling-mzc;"
                        + " known settings: endpoint, timeout, maxAttempts");
        assertThatThrownBy(() -> factory.create(Map.of("endpoint", "http://summary.example.com")))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageStartingWith("provider setting 'endpoint' of hyperbilling-mzc must use https://");
        assertThatThrownBy(() -> factory.create(Map.of("timeout", "30")))
                .hasMessageContaining("'timeout' of hyperbilling-mzc must be a positive ISO-8601 duration");
    }

    @Test
    void fetch_withoutEndpoint_asksForTheSetting() {
        BillingProvider provider = factory.create(Map.of());

        assertThatThrownBy(() -> provider.fetch(MzcTestSupport.january(Granularity.DAILY), r -> { }))
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessageStartingWith("provider hyperbilling-mzc has no endpoint: set the provider setting 'endpoint'");
    }
}
