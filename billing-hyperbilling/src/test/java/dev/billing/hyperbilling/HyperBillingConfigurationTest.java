package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.CredentialField;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.hyperbilling.internal.HyperBillingProviderFactory;
import java.net.URI;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class HyperBillingConfigurationTest extends HyperBillingTestSupport {
    private final HyperBillingProviderFactory factory = new HyperBillingProviderFactory();

    @Test
    void discovery_enablesHyperBillingFromTheClasspathWithoutSettings() {
        try (Billing billing = Billing.create()) {
            BillingProvider provider = billing.providers().get("hyperbilling-aws");

            assertThat(provider).isInstanceOf(HyperBillingProvider.class);
            assertThat(provider.displayName()).isEqualTo("Hyper Billing");
            assertThat(provider.credentialSchema().fields()).extracting(CredentialField::name)
                    .containsExactly("account", "email", "key");
            assertThat(provider.credentialSchema().fields()).extracting(CredentialField::secret)
                    .containsExactly(false, false, true);
            assertThat(provider.capabilities()).contains(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY);
        }
    }

    @Test
    void domainTotal_throughDiscoveredProvider_isExactAndComplete() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "1.5E-7"), row("2026-01-20", "41.99999985")))));
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint().toString(), "maxAttempts", "1"))
                .build()) {
            billing.serviceAccounts().register("prod-aws", "hyperbilling-aws",
                    Credentials.of(Map.of("account", ACCOUNT_ID, "email", "ops@example.com", "key", KEY)), "project-web");

            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));

            assertThat(report.isComplete()).isTrue();
            assertThat(report.totals()).containsExactly(Money.of("42", "USD"));
        }
    }

    @Test
    void fetchAndVerify_withoutEndpoint_askForTheSetting() {
        BillingProvider provider = factory.create(Map.of());

        assertThatThrownBy(() -> provider.fetch(oneWindow(Granularity.DAILY), r -> { }))
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessageStartingWith("provider hyperbilling-aws has no endpoint: set the provider setting 'endpoint'");
        assertThatThrownBy(() -> provider.verify(account("prod-aws")))
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("set the provider setting 'endpoint'");
    }

    @Test
    void factory_readsEverySetting() {
        HyperBillingProvider provider = (HyperBillingProvider) factory.create(Map.of("endpoint", "https://hb.example.com/api/",
                "timeout", "PT5S", "maxAttempts", "2", "maxConcurrentRequests", "7"));

        assertThat(provider.endpoint()).hasValue(URI.create("https://hb.example.com/api"));
        assertThat(provider.http().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(provider.http().retryPolicy().maxAttempts()).isEqualTo(2);
        assertThat(provider.http().maxConcurrentRequests()).isEqualTo(7);
        assertThat(provider.id().value()).isEqualTo("hyperbilling-aws");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "endpoint|http://hb.example.com|provider setting 'endpoint' of hyperbilling-aws must use https://",
        "endpoint|hb.example.com|provider setting 'endpoint' of hyperbilling-aws must be an absolute https:// URL",
        "endpoint|https://exa mple.com|provider setting 'endpoint' of hyperbilling-aws is not a URL",
        "endpoint|ftp://hb.example.com|provider setting 'endpoint' of hyperbilling-aws must be an absolute https:// URL",
        "timeout|30s|provider setting 'timeout' of hyperbilling-aws must be a positive ISO-8601 duration such as PT30S, at most 366 days, got '30s'",
        "maxAttempts|0|provider setting 'maxAttempts' of hyperbilling-aws must be a whole number of at least 1, got '0'",
        "maxConcurrentRequests|many|provider setting 'maxConcurrentRequests' of hyperbilling-aws must be a whole number",
        "endpiont|https://hb.example.com|unknown provider setting 'endpiont' for hyperbilling-aws; known settings: endpoint"
    })
    void factory_withABadSetting_namesTheSettingAndWhatToFix(String setting, String value, String message) {
        assertThatThrownBy(() -> factory.create(Map.of(setting, value)))
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1:1", "http://127.10.20.30", "http://[::1]:9000",
        "https://hb.example.com"})
    void factory_acceptsHttpsAndPlainHttpOnLoopback(String endpoint) {
        assertThatCode(() -> factory.create(Map.of("endpoint", endpoint))).doesNotThrowAnyException();
    }

    @Test
    void builder_rejectsPlainHttpToARemoteHost() {
        assertThatThrownBy(() -> HyperBillingProvider.builder().endpoint(URI.create("http://127.0.0.1.example.com")).build())
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("must use https://");
    }
}
