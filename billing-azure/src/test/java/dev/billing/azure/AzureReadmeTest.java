package dev.billing.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;
import dev.billing.testkit.AzureCostManagementSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * The snippets of docs/azure-cost-management.md (the regions between the README markers, which the
 * examples module's DocSnippetsTest compares with the page word for word), run against
 * {@link AzureCostManagementSimulator}. azure-identity is a test dependency only.
 */
@Timeout(30)
class AzureReadmeTest {
    private static final String TENANT = "contoso.onmicrosoft.com";
    private static final String CLIENT = "00000000-0000-0000-0000-00000000c1d0";
    private static final String SECRET = "readme~secret";
    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000a1";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private AzureCostManagementSimulator sim;

    @BeforeEach
    void startSimulatorAndCaptureOut() {
        sim = AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET)
                .row(AzureCostManagementSimulator.Row.of(SUBSCRIPTION, LocalDate.of(2026, 1, 5), "Storage", "westeurope", "EUR",
                        new BigDecimal("12.5")))
                .row(AzureCostManagementSimulator.Row.of(SUBSCRIPTION, LocalDate.of(2026, 1, 6), "Bandwidth", "westeurope", "EUR",
                        new BigDecimal("0.25")))
                .start();
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        sim.close();
    }

    @Test
    void readme_discoveredProviderWithSettings_printsTheExactTotal() {
        String endpoint = sim.endpoint();
        String authority = sim.endpoint();
        String tenantId = TENANT;
        String clientId = CLIENT;
        String clientSecret = SECRET;
        String subscriptionId = SUBSCRIPTION;

        // README-BEGIN
        try (Billing billing = Billing.builder()
                .providerSettings("azure-cost-management", Map.of(
                        "endpoint", endpoint,       // default https://management.azure.com
                        "authority", authority,     // default https://login.microsoftonline.com
                        "costType", "ActualCost"))
                .build()) {
            billing.serviceAccounts().register("prod-azure", "azure-cost-management",
                    Credentials.of(Map.of("tenantId", tenantId, "clientId", clientId, "clientSecret", clientSecret,
                            "scope", "/subscriptions/" + subscriptionId)),
                    "project-web");
            billing.serviceAccounts().verify("prod-azure");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals());
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("domain total: [12.75 EUR]" + System.lineSeparator());
    }

    // README-BEGIN
    /** Lets the provider take its tokens from azure-identity: managed identity, workload identity, Azure CLI... */
    static final class TokenCredentialSource implements AzureTokenSource {
        private final TokenCredential credential;

        TokenCredentialSource(TokenCredential credential) {
            this.credential = credential;
        }

        @Override
        public AzureAccessToken token(AzureTokenRequest request) {
            AccessToken token = credential.getTokenSync(new TokenRequestContext()
                    .addScopes(request.scopes().toArray(String[]::new))
                    .setTenantId(request.tenantId()));
            return new AzureAccessToken(token.getToken(), token.getExpiresAt().toInstant());
        }
    }
    // README-END

    @Test
    void readme_tokenCredentialAdapter_feedsTheProvider() {
        String endpoint = sim.endpoint();
        String tenantId = TENANT;
        String clientId = CLIENT;
        String subscriptionId = SUBSCRIPTION;
        List<TokenRequestContext> asked = new ArrayList<>();
        // stands in for new DefaultAzureCredentialBuilder().build(), which would reach Azure
        TokenCredential credential = context -> {
            asked.add(context);
            return Mono.just(new AccessToken(sim.issueToken(TENANT, CLIENT), OffsetDateTime.now().plusHours(1)));
        };

        // README-BEGIN
        AzureCostManagementProvider azure = AzureCostManagementProvider.builder()
                .endpoint(URI.create(endpoint))
                .tokenSource(new TokenCredentialSource(credential))
                .build();
        try (Billing billing = Billing.builder()
                .disableProvider("azure-cost-management")
                .addProvider(azure)
                .build()) {
            billing.serviceAccounts().register("prod-azure", "azure-cost-management",
                    Credentials.of(Map.of("tenantId", tenantId, "clientId", clientId,
                            "scope", "/subscriptions/" + subscriptionId)),
                    "project-web");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals());
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("domain total: [12.75 EUR]" + System.lineSeparator());
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).getScopes()).containsExactly("https://management.azure.com/.default");
        assertThat(asked.get(0).getTenantId()).isEqualTo(TENANT);
        assertThat(sim.tokenRequests(CLIENT)).isZero();
    }

    @Test
    void guide_simulatorAsShown_servesTheNarrowPrincipalItsScopeOnly() {
        // README-BEGIN
        AzureCostManagementSimulator simulator = AzureCostManagementSimulator.builder()
                .principal("contoso.onmicrosoft.com", "client-id", "secret")              // may read every scope
                .principal("contoso.onmicrosoft.com", "narrow-id", "secret2", "/subscriptions/sub-1")
                .billingAccount("1234:5678_2019-05-31", "sub-1", "sub-2")
                .row(AzureCostManagementSimulator.Row.of("sub-1", LocalDate.of(2026, 1, 5), "Storage", "westeurope", "EUR", new BigDecimal("1.25")))
                .pageSize(100)
                .start();
        // README-END

        try (simulator; Billing billing = Billing.builder()
                .providerSettings("azure-cost-management", Map.of("endpoint", simulator.endpoint(), "authority", simulator.endpoint()))
                .build()) {
            billing.serviceAccounts().register("narrow", "azure-cost-management", Credentials.of(Map.of(
                    "tenantId", "contoso.onmicrosoft.com", "clientId", "narrow-id", "clientSecret", "secret2",
                    "scope", "/subscriptions/sub-1")), "project-web");
            billing.serviceAccounts().register("outside", "azure-cost-management", Credentials.of(Map.of(
                    "tenantId", "contoso.onmicrosoft.com", "clientId", "narrow-id", "clientSecret", "secret2",
                    "scope", "/subscriptions/sub-2")), "project-other");

            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));

            assertThat(report.project("project-web").totals()).hasToString("[1.25 EUR]");
            assertThat(report.coverage()).filteredOn(c -> c.error() != null).extracting(c -> c.name())
                    .containsExactly("outside");
        }
    }

    @Test
    void defaultAzureCredential_fitsTheAdapter() {
        TokenCredential credential = new DefaultAzureCredentialBuilder().build(); // built only: asking it would leave loopback
        assertThat(new TokenCredentialSource(credential)).isInstanceOf(AzureTokenSource.class);
    }

    /** The snippet of docs/http-settings.md. */
    @Test
    void httpSettingsSnippet_givesTheProviderThoseSettings() {
        // README-BEGIN
        HttpSettings http = HttpSettings.builder()
                .requestTimeout(Duration.ofSeconds(45))
                .retryPolicy(RetryPolicy.defaults().withMaxAttempts(3))
                .build();
        AzureCostManagementProvider azure = AzureCostManagementProvider.builder().http(http).build();
        // README-END
        assertThat(azure.http().requestTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(azure.http().retryPolicy().maxAttempts()).isEqualTo(3);
        assertThat(azure.http().connectTimeout()).isEqualTo(HttpSettings.defaults().connectTimeout());
    }
}
