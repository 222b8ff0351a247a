package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.Money;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.RateLimitedException;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import dev.billing.testkit.RecordingSleeper;
import dev.billing.testkit.SummaryData;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class MzcFetchTest extends MzcTestSupport {
    private static final String JANUARY_DAILY = answer(item("daily_cost", "202601", project("web-prod",
            daily("202601", "2026-01-05", cost("3777.55956", "KRW")),
            daily("202601", "2026-01-06", cost("4112.238968", "KRW"), cost("-12.5", "KRW")))));

    // --- the wire format --------------------------------------------------------------------------

    @Test
    void costAndCredit_becomeAUsageAndACreditRecord_thatAddUpToFinalCost_whateverTheCreditsSign() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(answer(item("daily_cost", "202601", project("web-prod",
                daily("202601", "2026-01-05", cost("1000.5", "-200.25", "800.25", "KRW"), cost("40", "10", "30", "KRW"),
                        cost("7", "0", "7", "KRW"))))))));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("837.25");
        assertThat(fetched.records()).extracting(r -> r.chargeCategory().name() + " " + r.billedCost().amount().toPlainString())
                .containsExactly("USAGE 1000.5", "CREDIT -200.25", "USAGE 40", "CREDIT -10", "USAGE 7");
        assertThat(fetched.stats().records()).isEqualTo(5);
    }

    @Test
    void aCreditThatIsNotFinalCostMinusCost_isAProtocolError() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(answer(item("daily_cost", "202601", project("web-prod",
                daily("202601", "2026-01-05", cost("100", "-5", "90", "KRW"))))))));

        assertThatThrownBy(() -> fetch(provider(), january(Granularity.DAILY))).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("credit -5 is not final_cost - cost = -10");
    }

    @Test
    void fetch_sendsOneGetPerMonthWithTheQueryAndAnRs256TokenSignedWithTheKey() throws Exception {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(JANUARY_DAILY)));

        long before = System.currentTimeMillis() / 1000;
        fetch(provider(), january(Granularity.DAILY));

        var requests = server.findAll(getRequestedFor(urlPathEqualTo(SUMMARY))
                .withQueryParam("platform", equalTo("gcp"))
                .withQueryParam("account_id", equalTo(ACCOUNT_ID))
                .withQueryParam("month", equalTo("202601"))
                .withQueryParam("kind", equalTo("daily_cost"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Authorization", matching("Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")));
        assertThat(requests).hasSize(1);
        String[] jwt = requests.get(0).getHeader("Authorization").substring("Bearer ".length()).split("\\.");
        ObjectMapper json = new ObjectMapper();
        Base64.Decoder url = Base64.getUrlDecoder();
        assertThat(json.readTree(url.decode(jwt[0]))).isEqualTo(json.readTree("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"));
        JsonNode claims = json.readTree(url.decode(jwt[1]));
        assertThat(claims.get("iss").asText()).isEqualTo(CLIENT_EMAIL);
        assertThat(claims.get("sub").asText()).isEqualTo(CLIENT_EMAIL);
        assertThat(claims.get("email").asText()).isEqualTo(CLIENT_EMAIL);
        assertThat(claims.get("aud").asText()).isEqualTo("127.0.0.1");
        assertThat(claims.get("iat").asLong()).isBetween(before - 1, before + 5);
        assertThat(claims.get("exp").asLong()).isEqualTo(claims.get("iat").asLong() + 600);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(KEY.getPublic());
        rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(url.decode(jwt[2]))).isTrue();
    }

    @Test
    void projectTotal_krwAmounts_areExactAndEveryCostsEntryCounts() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(JANUARY_DAILY)));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualTo(new BigDecimal("7877.298528"));
        assertThat(fetched.records()).extracting(r -> r.billedCost().currency().getCurrencyCode()).containsOnly("KRW");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(3).requests(1).pages(1).build());
        CostRecord first = fetched.records().get(0);
        assertThat(first.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 5));
        assertThat(first.provider().value()).isEqualTo("hyperbilling-mzc");
        assertThat(first.billingAccountId()).isEqualTo(ACCOUNT_ID);
        assertThat(first.subAccountId()).isEqualTo("web-prod");
        assertThat(first.serviceAccount().value()).isEqualTo("gcp-billing");
        assertThat(first.project().value()).isEqualTo("project-data");
        assertThat(first.billedCost()).isEqualTo(Money.of("3777.55956", "KRW"));
    }

    @Test
    void projectTotal_overSeveralMonths_asksForEachMonthAndKeepsOnlyThePeriod() {
        for (String[] m : new String[][] {{"202601", "2026-01-20", "1.25"}, {"202602", "2026-02-10", "2.5"},
            {"202603", "2026-03-14", "4"}}) {
            server.stubFor(get(urlPathEqualTo(SUMMARY)).withQueryParam("month", equalTo(m[0]))
                    .willReturn(ok(answer(item("daily_cost", m[0], project("p1",
                            daily(m[0], m[1], cost(m[2], "USD")), daily(m[0], m[0].substring(0, 4) + "-"
                                    + m[0].substring(4) + "-01", cost("100", "USD"))))))));
        }

        Fetched fetched = fetch(provider(), request(LocalDate.of(2026, 1, 15), LocalDate.of(2026, 3, 15), Granularity.MONTHLY));

        // the 1st of January is before the period; February's and March's 1sts are inside
        assertThat(fetched.total()).isEqualByComparingTo("207.75");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(5).requests(3).pages(3).droppedRows(1).build());
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo(SUMMARY))).stream()
                .map(r -> r.queryParameter("month").firstValue() + "/" + r.queryParameter("kind").firstValue()))
                .containsExactly("202601/daily_cost", "202602/daily_cost", "202603/daily_cost");
    }

    @Test
    void projectTotal_monthlyOverWholeMonths_asksCostByServiceAndFillsTheService() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(answer(item("cost_by_service", "202601",
                project("p1", byService("Compute Engine", cost("10.5", "USD")), byService("BigQuery", cost("0.25", "USD"))),
                project("p2", byService("Compute Engine", cost("1", "USD"))))))));

        Fetched fetched = fetch(provider(), january(Granularity.MONTHLY));

        assertThat(fetched.total()).isEqualByComparingTo("11.75");
        assertThat(fetched.records()).extracting(CostRecord::service)
                .containsExactly("Compute Engine", "BigQuery", "Compute Engine");
        assertThat(fetched.records()).extracting(CostRecord::chargeDate).containsOnly(LocalDate.of(2026, 1, 1));
        server.verify(1, getRequestedFor(urlPathEqualTo(SUMMARY)).withQueryParam("kind", equalTo("cost_by_service")));
    }

    // --- the known faults -------------------------------------------------------------------------

    @Test
    void projectTotal_rowsOfAnotherMonthOrDatedOutsideIt_areDroppedAndCounted() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(answer(
                item("daily_cost", "202601", project("p1",
                        daily("202601", "2026-01-10", cost("5", "USD")),
                        daily("202601", "2025-12-31", cost("900", "USD")),
                        daily("202601", "2026-02-01", cost("900", "USD")),
                        daily("202512", "2026-01-11", cost("900", "USD")))),
                item("daily_cost", "202512", project("p1", daily("202512", "2025-12-20", cost("900", "USD"))))))));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("5");
        assertThat(fetched.stats().droppedRows()).isEqualTo(4);
    }

    @Test
    void projectTotal_kindsThatWereNotAskedFor_areDroppedAndCounted() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(answer(
                item("cost_by_region", "202601", project("p1", "{\"region_id\":\"asia-east1\",\"multi_region\":false,"
                        + "\"costs\":[" + cost("7", "USD") + "]}")),
                item("daily_cost", "202601", project("p1", daily("202601", "2026-01-10", cost("7", "USD")))),
                item("monthly_cost", "202601", project("p1", "{\"invoice_month\":\"202601\",\"costs\":["
                        + cost("7", "USD") + "]}"))))));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("7");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(1).requests(1).pages(1).droppedRows(2).build());
    }

    @Test
    void projectTotal_nullFinalCost_countsAsZeroAndIsCounted() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok(answer(item("daily_cost", "202601", project("p1",
                daily("202601", "2026-01-10", cost("null", "USD"), cost("2.5", "USD"))))))));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("2.5");
        assertThat(fetched.stats().nullCosts()).isEqualTo(1);
    }

    @Test
    void fetch_errorCodeInA200_isAProtocolErrorNotZero() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok("{\"errorCode\":\"INTERNAL\",\"message\":\"db down\"}")));

        assertThatThrownBy(() -> fetch(provider(), january(Granularity.DAILY)))
                .isExactlyInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("INTERNAL: db down").hasMessageContaining("'gcp-billing'");
        assertThat(summaryRequests()).isEqualTo(1);
    }

    @Test
    void fetch_errorCodeInA200NamingTheToken_isCredentialsRejectedAndNotRetried() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(ok("{\"errorCode\":\"INVALID_TOKEN\",\"message\":\"x\"}")));

        assertThatThrownBy(() -> fetch(provider(), january(Granularity.DAILY)))
                .isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("'clientEmail' and 'privateKey'");
        assertThat(summaryRequests()).isEqualTo(1);
    }

    @Test
    void fetch_whenTheSignatureIsRefused401_isCredentialsRejectedAndNotRetried() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(error(401, "INVALID_SIGNATURE")));

        assertThatThrownBy(() -> fetch(provider(), january(Granularity.DAILY)))
                .isInstanceOf(CredentialsRejectedException.class)
                .hasMessageStartingWith("credentials rejected by hyperbilling-mzc (HTTP 401: INVALID_SIGNATURE: test)");
        assertThat(summaryRequests()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504})
    void projectTotal_whenThrottledOrServerErrorThenOk_retriesAndReturnsExactTotal(int status) {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(status, "BUSY").withHeader("Retry-After", "0")).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs("ok").willReturn(ok(JANUARY_DAILY)));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("7877.298528");
        assertThat(fetched.stats().requests()).isEqualTo(2);
        assertThat(summaryRequests()).isEqualTo(2);
    }

    /** The wait comes from the shared Retry-After reader: seconds, or an HTTP date against the settings' clock. */
    @ParameterizedTest
    @ValueSource(strings = {"9", "Sat, 10 Jan 2026 08:00:09 GMT"})
    void fetch_when429NamesAWait_asSecondsOrAsAnHttpDate_waitsExactlyThat(String retryAfter) {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(429, "THROTTLED").withHeader("Retry-After", retryAfter)).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs("ok").willReturn(ok(JANUARY_DAILY)));
        RecordingSleeper sleeper = new RecordingSleeper();
        HyperBillingMzcProvider provider = provider().toBuilder().http(HttpSettings.builder()
                .retryPolicy(FAST.withMaxRetryAfter(Duration.ofMinutes(1)))
                .clock(Clock.fixed(Instant.parse("2026-01-10T08:00:00Z"), ZoneOffset.UTC))
                .sleeper(sleeper).build()).build();

        Fetched fetched = fetch(provider, january(Granularity.DAILY));

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(9));
        assertThat(fetched.total()).isEqualByComparingTo("7877.298528");
        assertThat(summaryRequests()).isEqualTo(2);
    }

    @Test
    void fetch_whenThrottledBeyondTheRetries_isRateLimited() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(error(429, "THROTTLED").withHeader("Retry-After", "0")));

        assertThatThrownBy(() -> fetch(provider(), january(Granularity.DAILY))).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("after 3 attempts");
        assertThat(summaryRequests()).isEqualTo(3);
    }

    @Test
    void fetchAsync_overTwoMonths_isExactAndCountsBothRequests() {
        server.stubFor(get(urlPathEqualTo(SUMMARY)).withQueryParam("month", equalTo("202601")).willReturn(ok(JANUARY_DAILY)));
        server.stubFor(get(urlPathEqualTo(SUMMARY)).withQueryParam("month", equalTo("202602")).willReturn(ok(answer(
                item("daily_cost", "202602", project("p", daily("202602", "2026-02-02", cost("0.000001", "KRW"))))))));
        List<CostRecord> records = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        FetchStats stats = provider().fetchAsync(request(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 1),
                Granularity.DAILY), records::add, ForkJoinPool.commonPool()).join();

        assertThat(records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualTo(new BigDecimal("7877.298529"));
        assertThat(stats).isEqualTo(FetchStats.builder().records(4).requests(2).pages(2).build());
    }

    // --- credentials --------------------------------------------------------------------------------

    @Test
    void fetch_withAPkcs1Key_failsClearlyBeforeAnyRequest() {
        byte[] pkcs8 = KEY.getPrivate().getEncoded();
        // a 2048-bit RSA PKCS#8 key is a 26-byte header around the PKCS#1 structure
        assertThat(pkcs8[22]).isEqualTo((byte) 0x04);
        String pkcs1 = SummaryData.pem("RSA PRIVATE KEY", java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length));

        assertThatThrownBy(() -> fetch(provider(), dev.billing.core.spi.FetchRequest.of(account(pkcs1),
                january(Granularity.DAILY).period(), Granularity.DAILY)))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("credential 'privateKey'")
                .hasMessageContaining("PKCS#1 key ('BEGIN RSA PRIVATE KEY')")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
                .satisfies(e -> secretLines().forEach(l -> assertThat(e.getMessage()).doesNotContain(l)));
        assertThat(summaryRequests()).isZero();
    }

    @Test
    void fetch_withAPublicKey_failsClearlyBeforeAnyRequest() {
        String publicPem = SummaryData.pem("PUBLIC KEY", KEY.getPublic().getEncoded());

        assertThatThrownBy(() -> fetch(provider(), dev.billing.core.spi.FetchRequest.of(account(publicPem),
                january(Granularity.DAILY).period(), Granularity.DAILY)))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("credential 'privateKey'")
                .hasMessageContaining("must be a PEM PKCS#8 private key");
        assertThat(summaryRequests()).isZero();
    }

    @Test
    void fetch_withAnUnknownPlatform_failsBeforeAnyRequest() {
        var bad = new dev.billing.core.ServiceAccount(account().id(), account().provider(), account().project(),
                dev.billing.core.Credentials.of(java.util.Map.of("platform", "aws", "accountId", ACCOUNT_ID,
                        "clientEmail", CLIENT_EMAIL, "privateKey", PRIVATE_KEY_PEM)), java.util.Map.of());

        assertThatThrownBy(() -> fetch(provider(), dev.billing.core.spi.FetchRequest.of(bad,
                january(Granularity.DAILY).period(), Granularity.DAILY)))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("must be one of gcp, alibaba, tencent, akamai, got 'aws'");
    }
}
