package dev.billing.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Credentials;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AzureTokenTest extends AzureTestSupport {

    @Test
    void token_fetchedOnceAndReusedAcrossPagesAndAccountsOfOnePrincipal() {
        stubToken();
        String next = url() + QUERY_URL + "&$skiptoken=page2";
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(next, row("1.5", 20260105)))));
        server.stubFor(post(urlEqualTo(QUERY_URL + "&$skiptoken=page2")).willReturn(ok(page(null, row("2.25", 20260106)))));
        AzureCostManagementProvider provider = provider();

        Fetched first = fetch(provider, january());
        Fetched second = fetch(provider, request(account("other-name-same-principal"), LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 2, 1)));

        assertThat(first.total()).isEqualByComparingTo("3.75");
        assertThat(second.total()).isEqualByComparingTo("3.75");
        assertThat(tokenRequests()).isEqualTo(1);
        assertThat(queryRequests()).isEqualTo(4);
        server.verify(10, postRequestedFor(urlPathEqualTo(QUERY_PATH)).withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
        server.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"))
                .withRequestBody(containing("client_id=" + CLIENT)));
        // token + 2 pages of usage + the charge-type query + both as AmortizedCost
        assertThat(first.stats().requests()).isEqualTo(6);
    }

    @Test
    void token_refreshedShortlyBeforeItExpires() {
        stubToken(ACCESS_TOKEN, 3600);
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null, row("1", 20260105)))));
        MutableClock clock = new MutableClock(Instant.parse("2026-02-10T00:00:00Z"));
        AzureCostManagementProvider provider = builder().http(http(FAST).clock(clock).build()).build();

        fetch(provider, january());
        clock.advance(Duration.ofMinutes(50));
        fetch(provider, january());
        assertThat(tokenRequests()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(6)); // 56 minutes: inside the 5-minute margin before expiry
        fetch(provider, january());
        assertThat(tokenRequests()).isEqualTo(2);
    }

    @Test
    void token_oneRequestAtATimePerPrincipal() throws Exception {
        server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(ok("{\"token_type\":\"Bearer\",\"expires_in\":3599,"
                + "\"access_token\":\"" + ACCESS_TOKEN + "\"}").withFixedDelay(300)));
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null, row("1", 20260105)))));
        AzureCostManagementProvider provider = provider();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Fetched>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String name = "acct-" + i;
                all.add(CompletableFuture.supplyAsync(() -> fetch(provider, request(account(name),
                        LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1))), pool));
            }
            for (CompletableFuture<Fetched> f : all) {
                assertThat(f.get().total()).isEqualByComparingTo("1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(tokenRequests()).isEqualTo(1);
    }

    @Test
    void wrongSecret_credentialsRejectedNamingTheAccount_notRetried_secretNowhere() {
        server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. "
                        + "Got " + SECRET + ". Trace ID: 1\",\"error_codes\":[7000215],\"timestamp\":\"2026-01-01 00:00:00Z\"}")));

        Throwable e = catchThrowable(() -> fetch(provider(), january()));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("service account 'prod-azure'")
                .hasMessageContaining("AADSTS7000215")
                .hasMessageContaining("clientSecret")
                .hasMessageNotContaining(SECRET);
        assertThat(e.toString()).doesNotContain(SECRET);
        assertThat(((CredentialsRejectedException) e).serviceAccount()).contains("prod-azure");
        assertThat(((CredentialsRejectedException) e).retryable()).isFalse();
        assertThat(tokenRequests()).isEqualTo(1);
        assertThat(queryRequests()).isZero();
    }

    @Test
    void unknownApplication_AADSTS700016_credentialsRejectedAskingForClientAndTenant() {
        server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS700016: Application with identifier"
                        + " 'x' was not found in the directory 'y'.\",\"error_codes\":[700016]}")));

        Throwable e = catchThrowable(() -> fetch(provider(), january()));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("AADSTS700016")
                .hasMessageContaining("'clientId'").hasMessageContaining("'tenantId'");
        assertThat(tokenRequests()).isEqualTo(1);
    }

    @Test
    void tokenEndpoint503_isRetried() {
        stubSequence(TOKEN_PATH, aResponse().withStatus(503), ok("{\"token_type\":\"Bearer\",\"expires_in\":\"3599\","
                + "\"access_token\":\"" + ACCESS_TOKEN + "\"}"));
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null, row("4.5", 20260105)))));

        assertThat(fetch(provider(), january()).total()).isEqualByComparingTo("4.5");
        assertThat(tokenRequests()).isEqualTo(2);
    }

    @Test
    void http401_refreshesTheTokenOnce_thenSucceeds() {
        stubToken();
        stubSequence(QUERY_URL, armError(401, "ExpiredAuthenticationToken", "expired"), ok(page(null, row("7", 20260105))));

        assertThat(fetch(provider(), january()).total()).isEqualByComparingTo("7");
        assertThat(tokenRequests()).isEqualTo(2);
        assertThat(queryRequests()).isEqualTo(2);
    }

    @Test
    void http401_afterARefresh_isCredentialsRejected() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(401, "InvalidAuthenticationToken", "bad token")));

        Throwable e = catchThrowable(() -> fetch(provider(), january()));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("HTTP 401")
                .hasMessageContaining("after a token refresh").hasMessageContaining("prod-azure");
        assertThat(tokenRequests()).isEqualTo(2);
        assertThat(queryRequests()).isEqualTo(2);
    }

    @Test
    void hostTokenSource_replacesClientCredentials_andIsCached() {
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null, row("2", 20260105)))));
        AtomicInteger calls = new AtomicInteger();
        List<AzureTokenRequest> seen = new ArrayList<>();
        AzureCostManagementProvider provider = builder().tokenSource(r -> {
            calls.incrementAndGet();
            seen.add(r);
            return new AzureAccessToken("host-token", Instant.now().plus(Duration.ofHours(1)));
        }).build();
        ServiceAccount noSecret = new ServiceAccount(ServiceAccountId.of("mi-azure"), ProviderId.of("azure-cost-management"),
                ProjectId.of("project-web"), Credentials.of(Map.of("tenantId", TENANT, "clientId", CLIENT, "scope", SCOPE)),
                Map.of());

        fetch(provider, request(noSecret, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 10)));
        fetch(provider, request(noSecret, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 10)));

        assertThat(calls).hasValue(1);
        assertThat(seen.get(0).scopes()).containsExactly("https://management.azure.com/.default");
        assertThat(seen.get(0).tenantId()).isEqualTo(TENANT);
        assertThat(tokenRequests()).isZero();
        server.verify(8, postRequestedFor(urlPathEqualTo(QUERY_PATH)).withHeader("Authorization", equalTo("Bearer host-token")));
        assertThat(new AzureAccessToken("host-token", Instant.EPOCH).toString()).doesNotContain("host-token");
    }

    @Test
    void missingSecretWithoutHostSource_isInvalidCredentials() {
        ServiceAccount noSecret = new ServiceAccount(ServiceAccountId.of("x"), ProviderId.of("azure-cost-management"),
                ProjectId.of("p"), Credentials.of(Map.of("tenantId", TENANT, "clientId", CLIENT, "scope", SCOPE)), Map.of());

        assertThat(catchThrowable(() -> fetch(provider(), request(noSecret, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2)))))
                .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("clientSecret");
        assertThat(catchThrowable(() -> fetch(provider(), request(account("y", "/subscriptions/a b", SECRET),
                LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2)))))
                .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("scope");
    }
}
