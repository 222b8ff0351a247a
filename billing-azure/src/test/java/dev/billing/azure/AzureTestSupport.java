package dev.billing.azure;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;
import dev.billing.testkit.RecordingSleeper;

/** A WireMock server on a dynamic loopback port serving both the token endpoint and the Query API. */
abstract class AzureTestSupport {
    static final String TENANT = "11111111-2222-3333-4444-555555555555";
    static final String CLIENT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    static final String SECRET = "Xy7~sEcReT.cLiEnT-9f8e7d6c5b4a";
    static final String SUB = "00000000-1111-2222-3333-444444444444";
    static final String SCOPE = "/subscriptions/" + SUB;
    static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    static final String QUERY_PATH = SCOPE + "/providers/Microsoft.CostManagement/query";
    static final String QUERY_URL = QUERY_PATH + "?api-version=" + AzureCostManagementProvider.API_VERSION;
    static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.access-token-1";
    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5,
            Duration.ofSeconds(5));

    /** Records the waits asked for between attempts instead of sleeping them. */
    final RecordingSleeper sleeper = new RecordingSleeper();

    WireMockServer server;

    @BeforeEach
    void startServer() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").jettyAcceptors(1));
        server.start();
        // the plan's ServiceName x ChargeType query: no non-usage charges unless a test stubs them
        server.stubFor(WireMock.post(WireMock.urlPathMatching(".*/providers/Microsoft.CostManagement/query"))
                .withRequestBody(WireMock.matchingJsonPath(CHARGE_QUERY)).atPriority(2).willReturn(ok(page(null))));
        // the AmortizedCost twin of every query (effective costs): no rows unless a test stubs them
        server.stubFor(WireMock.post(WireMock.urlPathMatching(".*/providers/Microsoft.CostManagement/query"))
                .withRequestBody(WireMock.matchingJsonPath("$.type", WireMock.equalTo(AMORTIZED))).atPriority(3)
                .willReturn(ok(page(null))));
    }

    /** The query type of effective costs. */
    static final String AMORTIZED = "AmortizedCost";

    /** Matches the body of the plan's query grouped by {@code ChargeType}. */
    static final String CHARGE_QUERY = "$.dataset.grouping[?(@.name == 'ChargeType')]";

    @AfterEach
    void stopServer() {
        server.stop();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    AzureCostManagementProvider.Builder builder() {
        return AzureCostManagementProvider.builder().endpoint(url()).authority(url()).http(http(FAST).build());
    }

    /** @return settings with {@code policy} and a 5 s request timeout */
    static HttpSettings.Builder http(RetryPolicy policy) {
        return HttpSettings.builder().retryPolicy(policy).requestTimeout(Duration.ofSeconds(5));
    }

    AzureCostManagementProvider provider() {
        return builder().build();
    }

    static ServiceAccount account(String name, String scope, String secret) {
        return new ServiceAccount(ServiceAccountId.of(name), ProviderId.of("azure-cost-management"), ProjectId.of("project-web"),
                Credentials.of(Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", secret, "scope", scope)), Map.of());
    }

    static ServiceAccount account(String name) {
        return account(name, SCOPE, SECRET);
    }

    static FetchRequest request(ServiceAccount account, LocalDate start, LocalDate end) {
        return FetchRequest.of(account, BillingPeriod.of(start, end), Granularity.DAILY);
    }

    static FetchRequest january() {
        return request(account("prod-azure"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
    }

    /** The records and stats of one fetch. */
    record Fetched(List<CostRecord> records, FetchStats stats) {
        BigDecimal total() {
            return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    static Fetched fetch(AzureCostManagementProvider provider, FetchRequest request) {
        List<CostRecord> records = new ArrayList<>();
        FetchStats stats = provider.fetch(request, records::add);
        return new Fetched(records, stats);
    }

    /** Stubs the token endpoint to hand out {@code token} valid for {@code seconds}. */
    void stubToken(String token, long seconds) {
        server.stubFor(WireMock.post(WireMock.urlEqualTo(TOKEN_PATH)).willReturn(ok(
                "{\"token_type\":\"Bearer\",\"expires_in\":" + seconds + ",\"ext_expires_in\":" + seconds
                        + ",\"access_token\":\"" + token + "\"}")));
    }

    void stubToken() {
        stubToken(ACCESS_TOKEN, 3599);
    }

    /** A query answer with the usual columns: Cost, UsageDate, ServiceName, ResourceLocation, Currency. */
    static String page(String nextLink, String... rows) {
        return "{\"id\":\"x\",\"name\":\"y\",\"type\":\"Microsoft.CostManagement/query\",\"properties\":{\"nextLink\":"
                + (nextLink == null ? "null" : "\"" + nextLink + "\"")
                + ",\"columns\":[{\"name\":\"Cost\",\"type\":\"Number\"},{\"name\":\"UsageDate\",\"type\":\"Number\"},"
                + "{\"name\":\"ServiceName\",\"type\":\"String\"},{\"name\":\"ResourceLocation\",\"type\":\"String\"},"
                + "{\"name\":\"Currency\",\"type\":\"String\"}],\"rows\":[" + String.join(",", rows) + "]}}";
    }

    static String row(String cost, int usageDate, String service) {
        return "[" + cost + "," + usageDate + ",\"" + service + "\",\"westeurope\",\"EUR\"]";
    }

    static String row(String cost, int usageDate) {
        return row(cost, usageDate, "Storage");
    }

    /** Stubs {@code POST path} to answer {@code responses} in turn, repeating the last. */
    void stubSequence(String path, ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            var mapping = WireMock.post(WireMock.urlEqualTo(path)).inScenario("sequence-" + path)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i)
                    .willReturn(responses[i]);
            if (i < responses.length - 1) {
                mapping = mapping.willSetStateTo("answer-" + (i + 1));
            }
            server.stubFor(mapping);
        }
    }

    static ResponseDefinitionBuilder ok(String body) {
        return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder armError(int status, String code, String message) {
        return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }

    int tokenRequests() {
        return server.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(TOKEN_PATH))).size();
    }

    /** @return the ActualCost usage queries ({@code ServiceName} x {@code ResourceLocation}) sent */
    int queryRequests() {
        return usageQueries().size();
    }

    List<com.github.tomakehurst.wiremock.verification.LoggedRequest> usageQueries() {
        return server.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo(QUERY_PATH))
                .withRequestBody(WireMock.notMatching(".*\"name\":\"ChargeType\"}\\].*"))
                .withRequestBody(WireMock.notMatching(".*\"type\":\"" + AMORTIZED + "\".*")));
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
