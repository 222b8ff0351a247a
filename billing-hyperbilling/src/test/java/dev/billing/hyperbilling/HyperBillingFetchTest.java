package dev.billing.hyperbilling;

import dev.billing.provider.RetryPolicy;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Money;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class HyperBillingFetchTest extends HyperBillingTestSupport {
    private static final String ONE_ROW = page("", row("2026-01-05", "1.25"), row("2026-01-06", "2.5"));

    // --- the happy path and the wire format ---------------------------------------------------

    @Test
    void fetch_onePage_returnsExactTotalAndMapsEveryColumn() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("\"Currency\":\"USD\"",
                row("2026-01-05", "1.2345678"), row("2026-01-06", "APN2", "AmazonS3", "APN2-TimedStorage-ByteHrs",
                        "0.0000001", "3.5")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("1.2345679");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(2).requests(1).pages(1).build());
        CostRecord first = fetched.records().get(0);
        assertThat(first.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 5));
        assertThat(first.provider().value()).isEqualTo("hyperbilling-aws");
        assertThat(first.billingAccountId()).isEqualTo(ACCOUNT_ID);
        assertThat(first.serviceAccount().value()).isEqualTo("prod-aws");
        assertThat(first.project().value()).isEqualTo("project-web");
        assertThat(first.service()).isEqualTo("Amazon Elastic Compute Cloud - Compute");
        assertThat(first.region()).isEqualTo("ap-northeast-2");
        assertThat(first.usageType()).isEqualTo("APN2-BoxUsage:t3.micro");
        assertThat(first.chargeCategory()).isEqualTo(ChargeCategory.USAGE);
        assertThat(first.billedCost()).isEqualTo(Money.of("1.2345678", "USD"));
        assertThat(first.usageQuantity()).isEqualByComparingTo(new BigDecimal("24"));
    }

    @Test
    void fetch_sendsExactHeadersAndBody() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(ONE_ROW)));

        fetch(provider(), oneWindow(Granularity.DAILY));

        server.verify(1, postRequestedFor(urlEqualTo(BILLING))
                .withHeader("X-Client-Id", equalTo("ops@example.com"))
                .withHeader("X-Client-Secret", equalTo(KEY))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"Filter\":{\"LinkedAccount\":[\"111111111111\"],\"Granularity\":\"DAILY\","
                        + "\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-01-31\"}},"
                        + "\"GroupBy\":[\"USAGE_DATE\",\"REGION\",\"SERVICE_CODE\",\"USAGE_TYPE\",\"INSTANCE_TYPE\"],"
                        + "\"Result\":[\"USAGE_COST\",\"USAGE_QUANTITY\"]}")));
    }

    // --- retries ------------------------------------------------------------------------------

    @Test
    void projectTotal_when429WithRetryAfterSecondsThenOk_waitsThatLongAndReturnsExactTotal() {
        stubSequence(BILLING, error(429, "THROTTLED").withHeader("Retry-After", "7"), ok(ONE_ROW));

        Fetched fetched = fetch(provider(recordingWaits(FAST.withMaxRetryAfter(Duration.ofMinutes(1)), Clock.systemUTC())),
                oneWindow(Granularity.DAILY));

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(fetched.stats().requests()).isEqualTo(2);
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void projectTotal_when429WithRetryAfterHttpDateThenOk_waitsUntilThatDate() {
        Instant now = Instant.parse("2026-01-10T08:00:00Z");
        String inNineSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(9).atOffset(ZoneOffset.UTC));
        stubSequence(BILLING, error(429, "THROTTLED").withHeader("Retry-After", inNineSeconds), ok(ONE_ROW));

        Fetched fetched = fetch(provider(recordingWaits(FAST.withMaxRetryAfter(Duration.ofMinutes(1)),
                Clock.fixed(now, ZoneOffset.UTC))),
                oneWindow(Granularity.DAILY));

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(9));
        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void projectTotal_when429AsksForAnHour_waitsOnlyTheMaximumRetryAfter() {
        stubSequence(BILLING, error(429, "THROTTLED").withHeader("Retry-After", "3600"), ok(ONE_ROW));

        Fetched fetched = fetch(provider(recordingWaits(FAST.withMaxRetryAfter(Duration.ofMillis(50)), Clock.systemUTC())),
                oneWindow(Granularity.DAILY));

        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(50));
        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(billingRequests()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void projectTotal_whenServerErrorThenOk_retriesAndReturnsExactTotal(int status) {
        stubSequence(BILLING, error(status, "INTERNAL"), ok(ONE_ROW));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(2).requests(2).pages(1).build());
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void fetch_when503UntilRetriesRunOut_throwsProviderUnavailableWithStatusAndAccount() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(error(503, "UNAVAILABLE")));

        var e = catchThrowableOfType(ProviderUnavailableException.class,
                () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e).hasMessage("hyperbilling-aws unavailable (HTTP 503: UNAVAILABLE: test) on POST /v1/search/billing"
                + " for service account 'prod-aws' after 3 attempts");
        assertThat(e.statusCode()).hasValue(503);
        assertThat(e.serviceAccount()).hasValue("prod-aws");
        assertThat(e.retryable()).isTrue();
        assertThat(billingRequests()).isEqualTo(3);
    }

    @Test
    void fetch_when429UntilRetriesRunOut_throwsRateLimitedWithRetryAfter() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(error(429, "THROTTLED").withHeader("Retry-After", "0")));

        var e = catchThrowableOfType(RateLimitedException.class, () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e.statusCode()).hasValue(429);
        assertThat(e.retryAfter()).hasValue(Duration.ZERO);
        assertThat(e.serviceAccount()).hasValue("prod-aws");
        assertThat(e).hasMessageStartingWith("rate limited by hyperbilling-aws (HTTP 429: THROTTLED: test) on POST"
                + " /v1/search/billing for service account 'prod-aws' after 3 attempts");
        assertThat(billingRequests()).isEqualTo(3);
    }

    @Test
    void projectTotal_whenConnectionResetThenOk_retriesAndReturnsExactTotal() {
        stubSequence(BILLING, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), ok(ONE_ROW));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void fetch_whenConnectionAlwaysReset_throwsProviderUnavailableWithoutStatus() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        var e = catchThrowableOfType(ProviderUnavailableException.class,
                () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e.statusCode()).isEmpty();
        assertThat(e.serviceAccount()).hasValue("prod-aws");
        assertThat(e).hasMessageContaining("connection failed").hasMessageEndingWith("after 3 attempts");
        assertThat(e.getCause()).isInstanceOf(IOException.class);
        assertThat(billingRequests()).isEqualTo(3);
    }

    @Test
    void projectTotal_whenEmptyReplyThenOk_retriesAndReturnsExactTotal() {
        stubSequence(BILLING, aResponse().withFault(Fault.EMPTY_RESPONSE), ok(ONE_ROW));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void projectTotal_whenBodyCutOffMidTransferThenOk_retriesAndReturnsExactTotal() {
        stubSequence(BILLING, aResponse().withStatus(200).withFault(Fault.MALFORMED_RESPONSE_CHUNK), ok(ONE_ROW));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void fetch_whenAnswerSlowerThanTimeout_retriesThenThrowsProviderUnavailable() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(ONE_ROW).withFixedDelay(1500)));
        HyperBillingProvider provider = provider(HttpSettings.builder().retryPolicy(FAST.withMaxAttempts(2))
                .requestTimeout(Duration.ofMillis(200)).build());

        var e = catchThrowableOfType(ProviderUnavailableException.class,
                () -> fetch(provider, oneWindow(Granularity.DAILY)));

        assertThat(e).hasMessage("hyperbilling-aws unavailable (timed out after PT0.2S) on POST /v1/search/billing"
                + " for service account 'prod-aws' after 2 attempts");
        assertThat(e.statusCode()).isEmpty();
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void projectTotal_whenSecondPageFailsOnceThenOk_passesEveryRowOnExactlyOnce() {
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(notContaining("NextDataToken"))
                .willReturn(ok(page("\"NextDataToken\":\"p2\"", row("2026-01-05", "1.25")))));
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(matchingJsonPath("$.Filter.NextDataToken", equalTo("p2")))
                .inScenario("p2").whenScenarioStateIs("Started").willReturn(error(502, "BAD_GATEWAY"))
                .willSetStateTo("recovered"));
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(matchingJsonPath("$.Filter.NextDataToken", equalTo("p2")))
                .inScenario("p2").whenScenarioStateIs("recovered").willReturn(ok(page("", row("2026-01-06", "2.5")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(2).requests(3).pages(2).build());
    }

    // --- errors that are never retried ----------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404})
    void fetch_whenClientError_throwsTypedErrorWithoutRetry(int status) {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(error(status, "ERROR")));

        var e = catchThrowableOfType(BillingException.class, () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e).isExactlyInstanceOf(status == 400 ? InvalidRequestException.class : CredentialsRejectedException.class);
        assertThat(e.statusCode()).hasValue(status);
        assertThat(e.serviceAccount()).hasValue("prod-aws");
        assertThat(e.retryable()).isFalse();
        assertThat(e).hasMessageContaining("HTTP " + status).hasMessageContaining("service account 'prod-aws'")
                .hasMessageNotContaining(KEY);
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetch_when401WithoutBody_saysExactlyWhatWasRejected() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> fetch(provider(), oneWindow(Granularity.DAILY)))
                .isExactlyInstanceOf(CredentialsRejectedException.class)
                .hasMessage("credentials rejected by hyperbilling-aws (HTTP 401) for service account 'prod-aws';"
                        + " check the credentials 'email' and 'key'");
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetch_whenErrorBodyEchoesTheKey_masksItInTheMessage() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withStatus(403)
                .withBody("{\"errorCode\":\"FORBIDDEN\",\"message\":\"key " + KEY + " is revoked\"}")));

        assertThatThrownBy(() -> fetch(provider(), oneWindow(Granularity.DAILY)))
                .isExactlyInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("FORBIDDEN: key *** is revoked")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void fetch_when200CarriesErrorCode_throwsProtocolErrorWithoutRetry() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok("{\"errorCode\":\"INVALID_TIME_PERIOD\",\"message\":\"too long\"}")));

        var e = catchThrowableOfType(ProviderProtocolException.class, () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e).hasMessage("hyperbilling-aws sent an unusable answer to POST /v1/search/billing (HTTP 200) for"
                + " service account 'prod-aws': the answer carries an error: INVALID_TIME_PERIOD: too long");
        assertThat(e.statusCode()).hasValue(200);
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetch_whenJsonMalformed_throwsProtocolErrorWithoutRetry() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok("{\"Results\":[oops]}")));

        var e = catchThrowableOfType(ProviderProtocolException.class, () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e).hasMessageContaining("malformed JSON").hasMessageContaining("service account 'prod-aws'");
        assertThat(e.serviceAccount()).hasValue("prod-aws");
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetch_whenJsonTruncated_throwsProtocolErrorAndPassesNothingOn() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(ONE_ROW.substring(0, ONE_ROW.length() - 40))));
        List<CostRecord> records = new ArrayList<>();

        assertThatThrownBy(() -> provider().fetch(oneWindow(Granularity.DAILY), records::add))
                .isExactlyInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("malformed JSON (Unexpected end-of-input");
        assertThat(records).isEmpty();
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetch_whenRowHasNoCost_throwsProtocolErrorRatherThanAWrongTotal() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "1"),
                "{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-06\"},\"Value\":{\"USAGE_QUANTITY\":1}}"))));

        assertThatThrownBy(() -> fetch(provider(), oneWindow(Granularity.DAILY)))
                .isExactlyInstanceOf(ProviderProtocolException.class)
                .hasMessageEndingWith("row 2 has no USAGE_COST");
    }

    @Test
    void fetch_when200HasAnEmptyBody_throwsProtocolErrorNotZero() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withStatus(200)));

        assertThatThrownBy(() -> fetch(provider(), oneWindow(Granularity.DAILY)))
                .isExactlyInstanceOf(ProviderProtocolException.class)
                .hasMessageEndingWith("for service account 'prod-aws': empty body");
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetch_whenNothingListens_retriesThenThrowsProviderUnavailable() {
        HyperBillingProvider provider = provider();
        server.stop();

        var e = catchThrowableOfType(ProviderUnavailableException.class,
                () -> fetch(provider, oneWindow(Granularity.DAILY)));

        assertThat(e).hasMessageStartingWith("hyperbilling-aws unavailable (connection failed (ConnectException")
                .hasMessageEndingWith("for service account 'prod-aws' after 3 attempts");
        assertThat(e.statusCode()).isEmpty();
    }

    @Test
    void fetch_whenNextDataTokenRepeats_throwsProtocolErrorInsteadOfLooping() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("\"NextDataToken\":\"same\"", row("2026-01-05", "1")))));

        var e = catchThrowableOfType(ProviderProtocolException.class, () -> fetch(provider(), oneWindow(Granularity.DAILY)));

        assertThat(e).hasMessage("hyperbilling-aws sent the NextDataToken 'same' again for DAILY [2026-01-01, 2026-01-31);"
                + " paging stopped instead of looping (service account 'prod-aws')");
        assertThat(billingRequests()).isEqualTo(2);
    }

    // --- answers and data faults ----------------------------------------------------------------

    @Test
    void projectTotal_when204_isZeroWithoutError() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withStatus(204)));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.records()).isEmpty();
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().requests(1).pages(1).build());
    }

    @Test
    void projectTotal_whenRowsOutsideThePeriod_dropsAndCountsThem() {
        // 2026-01-31 is End: a service reading End as inclusive sends it; it is dropped all the same
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2025-12-31", "100"), row("2026-01-01", "1.5"),
                row("2026-01-30", "2.25"), row("2026-01-31", "200")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(2).requests(1).pages(1).droppedRows(2).build());
        assertThat(fetched.records()).extracting(CostRecord::chargeDate)
                .containsExactly(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 30));
    }

    @Test
    void projectTotal_withNegativeExponentAndLongAmounts_isExactToTheLastDigit() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "-5.25"),
                row("2026-01-05", "1.5E-7"), row("2026-01-05", "2.5e+2"), row("2026-01-05", "-0.000001"),
                row("2026-01-06", "0.1"), row("2026-01-06", "0.2"),
                row("2026-01-07", "12345678901234567890.123456789012345678")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualTo(new BigDecimal("12345678901234568135.173455939012345678"));
        assertThat(fetched.records().get(1).billedCost().amount()).isEqualTo(new BigDecimal("1.5E-7"));
        assertThat(fetched.records().get(0).chargeCategory()).isEqualTo(ChargeCategory.USAGE);
    }

    @Test
    void projectTotal_withIdenticalRows_keepsBothCharges() {
        String same = row("2026-01-05", "0.7");
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", same, same, same))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.records()).hasSize(3);
        assertThat(fetched.total()).isEqualByComparingTo("2.1");
    }

    @Test
    void fetch_withNullOrEmptyRegionUsageTypeInstanceTypeAndQuantity_usesTheDefaults() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok("{\"Results\":["
                + "{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-05\",\"REGION\":null,\"SERVICE_CODE\":\"AWSSupport\","
                + "\"USAGE_TYPE\":null,\"INSTANCE_TYPE\":null},\"Value\":{\"USAGE_COST\":10,\"USAGE_QUANTITY\":null}},"
                + "{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-06\",\"REGION\":\"\",\"SERVICE_CODE\":\"AmazonRoute53\","
                + "\"USAGE_TYPE\":\"\",\"INSTANCE_TYPE\":\"\"},\"Value\":{\"USAGE_COST\":0.5}}]}")));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("10.5");
        assertThat(fetched.records()).extracting(CostRecord::region).containsExactly("us-east-1", "us-east-1");
        assertThat(fetched.records()).extracting(CostRecord::usageType).containsExactly("", "");
        assertThat(fetched.records()).extracting(CostRecord::usageQuantity).containsExactly(null, null);
    }

    @Test
    void fetch_mapsKnownRegionPrefixesAndPassesOthersThrough() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("",
                row("2026-01-05", "EU", "AmazonEC2", "x", "1", "1"),
                row("2026-01-05", "USW2", "AmazonEC2", "x", "1", "1"),
                row("2026-01-05", "XYZ9", "AmazonEC2", "x", "1", "1"),
                row("2026-01-05", "global", "AmazonCloudFront", "x", "1", "1"),
                row("2026-01-05", "ap-northeast-2", "AmazonEC2", "x", "1", "1")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.records()).extracting(CostRecord::region)
                .containsExactly("eu-west-1", "us-west-2", "XYZ9", "global", "ap-northeast-2");
        assertThat(fetched.total()).isEqualByComparingTo("5");
    }

    @Test
    void projectTotal_inKrw_keepsTheAnswersCurrency() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(
                "{\"Results\":[" + row("2026-01-05", "1500") + "," + row("2026-01-06", "250.5") + "],\"Currency\":\"KRW\"}")));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.records()).extracting(r -> r.billedCost().currency().getCurrencyCode()).containsOnly("KRW");
        assertThat(fetched.records().stream().map(CostRecord::billedCost).reduce(Money::plus)).hasValue(Money.of("1750.5", "KRW"));
    }

    @Test
    void fetch_classifiesTaxCreditAndRefundRows() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("",
                row("2026-01-05", null, "Tax", "", "8", "null"),
                row("2026-01-05", null, "AmazonEC2", "Credit", "-3", "null"),
                row("2026-01-05", null, "AmazonEC2", "refund", "-1", "null"),
                row("2026-01-05", null, "AmazonEC2", "APN2-CPUCredits:t3", "0.5", "2")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.records()).extracting(CostRecord::chargeCategory).containsExactly(
                ChargeCategory.TAX, ChargeCategory.CREDIT, ChargeCategory.CREDIT, ChargeCategory.USAGE);
        assertThat(fetched.total()).isEqualByComparingTo("4.5");
    }

    @Test
    void projectTotal_overFourPages_followsEveryTokenUntilAnEmptyOne() {
        stubPage(null, "\"NextDataToken\":\"p2\"", row("2026-01-01", "1.1"));
        stubPage("p2", "\"NextDataToken\":\"p3\"", row("2026-01-02", "2.2"), row("2026-01-02", "0.01"));
        stubPage("p3", "\"NextDataToken\":\"p4\"", row("2026-01-03", "3.3"));
        stubPage("p4", "\"NextDataToken\":\"\"", row("2026-01-04", "4.4"));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("11.01");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(5).requests(4).pages(4).build());
        assertThat(tokensSent()).containsExactly("", "p2", "p3", "p4");
    }

    // --- windows --------------------------------------------------------------------------------

    @Test
    void projectTotal_over100DaysDaily_splitsIntoWindowsOfAtMost30Days() {
        String[][] windows = {{"2026-01-01", "2026-01-31"}, {"2026-01-31", "2026-03-02"},
            {"2026-03-02", "2026-04-01"}, {"2026-04-01", "2026-04-11"}};
        for (int i = 0; i < windows.length; i++) {
            server.stubFor(post(urlEqualTo(BILLING))
                    .withRequestBody(matchingJsonPath("$.Filter.TimePeriod.Start", equalTo(windows[i][0])))
                    .willReturn(ok(page("\"NextDataToken\":null", row(windows[i][0], (i + 1) + ".5")))));
        }
        FetchRequest request = FetchRequest.of(account("prod-aws"),
                BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 11)), Granularity.DAILY);

        Fetched fetched = fetch(provider(), request);

        assertThat(fetched.total()).isEqualByComparingTo("12");
        assertThat(timePeriodsSent()).containsExactly("DAILY 2026-01-01 2026-01-31", "DAILY 2026-01-31 2026-03-02",
                "DAILY 2026-03-02 2026-04-01", "DAILY 2026-04-01 2026-04-11");
        for (JsonNode filter : filtersSent()) {
            LocalDate start = LocalDate.parse(filter.get("TimePeriod").get("Start").asText());
            LocalDate end = LocalDate.parse(filter.get("TimePeriod").get("End").asText());
            assertThat(java.time.temporal.ChronoUnit.DAYS.between(start, end)).isBetween(1L, 30L);
        }
    }

    // --- what the real service sends ----------------------------------------------------------

    @Test
    void projectTotal_pageWithNullCosts_countsThemAsZeroExactlyAndSaysHowMany() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("",
                row("2026-01-05", "1.125"), row("2026-01-06", "null"), row("2026-01-07", "-0.000001"),
                row("2026-01-08", "null"), row("2025-12-31", "null"), row("2026-01-09", "2")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualTo(new BigDecimal("3.124999"));
        // the row of 2025-12-31 is outside the period: dropped, not counted as a null cost
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(5).requests(1).pages(1).droppedRows(1).nullCosts(2).build());
        assertThat(fetched.records()).filteredOn(r -> r.chargeDate().equals(LocalDate.of(2026, 1, 6)))
                .singleElement().satisfies(r -> assertThat(r.billedCost()).isEqualTo(Money.of("0", "USD")));
    }

    @Test
    void fetch_costAsNonNumericString_isStillAProtocolError() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "\"n/a\"")))));

        assertThatThrownBy(() -> fetch(provider(), oneWindow(Granularity.DAILY)))
                .isInstanceOf(ProviderProtocolException.class).hasMessageContaining("USAGE_COST is not a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CPT=af-south-1", "UGW1=us-gov-west-1", "UGE1=us-gov-east-1", "APS4=ap-southeast-3",
        "APS5=ap-south-2", "EUC2=eu-central-2", "EUS2=eu-south-2", "MEC1=me-central-1", "ILC1=il-central-1",
        "CAW1=ca-west-1", "XYZ9=XYZ9"})
    void fetch_regionPrefix_isMappedToItsRegionCode(String mapping) {
        String prefix = mapping.substring(0, mapping.indexOf('='));
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("",
                row("2026-01-05", prefix, "AmazonEC2", prefix + "-BoxUsage", "1", "1")))));

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.records()).singleElement().extracting(CostRecord::region)
                .isEqualTo(mapping.substring(mapping.indexOf('=') + 1));
    }

    @Test
    void projectTotal_monthlyUsageDateAsYearMonthCompactOrAFullDate_allCountForTheirMonth() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("",
                row("2026-01", "1"), row("202602", "2"), row("2026-03-17", "4"), row("202512", "100"),
                row("2026-04-01", "200")))));
        FetchRequest request = FetchRequest.of(account("prod-aws"),
                BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1)), Granularity.MONTHLY);

        Fetched fetched = fetch(provider(), request);

        assertThat(fetched.total()).isEqualByComparingTo("7");
        assertThat(fetched.stats().droppedRows()).isEqualTo(2);
        assertThat(fetched.records()).extracting(CostRecord::chargeDate).containsExactly(
                LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1), LocalDate.of(2026, 3, 1));
    }

    @Test
    void fetch_dailyUsageDateCompact_isAProtocolError() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("202601", "1")))));

        assertThatThrownBy(() -> fetch(provider(), oneWindow(Granularity.DAILY)))
                .isInstanceOf(ProviderProtocolException.class).hasMessageContaining("USAGE_DATE '202601'");
    }

    @Test
    void fetch_loginIdThatIsNotAnEmailAddress_isAcceptedAndSentAsClientId() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(ONE_ROW)));
        ServiceAccount login = new ServiceAccount(account("prod-aws").id(), account("prod-aws").provider(),
                account("prod-aws").project(), dev.billing.core.Credentials.of(
                        Map.of("account", ACCOUNT_ID, "email", "ops-team_01", "key", KEY)), Map.of());

        Fetched fetched = fetch(provider(), FetchRequest.of(login, oneWindow(Granularity.DAILY).period(), Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("3.75");
        server.verify(1, postRequestedFor(urlEqualTo(BILLING)).withHeader("X-Client-Id", equalTo("ops-team_01")));
    }

    @Test
    void fetch_blankLoginId_isRejectedBeforeAnyRequest() {
        ServiceAccount blank = new ServiceAccount(account("prod-aws").id(), account("prod-aws").provider(),
                account("prod-aws").project(), dev.billing.core.Credentials.of(
                        Map.of("account", ACCOUNT_ID, "email", "  ", "key", KEY)), Map.of());

        assertThatThrownBy(() -> fetch(provider(), FetchRequest.of(blank, oneWindow(Granularity.DAILY).period(), Granularity.DAILY)))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("credential 'email' (Email) must be non-blank");
        assertThat(billingRequests()).isZero();
    }

    @Test
    void projectTotal_overTwoYearsMonthly_asksForTwelveMonthsAtATime() {
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(matchingJsonPath("$.Filter.TimePeriod.Start", equalTo("2025-01-01")))
                .willReturn(ok(page("", row("2024-12", "999"), row("2025-03", "10.5"), row("2025-12", "1")))));
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(matchingJsonPath("$.Filter.TimePeriod.Start", equalTo("2026-01-01")))
                .willReturn(ok(page("", row("2026-12", "0.25")))));
        FetchRequest request = FetchRequest.of(account("prod-aws"),
                BillingPeriod.of(LocalDate.of(2025, 1, 1), LocalDate.of(2027, 1, 1)), Granularity.MONTHLY);

        Fetched fetched = fetch(provider(), request);

        assertThat(fetched.total()).isEqualByComparingTo("11.75");
        assertThat(fetched.stats().droppedRows()).isEqualTo(1);
        assertThat(fetched.records()).extracting(CostRecord::chargeDate).containsExactly(
                LocalDate.of(2025, 3, 1), LocalDate.of(2025, 12, 1), LocalDate.of(2026, 12, 1));
        assertThat(timePeriodsSent()).containsExactly("MONTHLY 2025-01-01 2026-01-01", "MONTHLY 2026-01-01 2027-01-01");
    }

    @Test
    void projectTotal_yearlyOverAPartialMonth_asksForDailyRowsSoNoWholeMonthIsCounted() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-20", "2")))));
        FetchRequest request = FetchRequest.of(account("prod-aws"),
                BillingPeriod.of(LocalDate.of(2026, 1, 15), LocalDate.of(2026, 3, 1)), Granularity.YEARLY);

        Fetched fetched = fetch(provider(), request);

        assertThat(fetched.total()).isEqualByComparingTo("2");
        assertThat(fetched.stats()).isEqualTo(FetchStats.builder().records(1).requests(2).pages(2).droppedRows(1).build());
        assertThat(timePeriodsSent()).containsExactly("DAILY 2026-01-15 2026-02-14", "DAILY 2026-02-14 2026-03-01");
    }

    // --- credentials ----------------------------------------------------------------------------

    @Test
    void fetch_withMalformedAccountId_failsBeforeAnyRequest() {
        ServiceAccount bad = new ServiceAccount(account("prod-aws").id(), account("prod-aws").provider(),
                account("prod-aws").project(), dev.billing.core.Credentials.of(
                        Map.of("account", "12345", "email", "ops@example.com", "key", KEY)), Map.of());

        assertThatThrownBy(() -> fetch(provider(), FetchRequest.of(bad, oneWindow(Granularity.DAILY).period(), Granularity.DAILY)))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("'account'").hasMessageNotContaining(KEY);
        assertThat(billingRequests()).isZero();
    }

    private void stubPage(String token, String extra, String... rows) {
        server.stubFor(post(urlEqualTo(BILLING))
                .withRequestBody(token == null ? notContaining("NextDataToken")
                        : matchingJsonPath("$.Filter.NextDataToken", equalTo(token)))
                .willReturn(ok(page(extra, rows))));
    }

    private List<JsonNode> filtersSent() {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> filters = new ArrayList<>();
        for (var request : server.findAll(postRequestedFor(urlEqualTo(BILLING)))) {
            try {
                filters.add(mapper.readTree(request.getBodyAsString()).get("Filter"));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return filters;
    }

    private List<String> tokensSent() {
        return filtersSent().stream().map(f -> f.path("NextDataToken").asText("")).toList();
    }

    private List<String> timePeriodsSent() {
        return filtersSent().stream().map(f -> f.get("Granularity").asText() + " "
                + f.get("TimePeriod").get("Start").asText() + " " + f.get("TimePeriod").get("End").asText()).toList();
    }
}
