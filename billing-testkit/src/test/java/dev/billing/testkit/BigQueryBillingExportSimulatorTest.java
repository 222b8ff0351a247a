package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.testkit.BigQueryBillingExportSimulator.Credit;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's wire behaviour, spoken to with a plain HTTP client. */
@Timeout(30)
class BigQueryBillingExportSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "reader@billing-admin-project.iam.gserviceaccount.com";
    private final HttpClient http = HttpClient.newHttpClient();
    private BigQueryBillingExportSimulator sim;

    @BeforeEach
    void start() {
        Instant t = Instant.parse("2026-01-05T03:00:00Z");
        sim = BigQueryBillingExportSimulator.builder().rows(List.of(
                new ExportRow("A", "p1", "Compute Engine", "Core", "us-east1", t, "regular", "USD",
                        new BigDecimal("0.1234567891"), List.of(new Credit("c", "PROMOTION", new BigDecimal("-0.1")))),
                new ExportRow("A", "p1", "Compute Engine", "Core", "us-east1", t.plusSeconds(3600), "regular", "USD",
                        new BigDecimal("1"), List.of()),
                new ExportRow("B", "p2", "Cloud Storage", "Standard", null, t, "regular", "JPY", new BigDecimal("100"),
                        List.of()))).pageSize(1).pendingPolls(1).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static final String READ_ONLY = "https://www.googleapis.com/auth/cloud-platform.read-only";

    private String jwt(String keyJson, String aud) throws Exception {
        return jwt(keyJson, aud, READ_ONLY);
    }

    private String jwt(String keyJson, String aud, String scope) throws Exception {
        JsonNode key = JSON.readTree(keyJson);
        String pem = key.get("private_key").asText().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey pk = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        long now = Instant.now().getEpochSecond();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(JSON.createObjectNode().put("iss", key.get("client_email").asText())
                .put("scope", scope).put("aud", aud).put("iat", now)
                .put("exp", now + 3600).toString().getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pk);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(s.sign());
    }

    private HttpResponse<String> token(String assertion) throws Exception {
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(sim.tokenUri()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String accessToken() throws Exception {
        return accessToken(READ_ONLY);
    }

    private String accessToken(String scope) throws Exception {
        HttpResponse<String> r = token(jwt(sim.serviceAccountKey(EMAIL), sim.tokenUri(), scope));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private ObjectNode queryBody(String account, String startType) {
        return queryBody(account, startType, "2026-01-01", "2026-02-01");
    }

    private ObjectNode queryBody(String account, String startType, String start, String end) {
        ObjectNode body = JSON.createObjectNode().put("query", BigQueryBillingExportSimulator.expectedQuery(sim.table()))
                .put("useLegacySql", false).put("parameterMode", "NAMED");
        ArrayNode params = body.putArray("queryParameters");
        String[][] p = {{"start", startType, start}, {"end", "DATE", end},
                {"billing_account", "STRING", account}, {"project", "STRING", ""}};
        for (String[] x : p) {
            ObjectNode n = params.addObject().put("name", x[0]);
            n.putObject("parameterType").put("type", x[1]);
            n.putObject("parameterValue").put("value", x[2]);
        }
        return body;
    }

    private HttpResponse<String> post(String token, JsonNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.endpoint()
                + "/bigquery/v2/projects/billing-admin-project/queries")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String token, String jobId, String pageToken) throws Exception {
        String q = pageToken == null ? "" : "?pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/bigquery/v2/projects/billing-admin-project/queries/"
                + jobId + q)).header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void token_verifiesTheSignatureAndAudience() throws Exception {
        assertThat(accessToken()).startsWith("ya29.");
        HttpResponse<String> untrusted = token(jwt(sim.untrustedServiceAccountKey(EMAIL), sim.tokenUri()));
        assertThat(untrusted.statusCode()).isEqualTo(400);
        assertThat(untrusted.body()).contains("invalid_grant", "Invalid JWT Signature.");
        HttpResponse<String> wrongAud = token(jwt(sim.serviceAccountKey(EMAIL), "https://oauth2.googleapis.com/token"));
        assertThat(wrongAud.body()).contains("invalid_grant", "aud");
        String good = jwt(sim.serviceAccountKey(EMAIL), sim.tokenUri());
        String tampered = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        assertThat(token(tampered).statusCode()).isEqualTo(400);
    }

    @Test
    void query_needsABearerToken_andTypedParameters_andTheFixedText() throws Exception {
        assertThat(post(null, queryBody("A", "DATE")).statusCode()).isEqualTo(401);
        String token = accessToken();
        HttpResponse<String> badType = post(token, queryBody("A", "STRING"));
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(badType.body()).contains("invalidQuery", "start");
        ObjectNode literal = queryBody("A", "DATE");
        literal.put("query", literal.get("query").asText().replace("@start", "'2026-01-01'"));
        assertThat(post(token, literal).body()).contains("invalidQuery");
    }

    @Test
    void query_pendsOnce_thenPagesTheGroupedNumericResult() throws Exception {
        String token = accessToken();
        JsonNode first = JSON.readTree(post(token, queryBody("A", "DATE")).body());
        assertThat(first.get("jobComplete").asBoolean()).isFalse();
        String job = first.get("jobReference").get("jobId").asText();
        JsonNode page = JSON.readTree(get(token, job, null).body());
        assertThat(page.get("jobComplete").asBoolean()).isTrue();
        assertThat(page.get("schema").get("fields")).extracting(f -> f.get("name").asText()).containsExactly(
                "usage_date", "service", "region", "sku", "gcp_project", "cost_type", "currency", "cost", "credits",
                "labels", "cost_at_list");
        assertThat(page.get("rows")).hasSize(1);
        assertThat(page.get("rows").get(0).get("f")).extracting(f -> f.get("v").asText()).containsExactly(
                "2026-01-05", "Compute Engine", "us-east1", "Core", "p1", "regular", "USD", "1.123456789", "-0.1", "[]", "1.123456789");
        assertThat(page.has("pageToken")).isFalse();
        assertThat(Long.parseLong(page.get("totalBytesProcessed").asText())).isPositive();

        JsonNode all = JSON.readTree(post(token, queryBody("", "DATE")).body());
        JsonNode p1 = JSON.readTree(get(token, all.get("jobReference").get("jobId").asText(), null).body());
        assertThat(p1.get("pageToken").asText()).isNotEmpty();
        JsonNode p2 = JSON.readTree(get(token, all.get("jobReference").get("jobId").asText(), p1.get("pageToken").asText()).body());
        // ordered by day, then service: Cloud Storage (JPY) before Compute Engine (USD)
        assertThat(p1.get("rows").get(0).get("f").get(6).get("v").asText()).isEqualTo("JPY");
        assertThat(p2.get("rows").get(0).get("f").get(6).get("v").asText()).isEqualTo("USD");
        assertThat(p2.has("pageToken")).isFalse();
    }

    @Test
    void faults_answerBigQueryErrors() throws Exception {
        String token = accessToken();
        sim.fault("A", Fault.error(1, 403, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user"));
        HttpResponse<String> throttled = post(token, queryBody("A", "DATE"));
        assertThat(throttled.statusCode()).isEqualTo(403);
        assertThat(throttled.body()).contains("rateLimitExceeded");
        sim.fault("A", Fault.throttle(1, Instant.parse("2026-01-07T07:28:09Z")));
        HttpResponse<String> dated = post(token, queryBody("A", "DATE"));
        assertThat(dated.statusCode()).isEqualTo(429);
        assertThat(dated.headers().firstValue("Retry-After")).hasValue("Wed, 07 Jan 2026 07:28:09 GMT");
        sim.denyAccess(EMAIL);
        HttpResponse<String> denied = post(token, queryBody("A", "DATE"));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("accessDenied");
    }

    /**
     * Google's BigQuery discovery document (googleapis/google-api-go-client, bigquery/v2/bigquery-api.json,
     * commit 0084468843d65b1620da73d8263bf7d2ffb18bbd) lists for jobs.query and jobs.getQueryResults the
     * scopes bigquery, cloud-platform and cloud-platform.read-only; bigquery.readonly is not an API scope.
     */
    @Test
    void methods_refuseATokenWhoseScopesTheDiscoveryDocumentDoesNotList() throws Exception {
        String readonly = accessToken("https://www.googleapis.com/auth/bigquery.readonly");
        HttpResponse<String> refused = post(readonly, queryBody("A", "DATE"));
        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertThat(error.get("message").asText()).isEqualTo("Request had insufficient authentication scopes.");
        assertThat(error.get("errors").get(0).get("reason").asText()).isEqualTo("insufficientPermissions");
        assertThat(error.get("status").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(error.get("details").get(0).get("reason").asText()).isEqualTo("ACCESS_TOKEN_SCOPE_INSUFFICIENT");
        assertThat(post(accessToken("https://www.googleapis.com/auth/devstorage.read_only"), queryBody("A", "DATE"))
                .statusCode()).isEqualTo(403);

        for (String scope : List.of(READ_ONLY, "https://www.googleapis.com/auth/cloud-platform",
                "https://www.googleapis.com/auth/bigquery")) {
            HttpResponse<String> ok = post(accessToken(scope), queryBody("A", "DATE"));
            assertThat(ok.statusCode()).as(scope).isEqualTo(200);
            String job = JSON.readTree(ok.body()).get("jobReference").get("jobId").asText();
            assertThat(get(readonly, job, null).statusCode()).as("getQueryResults with bigquery.readonly").isEqualTo(403);
        }
        assertThat(token(jwt(sim.serviceAccountKey(EMAIL), sim.tokenUri(), "")).body()).contains("invalid_scope");
    }

    @Test
    void bytesProcessed_countOnlyThePartitionsTheQueryReads() throws Exception {
        Instant jan = Instant.parse("2025-01-10T00:00:00Z");
        List<ExportRow> rows = new java.util.ArrayList<>();
        for (int month = 0; month < 24; month++) {
            Instant t = jan.atOffset(java.time.ZoneOffset.UTC).plusMonths(month).toInstant();
            rows.add(new ExportRow("A", "p1", "Compute Engine", "Core", "us-east1", t, "regular", "USD", BigDecimal.ONE,
                    List.of()));
        }
        // a December 2026 tax row exported into a January partition (within the margin), and one exported too late
        Instant dec = Instant.parse("2026-12-31T00:00:00Z");
        rows.add(new ExportRow("A", "p1", "Invoice", "Tax", null, dec, "tax", "USD", BigDecimal.TEN, List.of())
                .exportedAt(Instant.parse("2027-01-04T00:00:00Z")));
        rows.add(new ExportRow("A", "p1", "Invoice", "Adjustment", null, dec, "adjustment", "USD", BigDecimal.TEN,
                List.of()).exportedAt(Instant.parse("2027-03-01T00:00:00Z")));
        try (BigQueryBillingExportSimulator big = BigQueryBillingExportSimulator.builder().rows(rows).start()) {
            BigQueryBillingExportSimulator before = sim;
            sim = big;
            try {
                String token = accessToken();
                JsonNode month = JSON.readTree(post(token, queryBody("A", "DATE", "2026-12-01", "2027-01-01")).body());
                // partitions 2026-11-30 .. 2027-02-09: the December row and the tax row exported on 4 January
                assertThat(month.get("totalBytesProcessed").asText()).isEqualTo(Long.toString(2 * 400L));
                assertThat(month.get("rows")).hasSize(2);
                JsonNode all = JSON.readTree(post(token, queryBody("A", "DATE", "2025-01-01", "2027-01-01")).body());
                assertThat(Long.parseLong(all.get("totalBytesProcessed").asText())).isEqualTo(25 * 400L);
            } finally {
                sim = before;
            }
        }
    }
    private JsonNode rows(String token, ObjectNode body) throws Exception {
        JsonNode first = JSON.readTree(post(token, body).body());
        return JSON.readTree(get(token, first.get("jobReference").get("jobId").asText(), null).body());
    }

    @Test
    void optInColumns_areServedOnlyWhenTheQueryAsksForThem() throws Exception {
        Instant t = Instant.parse("2026-01-05T03:00:00Z");
        List<ExportRow> rows = List.of(
                new ExportRow("A", "p1", "Compute Engine", "Core", "us-east1", t, "regular", "USD", BigDecimal.ONE,
                        List.of(new Credit("sud", "SUSTAINED_USAGE_DISCOUNT", new BigDecimal("-0.1")),
                                new Credit("promo", "PROMOTION", new BigDecimal("-0.25"))))
                        .projectLabeled(java.util.Map.of("team", "web")),
                new ExportRow("A", "p1", "Compute Engine", "Core", "us-east1", t.plusSeconds(60), "regular", "USD",
                        BigDecimal.ONE, List.of(new Credit("sud", "SUSTAINED_USAGE_DISCOUNT", new BigDecimal("-0.2"))))
                        .projectLabeled(java.util.Map.of("team", "web")));
        try (BigQueryBillingExportSimulator labeled = BigQueryBillingExportSimulator.builder().rows(rows).start()) {
            BigQueryBillingExportSimulator before = sim;
            sim = labeled;
            try {
                String token = accessToken();
                JsonNode plain = rows(token, queryBody("A", "DATE"));
                assertThat(plain.get("schema").get("fields")).hasSize(11);
                assertThat(plain.get("rows").get(0).get("f")).hasSize(11);

                ObjectNode both = queryBody("A", "DATE");
                both.put("query", BigQueryBillingExportSimulator.expectedQuery(sim.table(), true, true));
                JsonNode page = rows(token, both);
                assertThat(page.get("schema").get("fields")).extracting(f -> f.get("name").asText() + " "
                        + f.get("type").asText()).endsWith("cost_at_list NUMERIC", "project_labels STRING",
                        "credits_by_type STRING");
                JsonNode f = page.get("rows").get(0).get("f");
                assertThat(f.get(8).get("v").asText()).isEqualTo("-0.55");
                assertThat(f.get(11).get("v").asText()).isEqualTo("[{\"key\":\"team\",\"value\":\"web\"}]");
                // ARRAY(SELECT AS STRUCT type, CAST(SUM(...) AS STRING) ... GROUP BY 1 ORDER BY 1), as TO_JSON_STRING writes it
                assertThat(f.get(12).get("v").asText()).isEqualTo("[{\"type\":\"PROMOTION\",\"amount\":\"-0.25\"},"
                        + "{\"type\":\"SUSTAINED_USAGE_DISCOUNT\",\"amount\":\"-0.3\"}]");

                ObjectNode types = queryBody("A", "DATE");
                types.put("query", BigQueryBillingExportSimulator.expectedQuery(sim.table(), false, true));
                assertThat(rows(token, types).get("schema").get("fields")).extracting(x -> x.get("name").asText())
                        .endsWith("cost_at_list", "credits_by_type").doesNotContain("project_labels");
            } finally {
                sim = before;
            }
        }
    }

    /**
     * The standard usage cost export's schema (https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/
     * standard-usage): {@code project.labels} is a REPEATED RECORD of key and value; {@code project} has no
     * {@code label}, the table no {@code resource} (the detailed export's). BigQuery refuses such a query with
     * {@code invalidQuery} and these messages.
     */
    @Test
    void aQueryNamingAFieldTheExportTableDoesNotHave_isRefusedAsBigQueryRefusesIt() throws Exception {
        String token = accessToken();
        String good = BigQueryBillingExportSimulator.expectedQuery(sim.table(), true, false);
        String[][] cases = {
                {"TO_JSON_STRING(project.label) AS project_labels", "Field name label does not exist in STRUCT<id STRING,"
                        + " number STRING, name STRING, ancestry_numbers STRING, ancestors ARRAY<STRUCT<resource_name STRING,"
                        + " display_name STRING>>, labels ARRAY<STRUCT<key STRING, value STRING>>>"},
                {"TO_JSON_STRING(resource.labels) AS project_labels", "Unrecognized name: resource"},
                {"TO_JSON_STRING(project.labels.key) AS project_labels", "Cannot access field key on a value with type"
                        + " ARRAY<STRUCT<key STRING, value STRING>>"},
                {"TO_JSON_STRING(ARRAY(SELECT AS STRUCT c.kind AS type FROM UNNEST(ARRAY_CONCAT_AGG(credits)) AS c))"
                        + " AS project_labels", "Field name kind does not exist in STRUCT<name STRING, amount FLOAT64,"
                        + " full_name STRING, id STRING, type STRING>"}};
        for (String[] c : cases) {
            ObjectNode body = queryBody("A", "DATE");
            body.put("query", good.replace("TO_JSON_STRING(project.labels) AS project_labels", c[0]));
            HttpResponse<String> refused = post(token, body);
            assertThat(refused.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode error = JSON.readTree(refused.body()).get("error");
            assertThat(error.get("errors").get(0).get("reason").asText()).isEqualTo("invalidQuery");
            assertThat(error.get("message").asText()).as(c[0]).isEqualTo(c[1]);
        }
        // known fields, but not the provider's opt-in column: not run either
        ObjectNode other = queryBody("A", "DATE");
        other.put("query", good.replace("TO_JSON_STRING(project.labels) AS project_labels",
                "TO_JSON_STRING(system_labels) AS project_labels"));
        assertThat(post(token, other).body()).contains("invalidQuery", "Syntax error");
        ObjectNode ok = queryBody("A", "DATE");
        ok.put("query", good);
        assertThat(post(token, ok).statusCode()).isEqualTo(200);
    }
}
