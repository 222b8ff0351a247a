package dev.billing.hyperbilling;

import dev.billing.provider.RetryPolicy;
import dev.billing.provider.HttpSettings;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The snippets of docs/hyperbilling.md (the regions between the README markers, which the examples
 * module's DocSnippetsTest compares with the page word for word), run against WireMock.
 */
@Timeout(20)
class HyperBillingReadmeTest extends HyperBillingTestSupport {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void stubServiceAndCaptureOut() {
        server.stubFor(get(urlEqualTo(LINKED)).willReturn(ok("{\"Results\":[\"111111111111\"]}")));
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "12.5")))));
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOut() {
        System.setOut(originalOut);
    }

    @Test
    void readme_discoveredProviderWithSettings_printsTheExactTotal() {
        String endpoint = endpoint().toString();
        String key = KEY;

        // README-BEGIN
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint, "timeout", "PT30S"))
                .build()) {
            billing.serviceAccounts().register("prod-aws", "hyperbilling-aws",
                    Credentials.of(Map.of("account", "111111111111", "email", "ops@example.com", "key", key)),
                    "project-web");
            billing.serviceAccounts().verify("prod-aws");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals());
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("domain total: [12.5 USD]" + System.lineSeparator());
    }

    @Test
    void readme_providerBuiltInCode_printsTheExactTotal() {
        String endpoint = endpoint().toString();
        Credentials credentials = Credentials.of(Map.of("account", ACCOUNT_ID, "email", "ops@example.com", "key", KEY));

        // README-BEGIN
        HyperBillingProvider hyperBilling = HyperBillingProvider.builder()
                .endpoint(URI.create(endpoint))
                .http(HttpSettings.builder()
                        .requestTimeout(Duration.ofSeconds(30))
                        .retryPolicy(RetryPolicy.defaults().withMaxAttempts(6))
                        .maxConcurrentRequests(4)
                        .build())
                .build();
        try (Billing billing = Billing.builder()
                .disableProvider("hyperbilling-aws")
                .addProvider(hyperBilling)
                .build()) {
            billing.serviceAccounts().register("prod-aws", "hyperbilling-aws", credentials, "project-web");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals());
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("domain total: [12.5 USD]" + System.lineSeparator());
    }
}
