package dev.billing.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.gcp.internal.ExportQuery;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;
import dev.billing.testkit.RecordingSleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

@Timeout(30)
class GcpFetchTest extends GcpTestSupport {

    @Test
    void query_isTheFixedTextWithTypedNamedParameters_noLiteralDateOrId() throws Exception {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of()))));
        FetchRequest request = FetchRequest.of(account("gcp-prod", Map.of("billingAccountId", "0123AB-4567CD-89EF01",
                "projectId", "web-shop-prod")), BillingPeriod.of(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 4, 1)),
                Granularity.DAILY);

        fetch(provider(), request);

        List<LoggedRequest> sent = server.findAll(postRequestedFor(urlEqualTo(QUERIES)));
        assertThat(sent).hasSize(1);
        JsonNode body = JSON.readTree(sent.get(0).getBodyAsString());
        String text = body.get("query").asText();
        assertThat(text).isEqualTo(ExportQuery.DEFAULT.text(TABLE)).contains("FROM `" + TABLE + "`")
                .contains("@start", "@end", "@billing_account", "@project", "CAST(cost AS NUMERIC)", "UNNEST(credits)")
                .doesNotContain("2026").doesNotContain("0123AB-4567CD").doesNotContain("web-shop-prod");
        assertThat(body.get("useLegacySql").asBoolean(true)).isFalse();
        assertThat(body.get("parameterMode").asText()).isEqualTo("NAMED");
        Map<String, String> types = params(body, "type");
        Map<String, String> values = params(body, "value");
        assertThat(types.keySet()).containsExactly("start", "end", "billing_account", "project");
        assertThat(types.values()).containsExactly("DATE", "DATE", "STRING", "STRING");
        assertThat(values).isEqualTo(Map.of("start", "2026-03-01", "end", "2026-04-01",
                "billing_account", "0123AB-4567CD-89EF01", "project", "web-shop-prod"));
        assertThat(body.get("maxResults").asInt()).isPositive();
        assertThat(body.get("timeoutMs").asInt()).isPositive();
        assertThat(body.get("requestId").asText()).isNotEmpty();
        assertThat(sent.get(0).getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void query_withoutFilters_sendsEmptyStringsMeaningAll_andLocationWhenSet() throws Exception {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of()))));
        GcpBillingExportProvider p = provider().toBuilder().location("asia-northeast1").build();

        fetch(p, january());

        JsonNode body = JSON.readTree(server.findAll(postRequestedFor(urlEqualTo(QUERIES))).get(0).getBodyAsString());
        assertThat(params(body, "value")).containsEntry("billing_account", "").containsEntry("project", "");
        assertThat(body.get("location").asText()).isEqualTo("asia-northeast1");
    }

    private static Map<String, String> params(JsonNode body, String what) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode p : body.get("queryParameters")) {
            out.put(p.get("name").asText(), what.equals("type") ? p.get("parameterType").get("type").asText()
                    : p.get("parameterValue").get("value").asText());
        }
        return out;
    }

    @Test
    void token_isAJwtBearerGrantSignedRs256WithTheKey_andCachedAcrossFetches() throws Exception {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of()))));
        GcpBillingExportProvider p = provider();

        fetch(p, january());
        fetch(p, january());

        List<LoggedRequest> tokens = server.findAll(postRequestedFor(urlEqualTo("/token")));
        assertThat(tokens).hasSize(1);
        Map<String, String> form = java.util.Arrays.stream(tokens.get(0).getBodyAsString().split("&"))
                .map(kv -> kv.split("=", 2)).collect(Collectors.toMap(kv -> kv[0],
                        kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8)));
        assertThat(form.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
        String[] jwt = form.get("assertion").split("\\.");
        assertThat(jwt).hasSize(3);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(header.get("kid").asText()).isEqualTo("4f3e2d1c0b");
        assertThat(claims.get("iss").asText()).isEqualTo(EMAIL);
        assertThat(claims.get("aud").asText()).isEqualTo(endpoint() + "/token");
        assertThat(claims.get("scope").asText()).isEqualTo("https://www.googleapis.com/auth/cloud-platform.read-only");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(publicKey());
        rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();
        server.verify(2, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void jobCompleteFalse_isPolledWithGetQueryResults_thenThreePagesAreRead() {
        stubToken();
        server.stubFor(query().willReturn(okJson(pending())));
        sequence(() -> results().withQueryParam("pageToken", WireMock.absent()), okJson(pending()),
                okJson(page("tok-2", List.of(row("2026-01-05", "Compute Engine", "web-prod", "regular", "USD", "10.5", "-1.25")))));
        server.stubFor(results().withQueryParam("pageToken", WireMock.equalTo("tok-2")).willReturn(okJson(
                page("tok-3", List.of(row("2026-01-06", "Cloud Storage", "web-prod", "regular", "USD", "0.000001", "0"))))));
        server.stubFor(results().withQueryParam("pageToken", WireMock.equalTo("tok-3")).willReturn(okJson(
                page(null, List.of(row("2026-01-07", "BigQuery", "data-prod", "regular", "USD", "3", "0"))))));

        Fetched f = fetch(provider(), january());

        server.verify(4, getRequestedFor(urlPathEqualTo(RESULTS)));
        server.verify(1, postRequestedFor(urlEqualTo(QUERIES)));
        assertThat(f.stats().pages()).isEqualTo(3);
        assertThat(f.stats().requests()).isEqualTo(6); // token, query, 2 polls, 2 pages
        assertThat(f.stats().bytesScanned()).isEqualTo(123456789L);
        assertThat(f.records()).hasSize(4);
        assertThat(f.total("USD")).isEqualByComparingTo("12.250001");
        server.verify(getRequestedFor(urlPathEqualTo(RESULTS)).withQueryParam("location", WireMock.equalTo("US")));
    }

    @Test
    void credits_becomeCreditRecords_andTotalsEqualCostPlusCreditsExactly_inEachCurrency() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of(
                row("2026-01-05", "Compute Engine", "web-prod", "regular", "USD", "100.123456789", "-20.000000001"),
                row("2026-01-05", "Compute Engine", "web-jp", "regular", "JPY", "15000", "-3000.5"),
                row("2026-01-06", "Invoice", "web-prod", "tax", "USD", "8.01", "0"),
                row("2026-01-06", "Invoice", "web-jp", "adjustment", "JPY", "-12", "0"),
                row("2026-01-07", "Cloud Storage", "", "regular", "USD", "0", "-0.5"))))));

        Fetched f = fetch(provider(), january());

        assertThat(f.records()).extracting(r -> r.chargeCategory() + " " + r.billedCost().amount().toPlainString() + " "
                + r.billedCost().currency()).containsExactly(
                "USAGE 100.123456789 USD", "CREDIT -20.000000001 USD", "USAGE 15000 JPY", "CREDIT -3000.5 JPY",
                "TAX 8.01 USD", "ADJUSTMENT -12 JPY", "CREDIT -0.5 USD");
        assertThat(f.total("USD")).isEqualTo(new BigDecimal("100.123456789").add(new BigDecimal("-20.000000001"))
                .add(new BigDecimal("8.01")).add(new BigDecimal("-0.5")));
        assertThat(f.total("USD").toPlainString()).isEqualTo("87.633456788");
        assertThat(f.total("JPY").toPlainString()).isEqualTo("11987.5");
        CostRecord first = f.records().get(0);
        assertThat(first.billingAccountId()).isEqualTo("0123AB-4567CD-89EF01");
        assertThat(first.subAccountId()).isEqualTo("web-prod");
        assertThat(f.records().get(6).subAccountId()).isEmpty();
        assertThat(first.service()).isEqualTo("Compute Engine");
        assertThat(first.usageType()).isEqualTo("Compute Engine SKU");
        assertThat(first.region()).isEqualTo("asia-northeast1");
        assertThat(first.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 5));
    }

    @Test
    void rowsOutsideThePeriod_areDroppedAndCounted() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of(
                row("2025-12-31", "Compute Engine", "p", "regular", "USD", "1", "0"),
                row("2026-01-31", "Compute Engine", "p", "regular", "USD", "2", "0"),
                row("2026-02-01", "Compute Engine", "p", "regular", "USD", "4", "0"))))));

        Fetched f = fetch(provider(), january());

        assertThat(f.records()).hasSize(1);
        assertThat(f.stats().droppedRows()).isEqualTo(2);
        assertThat(f.total("USD")).isEqualByComparingTo("2");
    }

    @Test
    void billingAccount_isTheCredential_elseTheTableNamesAccount() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of(
                row("2026-01-05", "Compute Engine", "p", "regular", "USD", "1", "0"))))));
        FetchRequest withId = FetchRequest.of(account("a", Map.of("billingAccountId", "AAAAAA-BBBBBB-CCCCCC")),
                january().period(), Granularity.DAILY);

        assertThat(fetch(provider(), withId).records().get(0).billingAccountId()).isEqualTo("AAAAAA-BBBBBB-CCCCCC");
        assertThat(fetch(provider(), january()).records().get(0).billingAccountId()).isEqualTo("0123AB-4567CD-89EF01");
    }

    @Test
    void invalidGrant_isCredentialsRejected_neverRetried() {
        server.stubFor(WireMock.post(urlEqualTo("/token")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("gcp-prod").hasMessageContaining("invalid_grant")
                .hasMessageContaining("Invalid JWT Signature.");
        server.verify(1, postRequestedFor(urlEqualTo("/token")));
        server.verify(0, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void token401_isCredentialsRejected() {
        server.stubFor(WireMock.post(urlEqualTo("/token")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"The OAuth client was not found.\"}")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(CredentialsRejectedException.class)
                .satisfies(e -> assertThat(((CredentialsRejectedException) e).statusCode()).hasValue(401));
        server.verify(1, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void bigQuery401_getsANewTokenOnce_thenIsCredentialsRejected() {
        stubToken();
        server.stubFor(query().willReturn(bqError(401, "authError", "Request had invalid authentication credentials.")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("gcp-prod");
        server.verify(2, postRequestedFor(urlEqualTo("/token")));
        server.verify(2, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void accessDenied_isCredentialsRejected_namingTheRoles_neverRetried() {
        stubToken();
        server.stubFor(query().willReturn(bqError(403, "accessDenied", "Access Denied: Table billing-admin:x: User does not have permission")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("gcp-prod").hasMessageContaining("BigQuery Data Viewer")
                .hasMessageContaining("Job User").hasMessageContaining("accessDenied");
        server.verify(1, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void notFound_isAConfigurationErrorNamingTheTable() {
        stubToken();
        server.stubFor(query().willReturn(bqError(404, "notFound", "Not found: Table billing-admin:billing_export.x was not found in location US")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining(TABLE).hasMessageContaining("gcp-prod");
        server.verify(1, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void throttling429AndRateLimitExceeded_areRetried_thenTheTotalIsExact() {
        stubToken();
        sequence(this::query, bqError(429, "rateLimitExceeded", "slow down").withHeader("Retry-After", "0"),
                bqError(403, "rateLimitExceeded", "Exceeded rate limits"),
                okJson(page(null, List.of(row("2026-01-05", "Compute Engine", "p", "regular", "USD", "7.7", "-0.7")))));

        Fetched f = fetch(provider(), january());

        assertThat(f.total("USD")).isEqualByComparingTo("7.0");
        server.verify(3, postRequestedFor(urlEqualTo(QUERIES)));
        assertThat(f.stats().requests()).isEqualTo(4);
    }

    /** Retry-After as seconds or as an HTTP date (against the settings' clock), read by the shared reader. */
    @ParameterizedTest
    @ValueSource(strings = {"9", "Tue, 10 Feb 2026 00:00:09 GMT"})
    void throttling429_withRetryAfterAsSecondsOrAnHttpDate_waitsExactlyThat(String retryAfter) {
        stubToken();
        sequence(this::query, bqError(429, "rateLimitExceeded", "slow down").withHeader("Retry-After", retryAfter),
                okJson(page(null, List.of(row("2026-01-05", "Compute Engine", "p", "regular", "USD", "7.7", "-0.7")))));
        RecordingSleeper sleeper = new RecordingSleeper();
        HttpSettings http = http().retryPolicy(RetryPolicy.defaults().withMaxAttempts(3))
                .clock(Clock.fixed(Instant.parse("2026-02-10T00:00:00Z"), ZoneOffset.UTC)).sleeper(sleeper).build();

        Fetched f = fetch(provider(http), january());

        assertThat(f.total("USD")).isEqualByComparingTo("7.0");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(9));
    }

    @Test
    void throttling_outlivingTheRetries_isRateLimited() {
        stubToken();
        server.stubFor(query().willReturn(bqError(429, "rateLimitExceeded", "slow down").withHeader("Retry-After", "1")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("gcp-prod").hasMessageContaining("3 attempts");
        server.verify(3, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void backendErrorAnd5xx_areRetried_andOutlivingTheRetriesIsUnavailable() {
        stubToken();
        sequence(this::query, bqError(503, "backendError", "Error encountered during execution."),
                okJson(page(null, List.of(row("2026-01-05", "Compute Engine", "p", "regular", "USD", "1", "0")))));
        assertThat(fetch(provider(), january()).total("USD")).isEqualByComparingTo("1");

        server.resetAll();
        stubToken();
        server.stubFor(query().willReturn(bqError(500, "backendError", "Error encountered during execution.")));
        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("gcp-prod").hasMessageContaining("backendError");
        server.verify(3, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void invalidQuery_isAProtocolErrorWithBigQuerysMessage() {
        stubToken();
        server.stubFor(query().willReturn(bqError(400, "invalidQuery", "Unrecognized name: cost_type at [7:10]")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("Unrecognized name: cost_type at [7:10]").hasMessageContaining("gcp-prod");
        server.verify(1, postRequestedFor(urlEqualTo(QUERIES)));
    }

    @Test
    void otherBadRequest_isInvalidRequest() {
        stubToken();
        server.stubFor(query().willReturn(bqError(400, "bytesBilledLimitExceeded", "Query exceeded limit for bytes billed")));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("bytesBilledLimitExceeded");
    }

    @Test
    void repeatedPageToken_isAProtocolError_notALoop() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page("same", List.of(row("2026-01-05", "C", "p", "regular", "USD", "1", "0"))))));
        server.stubFor(results().willReturn(okJson(page("same", List.of(row("2026-01-06", "C", "p", "regular", "USD", "1", "0"))))));

        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("pageToken 'same' again");
    }

    @Test
    void unexpectedColumns_orMalformedNumbers_areProtocolErrors() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of()).replace("\"credits\"", "\"credit\""))));
        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("columns");

        server.stubFor(query().willReturn(okJson(page(null, List.of(row("2026-01-05", "C", "p", "regular", "USD", "1e", "0"))))));
        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("not a decimal");

        server.stubFor(query().willReturn(okJson("{\"jobComplete\": true, \"rows\": [")));
        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderProtocolException.class);
    }

    @Test
    void jsonNumbers_areReadExactlyToo() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of(row("2026-01-05", "C", "p", "regular", "USD", "X", "0")))
                .replace("\"X\"", "0.1000000000000000055511151231257827"))));

        assertThat(fetch(provider(), january()).total("USD").toPlainString()).isEqualTo("0.1000000000000000055511151231257827");
    }

    @Test
    void aQueryStillRunningAfterMaxPollWait_isUnavailable() {
        stubToken();
        server.stubFor(query().willReturn(okJson(pending())));
        server.stubFor(results().willReturn(okJson(pending())));
        GcpBillingExportProvider p = provider().toBuilder().maxPollWait(java.time.Duration.ofMillis(400)).build();

        assertThatThrownBy(() -> fetch(p, january())).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("still running");
    }

    @Test
    void tokenUri_overPlainHttp_isAcceptedOnlyOnLoopback() {
        FetchRequest remote = FetchRequest.of(account("gcp-prod", Map.of("serviceAccountKey",
                keyJson("http://oauth2.example.com/token"))), january().period(), Granularity.DAILY);

        assertThatThrownBy(() -> fetch(provider(), remote)).isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("serviceAccountKey").hasMessageNotContaining(PRIVATE_KEY_BASE64.substring(0, 40));
        server.verify(0, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void malformedCredentials_areInvalidCredentials_withoutEchoingTheKey() {
        FetchRequest bad = FetchRequest.of(account("gcp-prod", Map.of("table", "proj.ds.t`; DROP TABLE x; --")),
                january().period(), Granularity.DAILY);
        assertThatThrownBy(() -> fetch(provider(), bad)).isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("table");

        FetchRequest notAKey = FetchRequest.of(account("gcp-prod", Map.of("serviceAccountKey",
                keyJson().replace("service_account", "authorized_user"))), january().period(), Granularity.DAILY);
        assertThatThrownBy(() -> fetch(provider(), notAKey)).isInstanceOf(InvalidCredentialsException.class)
                .hasMessageNotContaining(PRIVATE_KEY_BASE64.substring(0, 40));
    }

    @Test
    void stats_countEveryRequest() {
        stubToken();
        server.stubFor(query().willReturn(okJson(page(null, List.of()))));

        FetchStats stats = fetch(provider(), january()).stats();

        assertThat(stats).isEqualTo(FetchStats.builder().requests(2).pages(1).bytesScanned(123456789L).build());
    }
}
