package dev.billing.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderProtocolException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fetch behaviour against WireMock: request bodies, paging, windows, amounts, the request cap. */
@Timeout(30)
class AwsFetchWireMockTest extends AwsWireMockSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode body(com.github.tomakehurst.wiremock.verification.LoggedRequest r) {
        try {
            return JSON.readTree(r.getBodyAsString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fetch_sendsJson11DiscoveryThenDetailQueries_signedWithSigV4() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false,
                group("10.5", "Amazon Simple Storage Service", "us-east-1"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY));

        assertThat(r.records()).singleElement().satisfies(c -> {
            assertThat(c.billedCost().amount()).isEqualByComparingTo("10.5");
            assertThat(c.service()).isEqualTo("Amazon Simple Storage Service");
            assertThat(c.region()).isEqualTo("us-east-1");
            assertThat(c.chargeCategory()).isEqualTo(ChargeCategory.USAGE);
            assertThat(c.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 1));
        });
        server.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                .withHeader("X-Amz-Target", equalTo(TARGET))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=" + KEY_ID
                        + "/\\d{8}/us-east-1/ce/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}"))
                .withHeader("X-Amz-Date", matching("\\d{8}T\\d{6}Z"))
                .withRequestBody(equalToJson("{\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-02-01\"},"
                        + "\"Granularity\":\"MONTHLY\",\"Metrics\":[\"UnblendedCost\",\"AmortizedCost\"],"
                        + "\"GroupBy\":[{\"Type\":\"DIMENSION\",\"Key\":\"LINKED_ACCOUNT\"},{\"Type\":\"DIMENSION\",\"Key\":\"RECORD_TYPE\"}]}")));
        server.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(equalToJson("{\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-02-01\"},"
                        + "\"Granularity\":\"MONTHLY\",\"Metrics\":[\"UnblendedCost\",\"AmortizedCost\"],"
                        + "\"Filter\":{\"Dimensions\":{\"Key\":\"LINKED_ACCOUNT\",\"Values\":[\"" + LINKED_A + "\"]}},"
                        + "\"GroupBy\":[{\"Type\":\"DIMENSION\",\"Key\":\"SERVICE\"},{\"Type\":\"DIMENSION\",\"Key\":\"REGION\"}]}")));
        assertThat(r.stats().requests()).isEqualTo(2);
        assertThat(costRequests()).allSatisfy(q -> assertThat(q.getBodyAsString()).doesNotContain(SECRET));
    }

    @Test
    void fetch_withSeveralRecordTypes_queriesEachWithAnAndFilter_andMapsChargeCategories() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01",
                LINKED_A, "Usage", LINKED_A, "Credit", LINKED_A, "Refund", LINKED_A, "Tax"))));
        for (String[] t : new String[][] {{"Usage", "100.25"}, {"Credit", "-20.125"}, {"Refund", "-3.5"}, {"Tax", "7.0000000001"}}) {
            server.stubFor(detail().withRequestBody(matchingJsonPath("$.Filter.And[1].Dimensions.Values[0]", equalTo(t[0])))
                    .willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false, group(t[1], "AWS Lambda", "eu-west-1"))))));
        }
        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY));

        assertThat(r.records()).extracting(CostRecord::chargeCategory)
                .containsExactlyInAnyOrder(ChargeCategory.USAGE, ChargeCategory.CREDIT, ChargeCategory.CREDIT, ChargeCategory.TAX);
        assertThat(r.total()).isEqualTo(new BigDecimal("83.6250000001"));
        server.verify(4, postRequestedFor(urlEqualTo("/")).withRequestBody(matchingJsonPath("$.Filter.And[0].Dimensions.Key",
                equalTo("LINKED_ACCOUNT"))).withRequestBody(matchingJsonPath("$.Filter.And[1].Dimensions.Key", equalTo("RECORD_TYPE"))));
        assertThat(r.stats().requests()).isEqualTo(5);
    }

    @Test
    void fetch_whenTheEndpointRefusesAndFilters_readsByServiceAndRecordTypeInstead_exactly() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01",
                LINKED_A, "Usage", LINKED_A, "Credit", LINKED_B, "Usage", LINKED_B, "Tax"))));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$.Filter.And")).willReturn(
                error(400, "ValidationException", "And is not supported")));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$.GroupBy[1].Key", equalTo("RECORD_TYPE")))
                .withRequestBody(matchingJsonPath("$.Filter.Dimensions.Values[0]", equalTo(LINKED_A)))
                .willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false,
                        group("10", "EC2", "Usage") + "," + group("-2.5", "EC2", "Credit"))))));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$.GroupBy[1].Key", equalTo("RECORD_TYPE")))
                .withRequestBody(matchingJsonPath("$.Filter.Dimensions.Values[0]", equalTo(LINKED_B)))
                .willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false,
                        group("4", "S3", "Usage") + "," + group("0.4", "Tax", "Tax"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY));

        assertThat(r.total()).isEqualTo(new BigDecimal("11.9"));
        assertThat(r.records()).extracting(c -> c.subAccountId() + " " + c.service() + " " + c.region() + " " + c.chargeCategory())
                .containsExactlyInAnyOrder(LINKED_A + " EC2 global USAGE", LINKED_A + " EC2 global CREDIT",
                        LINKED_B + " S3 global USAGE", LINKED_B + " Tax global TAX");
        assertThat(costRequests()).hasSize(4);
    }

    @Test
    void fetch_followsNextPageTokenOverFourPages() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$[?(!@.NextPageToken)]"))
                .willReturn(ok(page("t-2", result("2026-01-01", "2026-01-02", false, group("1.1", "S1", "us-east-1"))))));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$.NextPageToken", equalTo("t-2")))
                .willReturn(ok(page("t-3", result("2026-01-01", "2026-01-02", false, group("2.2", "S2", "us-east-1"))))));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$.NextPageToken", equalTo("t-3")))
                .willReturn(ok(page("t-4", result("2026-01-02", "2026-01-03", false, group("3.3", "S1", "us-east-1"))))));
        server.stubFor(detail().withRequestBody(matchingJsonPath("$.NextPageToken", equalTo("t-4")))
                .willReturn(ok(page(null, result("2026-01-31", "2026-02-01", false, group("4.4", "S1", "us-east-1"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY));

        assertThat(r.total()).isEqualTo(new BigDecimal("11.0"));
        assertThat(r.stats().pages()).isEqualTo(5);
        assertThat(r.stats().requests()).isEqualTo(5);
        assertThat(r.records()).extracting(CostRecord::chargeDate).containsExactly(LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2), LocalDate.of(2026, 1, 31));
        server.verify(3, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("\"NextPageToken\":\"t-")));
    }

    @Test
    void fetch_whenATokenRepeats_failsWithProtocolErrorInsteadOfLooping() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page("same", result("2026-01-01", "2026-01-02", false, group("1", "S", "us-east-1"))))));

        assertThatThrownBy(() -> fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY)))
                .isInstanceOf(ProviderProtocolException.class).hasMessageContaining("repeated a NextPageToken")
                .hasMessageContaining("prod-aws");
        assertThat(costRequests()).hasSize(3);
    }

    @Test
    void fetch_withLinkedAccount_putsTheLinkedAccountFilterInEveryRequest() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-02-01", "2026-03-01", LINKED_B, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null, result("2026-02-03", "2026-02-04", false, group("5", "S", "us-east-1"))))));

        fetch(provider, request(account("dev", "linkedAccount", LINKED_B), month(2026, 2), Granularity.DAILY));

        assertThat(costRequests()).hasSize(2).allSatisfy(q -> {
            JsonNode f = body(q).get("Filter");
            assertThat(f).isNotNull();
            assertThat(f.toString()).isEqualTo("{\"Dimensions\":{\"Key\":\"LINKED_ACCOUNT\",\"Values\":[\"" + LINKED_B + "\"]}}");
        });
    }

    @Test
    void fetch_ofA100DayDailyPeriod_isSplitIntoCalendarMonthWindowsWithExclusiveEnds() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-10", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null))));
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 10), LocalDate.of(2026, 4, 20));
        assertThat(p.days()).isEqualTo(100);

        Result r = fetch(provider, request(account("prod-aws"), p, Granularity.DAILY));

        List<String> detailPeriods = costRequests().stream().map(AwsFetchWireMockTest::body)
                .filter(b -> b.get("GroupBy").get(0).get("Key").asText().equals("SERVICE"))
                .map(b -> b.get("Granularity").asText() + " " + b.get("TimePeriod").get("Start").asText() + ".."
                        + b.get("TimePeriod").get("End").asText())
                .toList();
        assertThat(detailPeriods).containsExactlyInAnyOrder("DAILY 2026-01-10..2026-02-01", "DAILY 2026-02-01..2026-03-01",
                "DAILY 2026-03-01..2026-04-01", "DAILY 2026-04-01..2026-04-20");
        assertThat(r.stats().requests()).isEqualTo(8);
    }

    @Test
    void fetch_readsAmountsExactlyAsStrings_negativeAndManyDecimals() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-01-02", false,
                group("0.0000300172", "S3", "us-east-1") + "," + group("-1234567890.123456789012", "EC2", "us-east-1") + ","
                        + group("99999999999999.9999999999", "RDS", "eu-west-1") + "," + group("1E-10", "KMS", "global"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY));

        assertThat(r.records()).extracting(c -> c.billedCost().amount().toPlainString())
                .containsExactly("0.0000300172", "-1234567890.123456789012", "99999999999999.9999999999", "0.0000000001");
        assertThat(r.total()).isEqualTo(new BigDecimal("99998765432109.876573228188"));
    }

    @Test
    void fetch_withEstimatedResults_keepsTheirRecordsExactly() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null,
                result("2026-01-30", "2026-01-31", false, group("1.5", "S", "us-east-1")),
                result("2026-01-31", "2026-02-01", true, group("2.25", "S", "us-east-1"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY));

        assertThat(r.records()).extracting(c -> c.chargeDate().getDayOfMonth() + "=" + c.billedCost().amount())
                .containsExactly("30=1.5", "31=2.25");
    }

    @Test
    void fetch_dropsAndCountsResultsOutsideTheWindow() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null,
                result("2025-12-31", "2026-01-01", false, group("9", "S", "us-east-1") + "," + group("9", "T", "us-east-1")),
                result("2026-01-05", "2026-01-06", false, group("1", "S", "NoRegion")),
                result("2026-02-01", "2026-02-02", false, group("9", "S", "us-east-1"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY));

        assertThat(r.records()).singleElement().satisfies(c -> assertThat(c.region()).isEqualTo("global"));
        assertThat(r.stats().droppedRows()).isEqualTo(3);
    }

    @Test
    void fetch_whenThePlanNeedsMoreRequestsThanTheCap_failsNamingTheCount() {
        provider = provider.toBuilder().maxRequestsPerFetch(3).build();
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage", LINKED_B, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null))));

        assertThatThrownBy(() -> fetch(provider, request(account("prod-aws"), BillingPeriod.of(LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 3, 1)), Granularity.MONTHLY)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("prod-aws needs at least 6 Cost Explorer requests")
                .hasMessageContaining("maxRequestsPerFetch=3");
        assertThat(costRequests()).hasSize(2);
    }

    @Test
    void fetch_whenPagingPassesTheCap_stopsAtTheCap() {
        provider = provider.toBuilder().maxRequestsPerFetch(4).build();
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        for (int i = 1; i <= 10; i++) {
            server.stubFor(detail().withRequestBody(i == 1 ? matchingJsonPath("$[?(!@.NextPageToken)]")
                    : matchingJsonPath("$.NextPageToken", equalTo("t-" + i)))
                    .willReturn(ok(page("t-" + (i + 1), result("2026-01-01", "2026-01-02", false, group("1", "S", "us-east-1"))))));
        }
        assertThatThrownBy(() -> fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs more than 4 Cost Explorer requests");
        assertThat(costRequests()).hasSize(4);
    }

    @Test
    void fetch_withCostMetricSetting_asksForThatMetric() {
        provider = provider.toBuilder().costMetric(CostMetric.NET_AMORTIZED_COST).build();
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage")
                .replace("UnblendedCost", "NetAmortizedCost"))));
        server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false,
                group("3", "S", "us-east-1").replace("UnblendedCost", "NetAmortizedCost"))))));

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY));

        assertThat(r.total()).isEqualTo(new BigDecimal("3"));
        assertThat(costRequests()).allSatisfy(q -> assertThat(body(q).get("Metrics").toString()).isEqualTo("[\"NetAmortizedCost\"]"));
    }
}
