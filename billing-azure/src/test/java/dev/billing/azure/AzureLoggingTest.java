package dev.billing.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.billing.testkit.AzureCostManagementSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs with every logger at TRACE (tag trace-logging: root pom), slf4j-simple printing to System.err; everything it prints is captured. */
@Tag("trace-logging")
@Timeout(30)
class AzureLoggingTest extends AzureTestSupport {

    @Test
    void logsAtTrace_describeEveryRequest_andNeverContainTheSecretOrTheToken() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<Throwable> errors = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            stubToken();
            String next = url() + QUERY_URL + "&$skiptoken=2";
            stubSequence(QUERY_URL, armError(429, "429", "throttled " + ACCESS_TOKEN)
                            .withHeader("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "0"),
                    aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), ok(page(next, row("1", 20260105))));
            server.stubFor(post(urlEqualTo(QUERY_URL + "&$skiptoken=2")).willReturn(ok(page(null, row("2", 20260106)))));
            fetch(provider(), january());
            server.resetAll();
            server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401).withBody(
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret " + SECRET
                            + "\",\"error_codes\":[7000215]}")));
            errors.add(catchThrowable(() -> fetch(provider(), january())));
            errors.add(catchThrowable(() -> provider().verify(account("prod-azure"))));
            stubToken();
            server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(403, "AuthorizationFailed", "no " + SECRET)));
            errors.add(catchThrowable(() -> fetch(provider(), january())));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log)
                .contains("DEBUG dev.billing.azure.internal.AzureHttp - POST " + TOKEN_PATH + " -> 200 (attempt 1,")
                .contains("POST " + QUERY_PATH + " -> 429 (attempt 1,")
                .contains("POST " + QUERY_PATH + " -> IOException (attempt 2,")
                .contains("POST " + QUERY_PATH + " -> 200 (attempt 3,")
                .contains("POST " + TOKEN_PATH + " -> 401 (attempt 1,")
                .contains("page 2 of [2026-01-01, 2026-02-01)")
                // 2 pages of usage, 1 of the charge-type query, 1 of each as AmortizedCost; the token, 2 failed attempts
                .contains("in 5 pages, 8 requests")
                .doesNotContain(SECRET)
                .doesNotContain(ACCESS_TOKEN)
                .doesNotContain("Authorization");
        assertThat(errors).hasSize(3).allSatisfy(e -> {
            assertThat(e).isNotNull().hasMessageNotContaining(SECRET).hasMessageNotContaining(ACCESS_TOKEN);
            assertThat(e.toString()).doesNotContain(SECRET);
        });
        assertThat(account("prod-azure").toString()).doesNotContain(SECRET);
        assertThat(provider().toString()).doesNotContain(SECRET);
    }

    /** Managed identity tokens and the App Service {@code IDENTITY_HEADER} appear in no log line, message or toString. */
    @Test
    void managedIdentity_tokensAndIdentityHeader_neverLogged() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String sub = "eeee0000-0000-0000-0000-000000000005";
        String scope = "/subscriptions/" + sub;
        List<String> texts = new ArrayList<>();
        Map<String, String> environment;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (AzureCostManagementSimulator sim = AzureCostManagementSimulator.builder().systemAssignedIdentity("mi-system")
                .row(AzureCostManagementSimulator.Row.of(sub, java.time.LocalDate.of(2026, 1, 5), "Storage", "westeurope", "EUR",
                        java.math.BigDecimal.ONE)).start()) {
            environment = sim.appServiceEnvironment();
            URI url = URI.create(sim.endpoint());
            for (Map<String, String> env : List.of(Map.<String, String>of(), environment)) {
                AzureCostManagementProvider provider = AzureCostManagementProvider.builder().endpoint(url).authority(url)
                        .imdsEndpoint(url).environment(env).build();
                fetch(provider, request(managed("mi", scope), java.time.LocalDate.of(2026, 1, 1), java.time.LocalDate.of(2026, 2, 1)));
                texts.add(provider.toString());
                texts.add(String.valueOf(catchThrowable(() -> provider.fetch(request(managed("mi-unknown", scope).withClientId("nope"),
                        java.time.LocalDate.of(2026, 1, 1), java.time.LocalDate.of(2026, 2, 1)), r -> { }))));
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log).contains("GET /metadata/identity/oauth2/token -> 200").contains("GET /msi/token -> 200")
                .contains("GET /metadata/identity/oauth2/token -> 400").doesNotContain("Metadata: true");
        assertThat(texts).hasSize(4).allSatisfy(t -> assertThat(t).doesNotContain(environment.get("IDENTITY_HEADER"))
                .doesNotContain("eyJ0eXAiOiJKV1QifQ."));
        assertThat(log).doesNotContain(environment.get("IDENTITY_HEADER")).doesNotContain("eyJ0eXAiOiJKV1QifQ.")
                .doesNotContain("X-IDENTITY-HEADER").doesNotContain("Authorization");
    }

    /** A managed identity account, with {@link ManagedAccount#withClientId} for a user-assigned identity. */
    private static ManagedAccount managed(String name, String scope) {
        return new ManagedAccount(name, scope, null);
    }

    private record ManagedAccount(String name, String scope, String clientId) {
        ManagedAccount withClientId(String id) {
            return new ManagedAccount(name, scope, id);
        }
    }

    private static dev.billing.core.spi.FetchRequest request(ManagedAccount a, java.time.LocalDate start, java.time.LocalDate end) {
        Map<String, String> c = new java.util.HashMap<>(Map.of("managedIdentity", "true", "scope", a.scope()));
        if (a.clientId() != null) {
            c.put("clientId", a.clientId());
        }
        return request(new dev.billing.core.ServiceAccount(dev.billing.core.ServiceAccountId.of(a.name()),
                dev.billing.core.ProviderId.of("azure-cost-management"), dev.billing.core.ProjectId.of("project-mi"),
                dev.billing.core.Credentials.of(c), Map.of()), start, end);
    }
}
