package dev.billing.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;

/** A WireMock server on a loopback port standing for both the token endpoint and BigQuery, and helpers. */
abstract class GcpTestSupport {
    static final String TABLE = "billing-admin.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01";
    static final String QUERY_PROJECT = "billing-admin";
    static final String QUERIES = "/bigquery/v2/projects/billing-admin/queries";
    static final String JOB = "job_abc123";
    static final String RESULTS = QUERIES + "/" + JOB;
    static final String TOKEN = "ya29.sEcReT-aCcEsS-tOkEn-7f6e5d4c3b2a";
    static final String EMAIL = "billing-reader@billing-admin.iam.gserviceaccount.com";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair KEY_PAIR = keyPair();
    /** The PKCS#8 body of the private key, as it appears (base64) in the key file. */
    static final String PRIVATE_KEY_BASE64 = Base64.getEncoder().encodeToString(KEY_PAIR.getPrivate().getEncoded());

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

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    GcpBillingExportProvider provider() {
        return provider(http().build());
    }

    GcpBillingExportProvider provider(HttpSettings http) {
        return GcpBillingExportProvider.builder().endpoint(java.net.URI.create(endpoint())).http(http).build();
    }

    /** @return 3 attempts, waits of 1 to 5 ms, server-named waits capped at 50 ms, a 5 s request timeout */
    static HttpSettings.Builder http() {
        return HttpSettings.builder().requestTimeout(Duration.ofSeconds(5)).retryPolicy(RetryPolicy.defaults()
                .withMaxAttempts(3).withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .withMaxRetryAfter(Duration.ofMillis(50)));
    }

    static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static java.security.PublicKey publicKey() {
        return KEY_PAIR.getPublic();
    }

    String keyJson() {
        return keyJson(endpoint() + "/token");
    }

    static String keyJson(String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(KEY_PAIR.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = JSON.createObjectNode().put("type", "service_account").put("project_id", QUERY_PROJECT)
                .put("private_key_id", "4f3e2d1c0b").put("private_key", pem).put("client_email", EMAIL)
                .put("token_uri", tokenUri);
        return key.toString();
    }

    ServiceAccount account(String name) {
        return account(name, Map.of());
    }

    ServiceAccount account(String name, Map<String, String> extra) {
        Map<String, String> c = new HashMap<>(Map.of("serviceAccountKey", keyJson(), "table", TABLE));
        c.putAll(extra);
        return new ServiceAccount(ServiceAccountId.of(name), ProviderId.of("gcp-billing-export"), ProjectId.of("project-web"),
                Credentials.of(c), Map.of());
    }

    FetchRequest january() {
        return FetchRequest.of(account("gcp-prod"), BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)),
                Granularity.DAILY);
    }

    void stubToken() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(okJson(
                "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
    }

    static ResponseDefinitionBuilder okJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder bqError(int status, String reason, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(
                "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\"" + message
                        + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}],\"status\":\"X\"}}");
    }

    /** A complete answer: the fixed schema, the rows (each 11 cells), the token if not null. */
    static String page(String pageToken, List<List<String>> rows) {
        ObjectNode a = JSON.createObjectNode().put("kind", "bigquery#queryResponse");
        ArrayNode fields = a.putObject("schema").putArray("fields");
        for (String[] f : new String[][] {{"usage_date", "DATE"}, {"service", "STRING"}, {"region", "STRING"},
                {"sku", "STRING"}, {"gcp_project", "STRING"}, {"cost_type", "STRING"}, {"currency", "STRING"},
                {"cost", "NUMERIC"}, {"credits", "NUMERIC"}, {"labels", "STRING"}, {"cost_at_list", "NUMERIC"}}) {
            fields.addObject().put("name", f[0]).put("type", f[1]).put("mode", "NULLABLE");
        }
        a.putObject("jobReference").put("projectId", QUERY_PROJECT).put("jobId", JOB).put("location", "US");
        ArrayNode out = a.putArray("rows");
        for (List<String> row : rows) {
            ArrayNode f = out.addObject().putArray("f");
            for (String v : row) {
                if (v == null) {
                    f.addObject().putNull("v");
                } else {
                    f.addObject().put("v", v);
                }
            }
        }
        if (pageToken != null) {
            a.put("pageToken", pageToken);
        }
        a.put("totalRows", "99").put("totalBytesProcessed", "123456789").put("jobComplete", true).put("cacheHit", false);
        return a.toString();
    }

    static String pending() {
        return "{\"kind\":\"bigquery#queryResponse\",\"jobReference\":{\"projectId\":\"" + QUERY_PROJECT
                + "\",\"jobId\":\"" + JOB + "\",\"location\":\"US\"},\"jobComplete\":false}";
    }

    static List<String> row(String date, String service, String project, String costType, String currency, String cost,
                            String credits) {
        return java.util.Arrays.asList(date, service, "asia-northeast1", service + " SKU", project, costType, currency,
                cost, credits, "[]", null);
    }

    MappingBuilder query() {
        return post(urlEqualTo(QUERIES));
    }

    MappingBuilder results() {
        return get(urlPathEqualTo(RESULTS));
    }

    /** Answers {@code responses} in order to requests matching {@code mapping}, the last one from then on. */
    void sequence(java.util.function.Supplier<MappingBuilder> mapping, ResponseDefinitionBuilder... responses) {
        String state = Scenario.STARTED;
        String name = "seq-" + System.nanoTime();
        for (int i = 0; i < responses.length; i++) {
            String next = i == responses.length - 1 ? state : "s" + (i + 1);
            server.stubFor(mapping.get().inScenario(name).whenScenarioStateIs(state).willReturn(responses[i])
                    .willSetStateTo(next));
            state = next;
        }
    }

    /** The records and stats of one fetch. */
    record Fetched(List<CostRecord> records, FetchStats stats) {
        BigDecimal total(String currency) {
            return records.stream().filter(r -> r.billedCost().currency().getCurrencyCode().equals(currency))
                    .map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    static Fetched fetch(GcpBillingExportProvider provider, FetchRequest request) {
        List<CostRecord> records = new ArrayList<>();
        FetchStats stats = provider.fetch(request, records::add);
        return new Fetched(records, stats);
    }
}
