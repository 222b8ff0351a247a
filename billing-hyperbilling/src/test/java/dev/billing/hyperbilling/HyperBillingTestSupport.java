package dev.billing.hyperbilling;

import dev.billing.provider.RetryPolicy;
import dev.billing.provider.HttpSettings;
import dev.billing.testkit.RecordingSleeper;
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
import java.time.Clock;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A WireMock server on a dynamic loopback port, a provider pointed at it, and helpers. */
abstract class HyperBillingTestSupport {
    static final String BILLING = "/v1/search/billing";
    static final String LINKED = "/v1/search/linkedaccount";
    static final String KEY = "sEcReT-kEy-9f8e7d6c5b4a";
    static final String ACCOUNT_ID = "111111111111";
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5,
            Duration.ofSeconds(3));

    WireMockServer server;

    @BeforeEach
    void startServer() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").jettyAcceptors(1));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    HyperBillingProvider provider() {
        return provider(FAST);
    }

    HyperBillingProvider provider(RetryPolicy policy) {
        return provider(HttpSettings.builder().retryPolicy(policy).requestTimeout(Duration.ofSeconds(5)).build());
    }

    HyperBillingProvider provider(HttpSettings http) {
        return HyperBillingProvider.builder().endpoint(endpoint()).http(http).build();
    }

    /** Records the waits asked for between attempts instead of sleeping them. */
    final RecordingSleeper sleeper = new RecordingSleeper();

    /** @return settings that wait through {@link #sleeper} */
    HttpSettings recordingWaits(RetryPolicy policy, Clock clock) {
        return HttpSettings.builder().retryPolicy(policy).requestTimeout(Duration.ofSeconds(5)).clock(clock)
                .sleeper(sleeper).build();
    }

    static ServiceAccount account(String name) {
        return new ServiceAccount(ServiceAccountId.of(name), ProviderId.of("hyperbilling-aws"), ProjectId.of("project-web"),
                Credentials.of(Map.of("account", ACCOUNT_ID, "email", "ops@example.com", "key", KEY)), Map.of());
    }

    /**
     * A period fetched in one request: 30 days of January 2026 for DAILY (the longest DAILY window),
     * all of January for MONTHLY and YEARLY.
     */
    static FetchRequest oneWindow(Granularity granularity) {
        LocalDate end = granularity == Granularity.DAILY ? LocalDate.of(2026, 1, 31) : LocalDate.of(2026, 2, 1);
        return FetchRequest.of(account("prod-aws"), BillingPeriod.of(LocalDate.of(2026, 1, 1), end), granularity);
    }

    /** The records and stats of one fetch. */
    record Fetched(List<CostRecord> records, FetchStats stats) {
        BigDecimal total() {
            return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    static Fetched fetch(HyperBillingProvider provider, FetchRequest request) {
        List<CostRecord> records = new ArrayList<>();
        FetchStats stats = provider.fetch(request, records::add);
        return new Fetched(records, stats);
    }

    /** A daily billing row. */
    static String row(String date, String region, String service, String usageType, String cost, String quantity) {
        return "{\"GroupBy\":{\"USAGE_DATE\":" + json(date) + ",\"REGION\":" + json(region) + ",\"SERVICE_CODE\":"
                + json(service) + ",\"USAGE_TYPE\":" + json(usageType) + ",\"INSTANCE_TYPE\":\"t3.micro\"},"
                + "\"Value\":{\"USAGE_COST\":" + cost + ",\"USAGE_QUANTITY\":" + quantity + "}}";
    }

    static String row(String date, String cost) {
        return row(date, "APN2", "AmazonEC2", "APN2-BoxUsage:t3.micro", cost, "24");
    }

    /** A billing answer; {@code extra} is inserted as further top-level fields, e.g. a token. */
    static String page(String extra, String... rows) {
        return "{" + (extra.isEmpty() ? "" : extra + ",") + "\"Results\":[" + String.join(",", rows) + "]}";
    }

    /** Stubs {@code POST path} to answer {@code responses} in turn, repeating the last. */
    void stubSequence(String path, ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            var mapping = WireMock.post(WireMock.urlEqualTo(path)).inScenario("sequence")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i)
                    .willReturn(responses[i]);
            if (i < responses.length - 1) {
                mapping = mapping.willSetStateTo("answer-" + (i + 1));
            }
            server.stubFor(mapping);
        }
    }

    /** @return a 200 answer with that body */
    static ResponseDefinitionBuilder ok(String body) {
        return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** @return an answer with that status and the spec's error body */
    static ResponseDefinitionBuilder error(int status, String code) {
        return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"errorCode\":\"" + code + "\",\"message\":\"test\"}");
    }

    int billingRequests() {
        return server.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(BILLING))).size();
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
