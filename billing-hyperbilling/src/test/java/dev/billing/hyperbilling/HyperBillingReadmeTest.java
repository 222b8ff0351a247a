package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import java.net.URI;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "HyperBilling provider" snippets, run against WireMock in place of https://hyperbilling.example.com. */
@Timeout(20)
class HyperBillingReadmeTest extends HyperBillingTestSupport {

    @BeforeEach
    void stubService() {
        server.stubFor(get(urlEqualTo(LINKED)).willReturn(ok("{\"Results\":[\"111111111111\"]}")));
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "12.5")))));
    }

    @Test
    void readme_discoveredProviderWithSettings() {
        String endpoint = endpoint().toString(); // README: "https://hyperbilling.example.com"
        String key = KEY;                        // README: System.getenv("HB_KEY_PROD")

        // --- README snippet 1 ---
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint, "timeout", "PT30S"))
                .build()) {
            billing.serviceAccounts().register("prod-aws", "hyperbilling-aws",
                    Credentials.of(Map.of("account", "111111111111", "email", "ops@example.com", "key", key)),
                    "project-web");
            billing.serviceAccounts().verify("prod-aws");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            // --- end ---
            assertThat(report.totals()).containsExactly(Money.of("12.5", "USD"));
        }
    }

    @Test
    void readme_providerBuiltInCode() {
        URI endpoint = endpoint(); // README: URI.create("https://hyperbilling.example.com")

        // --- README snippet 2 ---
        HyperBillingProvider hyperBilling = HyperBillingProvider.builder()
                .endpoint(endpoint)
                .requestTimeout(Duration.ofSeconds(30))
                .retryPolicy(RetryPolicy.defaults().withMaxAttempts(6))
                .maxConcurrentRequests(4)
                .build();
        try (Billing billing = Billing.builder()
                .disableProvider("hyperbilling-aws")
                .addProvider(hyperBilling)
                .build()) {
            // --- end ---
            billing.serviceAccounts().register("prod-aws", "hyperbilling-aws",
                    Credentials.of(Map.of("account", ACCOUNT_ID, "email", "ops@example.com", "key", KEY)), "project-web");
            assertThat(billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1))).totals())
                    .containsExactly(Money.of("12.5", "USD"));
        }
    }
}
