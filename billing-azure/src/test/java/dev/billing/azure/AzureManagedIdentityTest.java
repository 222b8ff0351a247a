package dev.billing.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Managed identity credentials ({@code managedIdentity: true}, {@code clientId} for a user-assigned identity) against
 * the simulator's IMDS and App Service identity endpoints: a real fetch in each mode, tokens cached, refusals mapped.
 */
@Timeout(60)
class AzureManagedIdentityTest {
    static final String SYSTEM = "5a5a5a5a-0000-4000-8000-000000000001";
    static final String USER = "6b6b6b6b-0000-4000-8000-000000000002";
    static final String SUB = "dddd0000-0000-0000-0000-000000000004";
    static final String SCOPE = "/subscriptions/" + SUB;
    static final BillingPeriod JANUARY = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));

    AzureCostManagementSimulator sim;

    @BeforeEach
    void start() {
        sim = AzureCostManagementSimulator.builder().systemAssignedIdentity(SYSTEM).userAssignedIdentity(USER, SCOPE)
                .row(Row.of(SUB, LocalDate.of(2026, 1, 5), "Storage", "westeurope", "EUR", new BigDecimal("1.25")))
                .row(Row.of(SUB, LocalDate.of(2026, 1, 6), "Virtual Machines", "westeurope", "EUR", new BigDecimal("10.005")))
                .start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    AzureCostManagementProvider provider(Map<String, String> environment) {
        URI url = URI.create(sim.endpoint());
        return AzureCostManagementProvider.builder().endpoint(url).authority(url).imdsEndpoint(URI.create(sim.imdsEndpoint()))
                .environment(environment).build();
    }

    static ServiceAccount account(String name, Map<String, String> credentials) {
        return new ServiceAccount(ServiceAccountId.of(name), ProviderId.of(AzureCostManagementProvider.ID),
                ProjectId.of("project-mi"), Credentials.of(credentials), Map.of());
    }

    static BigDecimal fetch(AzureCostManagementProvider provider, ServiceAccount account) {
        List<CostRecord> records = new ArrayList<>();
        provider.fetch(FetchRequest.of(account, JANUARY, Granularity.DAILY), records::add);
        return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void imds_systemAssigned_fetches_withOneCachedToken() {
        AzureCostManagementProvider provider = provider(Map.of());
        ServiceAccount mi = account("vm-identity", Map.of("managedIdentity", "true", "scope", SCOPE));

        assertThat(fetch(provider, mi)).isEqualByComparingTo("11.255");
        assertThat(fetch(provider, mi)).isEqualByComparingTo("11.255");

        assertThat(sim.tokenRequests(SYSTEM)).isEqualTo(1);
        assertThat(sim.tokenRequests(USER)).isZero();
    }

    @Test
    void imds_userAssigned_isAskedForByItsClientId() {
        AzureCostManagementProvider provider = provider(Map.of());

        BigDecimal total = fetch(provider, account("aks-identity", Map.of("managedIdentity", "true", "clientId", USER,
                "scope", SCOPE)));

        assertThat(total).isEqualByComparingTo("11.255");
        assertThat(sim.tokenRequests(USER)).isEqualTo(1);
        assertThat(sim.tokenRequests(SYSTEM)).isZero();
    }

    @Test
    void appService_identityEndpoint_isUsedWhenTheEnvironmentNamesIt() {
        AzureCostManagementProvider provider = provider(sim.appServiceEnvironment());
        ServiceAccount mi = account("function-identity", Map.of("managedIdentity", "TRUE", "clientId", USER, "scope", SCOPE));

        assertThat(fetch(provider, mi)).isEqualByComparingTo("11.255");
        assertThat(fetch(provider, mi)).isEqualByComparingTo("11.255");

        assertThat(sim.tokenRequests(USER)).isEqualTo(1);
        // a wrong IDENTITY_HEADER is refused by the endpoint: credentials rejected, the header in no message
        Map<String, String> wrong = Map.of("IDENTITY_ENDPOINT", sim.appServiceEnvironment().get("IDENTITY_ENDPOINT"),
                "IDENTITY_HEADER", "not-the-header-4f1c");
        Throwable e = catchThrowable(() -> fetch(provider(wrong), mi));
        assertThat(e).isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("function-identity")
                .hasMessageContaining("App Service identity endpoint").hasMessageNotContaining("not-the-header-4f1c");
    }

    @Test
    void unknownIdentity_isCredentialsRejected_notRetried() {
        ServiceAccount mi = account("wrong-identity", Map.of("managedIdentity", "true", "clientId", "7c7c7c7c-0000", "scope", SCOPE));

        Throwable e = catchThrowable(() -> fetch(provider(Map.of()), mi));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("wrong-identity")
                .hasMessageContaining("7c7c7c7c-0000").hasMessageContaining("IMDS");
        assertThat(sim.tokenRequests("7c7c7c7c-0000")).isEqualTo(1);
    }

    /** As IMDS does, the simulator refuses a token request without {@code Metadata: true}. */
    @Test
    void simulatorImds_refusesARequestWithoutTheMetadataHeader() throws Exception {
        URI uri = URI.create(sim.imdsEndpoint() + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
                + "https%3A%2F%2Fmanagement.azure.com%2F");
        HttpClient client = HttpClient.newHttpClient();

        HttpResponse<String> without = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> with = client.send(HttpRequest.newBuilder(uri).header("Metadata", "true").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(without.statusCode()).isEqualTo(400);
        assertThat(without.body()).contains("Required metadata header not specified").doesNotContain("access_token");
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(with.body()).contains("\"access_token\"").contains("\"expires_on\"");
    }

    @Test
    void credentialShapes_areChecked() {
        AzureCostManagementProvider provider = provider(Map.of());

        Throwable both = catchThrowable(() -> fetch(provider, account("both", Map.of("managedIdentity", "true",
                "clientSecret", "s3cret-value", "scope", SCOPE))));
        Throwable neither = catchThrowable(() -> fetch(provider, account("neither", Map.of("clientId", USER, "clientSecret",
                "s3cret-value", "scope", SCOPE))));
        Throwable notBoolean = catchThrowable(() -> fetch(provider, account("typo", Map.of("managedIdentity", "yes",
                "scope", SCOPE))));

        assertThat(both).isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("clientSecret")
                .hasMessageNotContaining("s3cret-value");
        assertThat(((InvalidCredentialsException) neither).field()).isEqualTo("tenantId");
        assertThat(notBoolean).isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("managedIdentity");
        assertThat(catchThrowable(() -> AzureCostManagementProvider.builder().imdsEndpoint(URI.create("http://10.1.2.3"))
                .build())).isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("imdsEndpoint");
    }
}
