package dev.billing.hyperbilling;

import dev.billing.provider.RetryPolicy;
import dev.billing.provider.HttpSettings;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
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
import dev.billing.testkit.SummaryData;
import java.math.BigDecimal;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A WireMock server on a dynamic loopback port, a hyperbilling-mzc provider pointed at it, keys and helpers. */
abstract class MzcTestSupport {
    static final String SUMMARY = "/summary";
    static final String ACCOUNT_ID = "01A2B3-C4D5E6-F7A8B9";
    static final String CLIENT_EMAIL = "billing-reader@example.iam.gserviceaccount.com";
    static final KeyPair KEY = SummaryData.newKeyPair();
    static final KeyPair OTHER_KEY = SummaryData.newKeyPair();
    static final String PRIVATE_KEY_PEM = SummaryData.pkcs8Pem(KEY.getPrivate());
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

    HyperBillingMzcProvider provider() {
        return HyperBillingMzcProvider.builder().endpoint(URI.create("http://127.0.0.1:" + server.port()))
                .http(HttpSettings.builder().retryPolicy(FAST).requestTimeout(Duration.ofSeconds(5)).build()).build();
    }

    static ServiceAccount account(String privateKeyPem) {
        return new ServiceAccount(ServiceAccountId.of("gcp-billing"), ProviderId.of(HyperBillingMzcProvider.ID),
                ProjectId.of("project-data"), Credentials.of(Map.of("platform", "gcp", "accountId", ACCOUNT_ID,
                        "clientEmail", CLIENT_EMAIL, "privateKey", privateKeyPem)), Map.of());
    }

    static ServiceAccount account() {
        return account(PRIVATE_KEY_PEM);
    }

    static FetchRequest request(LocalDate start, LocalDate end, Granularity granularity) {
        return FetchRequest.of(account(), BillingPeriod.of(start, end), granularity);
    }

    static FetchRequest january(Granularity granularity) {
        return request(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1), granularity);
    }

    /** The records and stats of one fetch. */
    record Fetched(List<CostRecord> records, FetchStats stats) {
        BigDecimal total() {
            return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    static Fetched fetch(HyperBillingMzcProvider provider, FetchRequest request) {
        List<CostRecord> records = new ArrayList<>();
        FetchStats stats = provider.fetch(request, records::add);
        return new Fetched(records, stats);
    }

    /** @return a {@code costs} entry; {@code finalCost} is JSON text (a number, {@code null}, a string) */
    static String cost(String finalCost, String currency) {
        return "{\"cost\":" + finalCost + ",\"credit\":0,\"final_cost\":" + finalCost + ",\"cost_in_usd\":1.5,"
                + "\"credit_in_usd\":0,\"final_cost_in_usd\":1.5,\"currency\":\"" + currency + "\"}";
    }

    /** @return a {@code costs} entry with cost, credit and final cost as JSON text */
    static String cost(String cost, String credit, String finalCost, String currency) {
        return "{\"cost\":" + cost + ",\"credit\":" + credit + ",\"final_cost\":" + finalCost + ",\"currency\":\""
                + currency + "\"}";
    }

    /** @return a daily_cost row */
    static String daily(String invoiceMonth, String date, String... costs) {
        return "{\"invoice_month\":\"" + invoiceMonth + "\",\"date\":\"" + date + "\",\"costs\":["
                + String.join(",", costs) + "]}";
    }

    /** @return a cost_by_service row */
    static String byService(String service, String... costs) {
        return "{\"service_id\":\"6F81-5844-456A\",\"service_name\":\"" + service + "\",\"costs\":["
                + String.join(",", costs) + "]}";
    }

    /** @return a project with its rows */
    static String project(String projectId, String... rows) {
        return "{\"project_id\":\"" + projectId + "\",\"project_name\":\"" + projectId + " name\",\"data\":["
                + String.join(",", rows) + "]}";
    }

    /** @return an item of the answer */
    static String item(String kind, String month, String... projects) {
        return "{\"kind\":\"" + kind + "\",\"month\":\"" + month + "\",\"data\":[" + String.join(",", projects) + "]}";
    }

    /** @return an answer */
    static String answer(String... items) {
        return "[" + Arrays.stream(items).collect(Collectors.joining(",")) + "]";
    }

    static ResponseDefinitionBuilder ok(String body) {
        return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder error(int status, String code) {
        return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"errorCode\":\"" + code + "\",\"message\":\"test\"}");
    }

    int summaryRequests() {
        return server.findAll(WireMock.getRequestedFor(WireMock.urlPathEqualTo(SUMMARY))).size();
    }

    /** @return the PEM body lines of the private key: none may ever be printed */
    static List<String> secretLines() {
        return Arrays.stream(PRIVATE_KEY_PEM.split("\n")).filter(l -> !l.startsWith("-----")).toList();
    }
}
