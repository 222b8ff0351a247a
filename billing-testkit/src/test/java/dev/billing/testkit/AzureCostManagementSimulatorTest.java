package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's wire protocol, spoken with a plain HTTP client. */
@Timeout(30)
class AzureCostManagementSimulatorTest {
    private static final String TENANT = "t1.onmicrosoft.com";
    private static final String SCOPE = "/subscriptions/sub-1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AzureCostManagementSimulator sim;

    @BeforeEach
    void start() {
        List<Row> rows = new ArrayList<>();
        for (int d = 1; d <= 31; d++) {
            rows.add(Row.of("sub-1", LocalDate.of(2026, 1, d), "Storage", "westeurope", "EUR", new BigDecimal("0.000001")));
            rows.add(Row.of("sub-1", LocalDate.of(2026, 1, d), "Storage", "westeurope", "EUR", new BigDecimal("1.5")));
            rows.add(Row.of("sub-2", LocalDate.of(2026, 1, d), "Compute", "eastus", "USD", new BigDecimal("2")));
        }
        rows.add(Row.of("sub-1", LocalDate.of(2026, 2, 1), "Storage", "westeurope", "EUR", new BigDecimal("100")));
        sim = AzureCostManagementSimulator.builder().principal(TENANT, "app-1", "s3cret")
                .principal(TENANT, "app-2", "other", "/subscriptions/sub-2")
                .billingAccount("ba-1", "sub-1", "sub-2").rows(rows).pageSize(10).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<String> token(String tenant, String client, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + client + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("https://management.azure.com/.default", StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/" + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String bearer(String client, String secret) throws Exception {
        HttpResponse<String> r = token(TENANT, client, secret);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3599);
        return body.get("access_token").asText();
    }

    private HttpResponse<String> query(String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String queryUrl(String scope) {
        return sim.endpoint() + scope + "/providers/Microsoft.CostManagement/query?api-version=2023-11-01";
    }

    private static String body(String from, String to, String costName, String... groups) {
        StringBuilder g = new StringBuilder();
        for (String group : groups) {
            g.append(g.length() == 0 ? "" : ",").append("{\"type\":\"Dimension\",\"name\":\"").append(group).append("\"}");
        }
        return "{\"type\":\"ActualCost\",\"timeframe\":\"Custom\",\"timePeriod\":{\"from\":\"" + from + "\",\"to\":\"" + to
                + "\"},\"dataset\":{\"granularity\":\"Daily\",\"aggregation\":{\"totalCost\":{\"name\":\"" + costName
                + "\",\"function\":\"Sum\"}},\"grouping\":[" + g + "]}}";
    }

    @Test
    void tokenEndpoint_checksTenantClientAndSecret_withAadstsErrors() throws Exception {
        assertThat(token(TENANT, "app-1", "wrong").statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(token(TENANT, "app-1", "wrong").body()).get("error_codes").get(0).asInt()).isEqualTo(7000215);
        assertThat(JSON.readTree(token(TENANT, "app-9", "s3cret").body()).get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(JSON.readTree(token("nowhere", "app-1", "s3cret").body()).get("error_codes").get(0).asInt()).isEqualTo(90002);
        assertThat(bearer("app-1", "s3cret")).isNotBlank();
        assertThat(sim.tokenRequests("app-1")).isEqualTo(4);
    }

    @Test
    void query_pagesWithNextLink_includesTheToDay_andSumsPerDayAndGroup() throws Exception {
        String token = bearer("app-1", "s3cret");
        String body = body("2026-01-01T00:00:00+00:00", "2026-01-31T23:59:59+00:00", "Cost", "ServiceName", "ResourceLocation");
        String url = queryUrl(SCOPE);
        BigDecimal total = BigDecimal.ZERO;
        int pages = 0;
        int rows = 0;
        while (url != null && pages < 10) {
            HttpResponse<String> r = query(url, token, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode props = JSON.readTree(r.body()).get("properties");
            assertThat(props.get("columns").findValuesAsText("name"))
                    .containsExactly("Cost", "UsageDate", "ServiceName", "ResourceLocation", "Currency");
            for (JsonNode row : props.get("rows")) {
                total = total.add(row.get(0).decimalValue());
                assertThat(row.get(1).asLong()).isBetween(20260101L, 20260131L);
                rows++;
            }
            url = props.get("nextLink").isNull() ? null : props.get("nextLink").asText();
            pages++;
        }
        assertThat(pages).isEqualTo(4);
        assertThat(rows).isEqualTo(31);
        assertThat(total).isEqualByComparingTo("46.500031");

        HttpResponse<String> inclusive = query(queryUrl(SCOPE), token,
                body("2026-02-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00", "PreTaxCost"));
        JsonNode props = JSON.readTree(inclusive.body()).get("properties");
        assertThat(props.get("columns").get(0).get("name").asText()).isEqualTo("PreTaxCost");
        assertThat(props.get("rows").get(0).get(0).decimalValue()).isEqualByComparingTo("100");
    }

    @Test
    void query_checksTokenRoleApiVersionAndBody() throws Exception {
        String body = body("2026-01-01", "2026-01-31", "Cost");
        assertThat(query(queryUrl(SCOPE), null, body).statusCode()).isEqualTo(401);
        assertThat(query(queryUrl(SCOPE), "forged", body).statusCode()).isEqualTo(401);
        String narrow = bearer("app-2", "other");
        HttpResponse<String> forbidden = query(queryUrl(SCOPE), narrow, body);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(forbidden.body()).at("/error/code").asText()).isEqualTo("AuthorizationFailed");
        assertThat(query(queryUrl("/subscriptions/sub-2"), narrow, body).statusCode()).isEqualTo(200);
        String token = bearer("app-1", "s3cret");
        assertThat(query(queryUrl(SCOPE).replace("2023-11-01", "1999-01-01"), token, body).statusCode()).isEqualTo(400);
        assertThat(query(queryUrl(SCOPE), token, body.replace("Custom", "MonthToDate")).statusCode()).isEqualTo(400);
        assertThat(query(queryUrl(SCOPE) + "&$skiptoken=bogus", token, body).statusCode()).isEqualTo(400);
        sim.expireTokens();
        HttpResponse<String> expired = query(queryUrl(SCOPE), token, body);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(expired.body()).at("/error/code").asText()).isEqualTo("ExpiredAuthenticationToken");
    }

    @Test
    void faults_throttleWithRatelimitHeaders_then503_thenAnswer() throws Exception {
        String token = bearer("app-1", "s3cret");
        String body = body("2026-01-01", "2026-01-31", "Cost", "SubscriptionId");
        sim.fault("/providers/Microsoft.Billing/billingAccounts/ba-1", Fault.throttle(1, Duration.ofSeconds(7)));
        sim.fault("/providers/Microsoft.Billing/billingAccounts/ba-1", Fault.serverError(1, 503));
        String url = queryUrl("/providers/Microsoft.Billing/billingAccounts/ba-1");

        HttpResponse<String> throttled = query(url, token, body);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after")).contains("7");
        assertThat(throttled.headers().firstValue("x-ms-ratelimit-microsoft.costmanagement-entity-retry-after")).contains("7");
        assertThat(throttled.headers().firstValue("x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after")).contains("7");
        assertThat(throttled.headers().firstValue("x-ms-ratelimit-microsoft.consumption-retry-after")).contains("7");
        assertThat(query(url, token, body).statusCode()).isEqualTo(503);
        HttpResponse<String> ok = query(url, token, body);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).at("/properties/columns").findValuesAsText("name")).contains("SubscriptionId");
        assertThat(sim.queryRequests("/providers/Microsoft.Billing/billingAccounts/ba-1")).isEqualTo(3);
    }

    @Test
    void faults_aThrottleUntilAPastMomentAsksForNoWait_aRejectedKeyIs401_andSummaryFaultsAreRefused() throws Exception {
        String token = bearer("app-1", "s3cret");
        String body = body("2026-01-01", "2026-01-31", "Cost", "SubscriptionId");
        String scope = "/providers/Microsoft.Billing/billingAccounts/ba-1";
        sim.fault(scope, Fault.throttle(1, Instant.EPOCH));
        sim.fault(scope, Fault.error(1, 400, "BadRequest", "simulated"));
        String url = queryUrl(scope);

        HttpResponse<String> throttled = query(url, token, body);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after")).contains("0");
        HttpResponse<String> error = query(url, token, body);
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(error.body()).at("/error/code").asText()).isEqualTo("BadRequest");
        sim.fault(scope, Fault.rejectedKey());
        assertThat(query(url, token, body).statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> sim.fault(scope, Fault.unaskedKinds())).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Azure/azure-rest-api-specs, cost-management 2023-11-01 costmanagement.json (commit
     * 126b6dc1fd1fd1a5b408febed72903465e72d546): QueryDataset.grouping maxItems 2, aggregation maxItems 2,
     * granularity enum [Daily], QueryAggregation.function enum [Sum], QueryColumnType enum [TagKey, Dimension],
     * QueryDefinition.type enum [Usage, ActualCost, AmortizedCost], QueryFilter and/or minItems 2,
     * QueryComparisonExpression.operator enum [In] with values minItems 1.
     */
    @Test
    void query_refusesWhatTheSpecificationRefuses_with400AndAnArmErrorBody() throws Exception {
        String token = bearer("app-1", "s3cret");
        String ok = body("2026-01-01", "2026-01-31", "Cost", "ServiceName", "ResourceLocation");
        assertThat(query(queryUrl(SCOPE), token, ok).statusCode()).isEqualTo(200);
        List<String> refused = List.of(
                body("2026-01-01", "2026-01-31", "Cost", "ServiceName", "ResourceLocation", "SubscriptionId"),
                ok.replace("\"Daily\"", "\"Monthly\""),
                ok.replace("\"Sum\"", "\"Avg\""),
                ok.replace("\"ActualCost\"", "\"Billed\""),
                ok.replace("\"Dimension\"", "\"Column\""),
                ok.replace("\"totalCost\":{", "\"a\":{\"name\":\"Cost\",\"function\":\"Sum\"},\"b\":{\"name\":\"Cost\","
                        + "\"function\":\"Sum\"},\"totalCost\":{"),
                ok.replace("\"grouping\"", "\"filter\":{\"and\":[{\"dimensions\":{\"name\":\"ChargeType\",\"operator\":\"In\","
                        + "\"values\":[\"Usage\"]}}]},\"grouping\""),
                ok.replace("\"grouping\"", "\"filter\":{\"dimensions\":{\"name\":\"ChargeType\",\"operator\":\"Contains\","
                        + "\"values\":[\"Usage\"]}},\"grouping\""),
                ok.replace("\"grouping\"", "\"filter\":{\"dimensions\":{\"name\":\"ChargeType\",\"operator\":\"In\","
                        + "\"values\":[]}},\"grouping\""));
        assertRefused(token, refused);
        // the same third grouping on a billing account: the limit holds on every scope
        assertThat(query(queryUrl("/providers/Microsoft.Billing/billingAccounts/ba-1"), token, refused.get(0)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void query_filtersByDimension_andGroupsByChargeType() throws Exception {
        sim.close();
        sim = AzureCostManagementSimulator.builder().principal(TENANT, "app-1", "s3cret").rows(List.of(
                Row.of("sub-1", LocalDate.of(2026, 1, 2), "Storage", "westeurope", "EUR", new BigDecimal("1.5")),
                Row.of("sub-1", LocalDate.of(2026, 1, 2), "Reservations", "", "EUR", new BigDecimal("30")).charged("Purchase"),
                Row.of("sub-1", LocalDate.of(2026, 1, 2), "Reservations", "", "EUR", new BigDecimal("-5")).charged("Refund")))
                .start();
        String token = bearer("app-1", "s3cret");
        String byCharge = body("2026-01-01", "2026-01-31", "Cost", "ServiceName", "ChargeType");
        JsonNode rows = JSON.readTree(query(queryUrl(SCOPE), token, byCharge).body()).at("/properties/rows");
        assertThat(rows).hasSize(3);
        String usageOnly = byCharge.replace("\"grouping\"", "\"filter\":{\"dimensions\":{\"name\":\"ChargeType\","
                + "\"operator\":\"In\",\"values\":[\"Usage\",\"UnusedReservation\"]}},\"grouping\"");
        rows = JSON.readTree(query(queryUrl(SCOPE), token, usageOnly).body()).at("/properties/rows");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0).decimalValue()).isEqualByComparingTo("1.5");
    }

    /**
     * A {@code TagKey} grouping (QueryGrouping.type, the QueryColumnType enum [TagKey, Dimension] of the 2023-11-01
     * specification) answers the columns TagKey and TagValue, null where the resource has no such tag
     * (/work/shared/spec/providers.md); tag names match case-insensitively; a {@code tags} comparison
     * (QueryComparisonExpression, operator In) filters by value; a third grouping is refused even when it is a tag.
     */
    @Test
    void query_groupsByTagKey_filtersByTags_andRefusesAThirdGroupingWithATag() throws Exception {
        sim.close();
        LocalDate day = LocalDate.of(2026, 1, 2);
        sim = AzureCostManagementSimulator.builder().principal(TENANT, "app-1", "s3cret").rows(List.of(
                Row.of("sub-1", day, "Storage", "westeurope", "EUR", new BigDecimal("1.5")).tagged("Team", "blue"),
                Row.of("sub-1", day, "Storage", "westeurope", "EUR", new BigDecimal("2.25")).tagged("TEAM", "blue"),
                Row.of("sub-1", day, "Storage", "westeurope", "EUR", new BigDecimal("4")).tagged("team", "red"),
                Row.of("sub-1", day, "Compute", "eastus", "EUR", new BigDecimal("8"))))
                .start();
        String token = bearer("app-1", "s3cret");
        String byTag = body("2026-01-01", "2026-01-31", "Cost", "ServiceName")
                .replace("]}}", ",{\"type\":\"TagKey\",\"name\":\"team\"}]}}");
        JsonNode answer = JSON.readTree(query(queryUrl(SCOPE), token, byTag).body()).at("/properties");
        List<String> columns = new ArrayList<>();
        answer.get("columns").forEach(c -> columns.add(c.get("name").asText()));
        assertThat(columns).containsExactly("Cost", "UsageDate", "ServiceName", "TagKey", "TagValue", "Currency");
        List<String> rows = new ArrayList<>();
        answer.get("rows").forEach(r -> rows.add(r.get(0).decimalValue().stripTrailingZeros().toPlainString() + " "
                + r.get(2).asText() + " " + r.get(4).asText("(" + r.get(4).getNodeType() + ")")));
        assertThat(rows).containsExactlyInAnyOrder("3.75 Storage blue", "4 Storage red", "8 Compute (NULL)");

        String filtered = byTag.replace("\"grouping\"", "\"filter\":{\"tags\":{\"name\":\"TEAM\",\"operator\":\"In\","
                + "\"values\":[\"red\"]}},\"grouping\"");
        JsonNode red = JSON.readTree(query(queryUrl(SCOPE), token, filtered).body()).at("/properties/rows");
        assertThat(red).hasSize(1);
        assertThat(red.get(0).get(0).decimalValue()).isEqualByComparingTo("4");

        String third = body("2026-01-01", "2026-01-31", "Cost", "ServiceName", "ResourceLocation")
                .replace("]}}", ",{\"type\":\"TagKey\",\"name\":\"team\"}]}}");
        assertThat(query(queryUrl(SCOPE), token, third).statusCode()).isEqualTo(400);
    }

    /**
     * {@code tags} comparisons combined ({@code and}, {@code or}) with {@code dimensions} comparisons, as the 2023-11-01
     * specification allows (Azure/azure-rest-api-specs costmanagement.json, commit
     * 126b6dc1fd1fd1a5b408febed72903465e72d546: QueryFilter's and/or are arrays of QueryFilter with minItems 2,
     * dimensions and tags QueryComparisonExpressions with the required name, operator enum [In] and string values,
     * minItems 1); what it refuses is a 400, and no filter selects the lines without a tag.
     */
    @Test
    void query_combinesTagAndDimensionFilters_andRefusesWhatTheSpecificationRefuses() throws Exception {
        sim.close();
        LocalDate day = LocalDate.of(2026, 1, 2);
        sim = AzureCostManagementSimulator.builder().principal(TENANT, "app-1", "s3cret").rows(List.of(
                Row.of("sub-1", day, "Storage", "westeurope", "EUR", new BigDecimal("1.5")).tagged("Team", "blue").tagged("env", "prod"),
                Row.of("sub-1", day, "Storage", "westeurope", "EUR", new BigDecimal("2.25")).tagged("team", "blue").tagged("ENV", "dev"),
                Row.of("sub-1", day, "Storage", "eastus", "EUR", new BigDecimal("4")).tagged("team", "Blue").tagged("env", "prod"),
                Row.of("sub-1", day, "Storage", "eastus", "EUR", new BigDecimal("8")).tagged("env", "prod"),
                Row.of("sub-1", day, "Compute", "eastus", "EUR", new BigDecimal("16")).tagged("team", "blue").tagged("env", "prod"),
                Row.of("sub-1", day, "Storage", "eastus", "EUR", new BigDecimal("32")).charged("Tax").tagged("team", "blue")))
                .start();
        String token = bearer("app-1", "s3cret");
        String byLocationAndEnv = body("2026-01-01", "2026-01-31", "Cost", "ResourceLocation")
                .replace("]}}", ",{\"type\":\"TagKey\",\"name\":\"env\"}]}}");
        String filtered = byLocationAndEnv.replace("\"grouping\"", "\"filter\":{\"and\":["
                + "{\"dimensions\":{\"name\":\"ServiceName\",\"operator\":\"In\",\"values\":[\"Storage\"]}},"
                + "{\"dimensions\":{\"name\":\"ChargeType\",\"operator\":\"In\",\"values\":[\"Usage\"]}},"
                + "{\"tags\":{\"name\":\"TEAM\",\"operator\":\"In\",\"values\":[\"blue\"]}}]},\"grouping\"");
        assertThat(rows(token, filtered)).containsExactlyInAnyOrder("1.5 westeurope prod", "2.25 westeurope dev");
        // or: either team value; values match exactly (Blue is not blue), names ignoring case
        String either = filtered.replace("{\"tags\":{\"name\":\"TEAM\",\"operator\":\"In\",\"values\":[\"blue\"]}}",
                "{\"or\":[{\"tags\":{\"name\":\"team\",\"operator\":\"In\",\"values\":[\"Blue\"]}},"
                        + "{\"tags\":{\"name\":\"Env\",\"operator\":\"In\",\"values\":[\"dev\"]}}]}");
        assertThat(rows(token, either)).containsExactlyInAnyOrder("4 eastus prod", "2.25 westeurope dev");
        // an empty value is a value: it selects no line here, neither the line without a team
        assertThat(rows(token, filtered.replace("\"values\":[\"blue\"]", "\"values\":[\"\"]"))).isEmpty();

        List<String> refused = List.of(
                filtered.replace("\"operator\":\"In\",\"values\":[\"blue\"]", "\"operator\":\"NotIn\",\"values\":[\"blue\"]"),
                filtered.replace("\"values\":[\"blue\"]", "\"values\":[]"),
                filtered.replace("\"values\":[\"blue\"]", "\"values\":[null]"),
                filtered.replace("\"values\":[\"blue\"]", "\"values\":[7]"),
                filtered.replace("{\"tags\":{\"name\":\"TEAM\",", "{\"tags\":{"),
                byLocationAndEnv.replace("\"grouping\"", "\"filter\":{\"and\":[{\"tags\":{\"name\":\"team\","
                        + "\"operator\":\"In\",\"values\":[\"blue\"]}}]},\"grouping\""),
                byLocationAndEnv.replace("\"grouping\"", "\"filter\":{\"or\":[{\"tags\":{\"name\":\"team\","
                        + "\"operator\":\"In\",\"values\":[\"blue\"]}}]},\"grouping\""),
                // QueryDataset.grouping maxItems 2: a second tag after a dimension and a tag is a third grouping
                byLocationAndEnv.replace("]}}", ",{\"type\":\"TagKey\",\"name\":\"team\"}]}}"));
        assertRefused(token, refused);
    }

    /** Each body is answered 400 BadRequest "Invalid query definition...", as ARM answers an invalid query. */
    private void assertRefused(String token, List<String> bodies) throws Exception {
        for (String body : bodies) {
            HttpResponse<String> r = query(queryUrl(SCOPE), token, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).at("/error/code").asText()).as(body).isEqualTo("BadRequest");
            assertThat(JSON.readTree(r.body()).at("/error/message").asText()).as(body).startsWith("Invalid query definition");
        }
    }

    /** @return the answer's rows as "cost dimension tag-value" */
    private List<String> rows(String token, String body) throws Exception {
        HttpResponse<String> r = query(queryUrl(SCOPE), token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).at("/properties/rows").forEach(row -> out.add(
                row.get(0).decimalValue().stripTrailingZeros().toPlainString() + " " + row.get(2).asText() + " "
                        + row.get(4).asText()));
        return out;
    }
}
