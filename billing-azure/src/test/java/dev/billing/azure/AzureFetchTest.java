package dev.billing.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class AzureFetchTest extends AzureTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
            "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after",
            "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
            "x-ms-ratelimit-microsoft.consumption-retry-after", "Retry-After"})
    void http429_waitsAsLongAsEachRatelimitHeaderSays(String header) {
        stubToken();
        stubSequence(QUERY_URL, armError(429, "429", "Too many requests. Please retry.").withHeader(header, "7"),
                ok(page(null, row("3.5", 20260105))));

        Fetched f = fetch(builder().http(http(FAST.withMaxRetryAfter(Duration.ofMinutes(1))).sleeper(sleeper).build())
                .build(), january());

        assertThat(f.total()).isEqualByComparingTo("3.5");
        assertThat(queryRequests()).isEqualTo(2);
        assertThat(sleeper.waits()).as("the wait %s names", header).containsExactly(Duration.ofSeconds(7));
    }

    /** Retry-After as an HTTP date goes through the shared reader, against the settings' clock. */
    @Test
    void http429_withRetryAfterAsAnHttpDate_waitsUntilThatDate() {
        stubToken();
        stubSequence(QUERY_URL, armError(429, "429", "throttled").withHeader("Retry-After", "Tue, 10 Feb 2026 00:00:09 GMT"),
                ok(page(null, row("3.5", 20260105))));
        Clock clock = Clock.fixed(Instant.parse("2026-02-10T00:00:00Z"), ZoneOffset.UTC);

        Fetched f = fetch(builder().http(http(FAST.withMaxRetryAfter(Duration.ofMinutes(1))).clock(clock).sleeper(sleeper)
                .build()).build(), january());

        assertThat(f.total()).isEqualByComparingTo("3.5");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(9));
    }

    @Test
    void http429_waitsForTheLargestHeaderPresent() {
        stubToken();
        stubSequence(QUERY_URL, armError(429, "429", "throttled")
                        .withHeader("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "1")
                        .withHeader("x-ms-ratelimit-microsoft.costmanagement-entity-retry-after", "2.5")
                        .withHeader("x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after", "0")
                        .withHeader("Retry-After", "1"),
                ok(page(null, row("1", 20260105))));

        fetch(builder().http(http(FAST).sleeper(sleeper).build()).build(), january());

        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(2500));
    }

    @Test
    void http429_headerWaitIsCapped_andExhaustedRetriesAreRateLimited() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(429, "429", "throttled")
                .withHeader("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "3600")));
        AzureCostManagementProvider provider = builder().http(http(FAST.withMaxAttempts(3)
                .withMaxRetryAfter(Duration.ofMillis(200))).sleeper(sleeper).build()).build();

        Throwable e = catchThrowable(() -> fetch(provider, january()));

        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200));
        assertThat(e).isInstanceOf(RateLimitedException.class).hasMessageContaining("prod-azure")
                .hasMessageContaining("after 3 attempts");
        assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ofHours(1));
        assertThat(queryRequests()).isEqualTo(3);
    }

    @Test
    void cancellation_duringARetryWaitAndDuringASlowAnswer_endsTheFetch() throws Exception {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(429, "429", "throttled")
                .withHeader("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "30")));
        // uncancelled, three waits of 30 s outlast the class's @Timeout: the test fails instead of timing
        AzureCostManagementProvider provider = builder().http(http(FAST.withMaxRetryAfter(Duration.ofSeconds(60))).build())
                .build();
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                // uncancelled, the answer comes after 20 s and the fetch ends without the FetchCancelledException
                server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null)).withFixedDelay(20_000)));
            }
            server.resetRequests();
            TestCancellation cancellation = new TestCancellation();
            java.util.concurrent.CompletableFuture<Throwable> outcome = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> catchThrowable(() -> provider.fetch(january().withCancellation(cancellation), r -> { })));
            while (queryRequests() == 0) { // the query reached the server: the fetch waits for its answer or its retry
                Thread.onSpinWait();
            }
            cancellation.cancel();
            Throwable e = outcome.get();
            assertThat(e).as("round %s", round).isInstanceOf(dev.billing.core.FetchCancelledException.class);
        }
    }

    /** A cancellation the test fires. */
    private static final class TestCancellation implements dev.billing.core.spi.Cancellation {
        private final List<Runnable> actions = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean cancelled;

        void cancel() {
            cancelled = true;
            actions.forEach(Runnable::run);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public String reason() {
            return cancelled ? "the test cancelled it" : "";
        }

        @Override
        public void onCancel(Runnable action) {
            actions.add(action);
            if (cancelled) {
                action.run();
            }
        }
    }

    @Test
    void nextLink_followedOverThreePages_withTheSameBody() {
        stubToken();
        String base = url() + QUERY_URL;
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(base + "&$skiptoken=2", row("1.1", 20260101)))));
        server.stubFor(post(urlEqualTo(QUERY_URL + "&$skiptoken=2")).willReturn(ok(page(base + "&$skiptoken=3",
                row("2.2", 20260102), row("0.3", 20260102, "Compute")))));
        server.stubFor(post(urlEqualTo(QUERY_URL + "&$skiptoken=3")).willReturn(ok(page(null, row("3.3", 20260131)))));

        Fetched f = fetch(provider(), january());

        assertThat(f.total()).isEqualByComparingTo("6.9");
        // 3 of the usage query, 1 of the charge-type query, and 1 of each as AmortizedCost (no rows)
        assertThat(f.stats().pages()).isEqualTo(6);
        assertThat(f.stats().records()).isEqualTo(4);
        List<LoggedRequest> queries = usageQueries();
        assertThat(queries).hasSize(3);
        assertThat(queries).extracting(LoggedRequest::getBodyAsString).containsOnly(queries.get(0).getBodyAsString());
    }

    @Test
    void nextLink_repeated_isAProtocolError() {
        stubToken();
        String again = url() + QUERY_URL + "&$skiptoken=same";
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(again, row("1", 20260101)))));
        server.stubFor(post(urlEqualTo(QUERY_URL + "&$skiptoken=same")).willReturn(ok(page(again, row("1", 20260102)))));

        assertThat(catchThrowable(() -> fetch(provider(), january()))).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("nextLink").hasMessageContaining("again");
        assertThat(queryRequests()).isEqualTo(2);
    }

    @Test
    void nextLink_toAnotherHost_isAProtocolError_andTheTokenStaysHome() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page("https://evil.example.com" + QUERY_URL, row("1", 20260101)))));

        assertThat(catchThrowable(() -> fetch(provider(), january()))).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("another host");
    }

    @Test
    void columns_inAnUnusualOrder_areReadByName() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok("{\"properties\":{\"nextLink\":null,\"columns\":["
                + "{\"name\":\"Currency\",\"type\":\"String\"},{\"name\":\"ResourceLocation\",\"type\":\"String\"},"
                + "{\"name\":\"UsageDate\",\"type\":\"Number\"},{\"name\":\"ServiceName\",\"type\":\"String\"},"
                + "{\"name\":\"PreTaxCost\",\"type\":\"Number\"}],"
                + "\"rows\":[[\"USD\",\"eastus\",20260107,\"Virtual Machines\",12.345],[\"USD\",\"\",20260108,\"Bandwidth\",0.5]]}}")));

        Fetched f = fetch(provider(), january());

        assertThat(f.records()).hasSize(2);
        CostRecord vm = f.records().get(0);
        assertThat(vm.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 7));
        assertThat(vm.service()).isEqualTo("Virtual Machines");
        assertThat(vm.region()).isEqualTo("eastus");
        assertThat(vm.billedCost().currency().getCurrencyCode()).isEqualTo("USD");
        assertThat(vm.billedCost().amount()).isEqualByComparingTo("12.345");
        assertThat(vm.billingAccountId()).isEqualTo(SUB);
        assertThat(vm.subAccountId()).isEqualTo(SUB);
        assertThat(f.records().get(1).region()).isEqualTo("global");
    }

    @Test
    void columnNames_anyCase_andUsageDateAsText_areRead() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok("{\"properties\":{\"nextLink\":\"\",\"columns\":["
                + "{\"name\":\"usagedate\"},{\"name\":\"COST\"},{\"name\":\"currency\"},{\"name\":\"ChargeType\"}],"
                + "\"rows\":[[\"2026-01-09T00:00:00\",\"1.25\",\"eur\",\"Usage\"],[20260110.0,-3,\"EUR\",\"Refund\"]]}}")));

        Fetched f = fetch(provider(), january());

        assertThat(f.records()).extracting(CostRecord::chargeDate).containsExactly(LocalDate.of(2026, 1, 9), LocalDate.of(2026, 1, 10));
        assertThat(f.records()).extracting(CostRecord::chargeCategory)
                .containsExactly(dev.billing.core.ChargeCategory.USAGE, dev.billing.core.ChargeCategory.PURCHASE);
        assertThat(f.records()).extracting(CostRecord::correction).containsExactly(false, true); // a Refund
        assertThat(f.total()).isEqualByComparingTo("-1.75");
        assertThat(f.records().get(0).service()).isEmpty();
    }

    /**
     * Billed cost from the ActualCost query, effective cost from the AmortizedCost query, rows matched by their grouping
     * values exactly; a row only one of them answers is 0 on the other side.
     */
    @Test
    void effectiveCost_isTheAmortizedRowOfTheSameKey_andZeroWhereOnlyOneSideAnswers() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.type", WireMock.equalTo("ActualCost")))
                .withRequestBody(matchingJsonPath("$.dataset.grouping[?(@.name == 'ResourceLocation')]"))
                .willReturn(ok(page(null, row("5.10", 20260105, "Storage"), row("7", 20260106, "Compute")))));
        server.stubFor(post(urlEqualTo(QUERY_URL)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.type", WireMock.equalTo(AMORTIZED)))
                .withRequestBody(matchingJsonPath("$.dataset.grouping[?(@.name == 'ResourceLocation')]"))
                .willReturn(ok(page(null, row("4.05", 20260105, "Storage"), row("3", 20260107, "Virtual Machines")))));

        Fetched f = fetch(provider(), january());

        assertThat(f.records()).extracting(r -> r.service() + " " + r.chargeDate() + " " + r.billedCost().amount().toPlainString()
                + "/" + r.effectiveCost().amount().toPlainString()).containsExactlyInAnyOrder(
                "Storage 2026-01-05 5.10/4.05", "Compute 2026-01-06 7/0", "Virtual Machines 2026-01-07 0/3");
        assertThat(f.records()).allSatisfy(r -> assertThat(r.effectiveCostGiven()).isTrue());
    }

    @Test
    void cost_inExponentForm_isReadExactly() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null, row("1.5E-7", 20260105), row("-2.5e+2", 20260106),
                row("12345678901234567890.123456789", 20260107), row("0.1", 20260108), row("0.2", 20260108, "Compute")))));

        Fetched f = fetch(provider(), january());

        assertThat(f.total()).isEqualTo(new BigDecimal("0.00000015").add(new BigDecimal("-250"))
                .add(new BigDecimal("12345678901234567890.123456789")).add(new BigDecimal("0.3")));
        assertThat(f.total().toPlainString()).isEqualTo("12345678901234567640.423456939");
    }

    @Test
    void inclusiveEnd_sendsTheLastDay_andDropsAndCountsAnExtraDay() throws Exception {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null, row("1", 20260131), row("5", 20260201),
                row("9", 20251231)))));

        Fetched f = fetch(provider(), january());

        assertThat(f.total()).isEqualByComparingTo("1");
        assertThat(f.stats().droppedRows()).isEqualTo(2);
        JsonNode body = JSON.readTree(usageQueries().get(0).getBodyAsString());
        assertThat(body.at("/timePeriod/from").asText()).isEqualTo("2026-01-01T00:00:00+00:00");
        assertThat(body.at("/timePeriod/to").asText()).isEqualTo("2026-01-31T23:59:59+00:00");
        assertThat(body.at("/type").asText()).isEqualTo("ActualCost");
        assertThat(body.at("/timeframe").asText()).isEqualTo("Custom");
        assertThat(body.at("/dataset/granularity").asText()).isEqualTo("Daily");
        assertThat(body.at("/dataset/aggregation/totalCost/name").asText()).isEqualTo("Cost");
        assertThat(body.at("/dataset/aggregation/totalCost/function").asText()).isEqualTo("Sum");
        assertThat(body.at("/dataset/grouping").findValuesAsText("name")).containsExactly("ServiceName", "ResourceLocation");
    }

    @Test
    void http403_isCredentialsRejected_lackingCostManagementReader_notRetried() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(403, "AuthorizationFailed",
                "The client does not have authorization to perform action 'Microsoft.CostManagement/query/action'")));

        Throwable e = catchThrowable(() -> fetch(provider(), january()));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("the principal lacks Cost Management Reader on " + SCOPE)
                .hasMessageContaining("AuthorizationFailed").hasMessageContaining("prod-azure");
        assertThat(queryRequests()).isEqualTo(1);
    }

    @Test
    void hundredDayPeriod_isSplitIntoMonthWindows() throws Exception {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok(page(null))));

        Fetched f = fetch(provider(), request(account("prod-azure"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 11)));

        List<LoggedRequest> queries = usageQueries();
        assertThat(queries).hasSize(4);
        List<String> periods = new java.util.ArrayList<>();
        for (LoggedRequest q : queries) {
            JsonNode b = JSON.readTree(q.getBodyAsString());
            periods.add(b.at("/timePeriod/from").asText().substring(0, 10) + ".." + b.at("/timePeriod/to").asText().substring(0, 10));
        }
        assertThat(periods).containsExactly("2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31",
                "2026-04-01..2026-04-10");
        assertThat(f.stats().pages()).isEqualTo(16); // two queries a month, each as ActualCost and AmortizedCost
    }

    @Test
    void transient5xxAndResets_areRetried() {
        stubToken();
        stubSequence(QUERY_URL, armError(503, "ServiceUnavailable", "later"), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                armError(500, "InternalServerError", "oops"), ok(page(null, row("8.75", 20260110))));

        Fetched f = fetch(provider(), january());

        assertThat(f.total()).isEqualByComparingTo("8.75");
        assertThat(queryRequests()).isEqualTo(4);
    }

    @Test
    void persistent503_isProviderUnavailable() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(503, "ServiceUnavailable", "later")));

        assertThat(catchThrowable(() -> fetch(provider(), january()))).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("HTTP 503").hasMessageContaining("prod-azure");
        assertThat(queryRequests()).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void http204_isAnEmptyPage_and400IsInvalidRequest() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(aResponse().withStatus(204)));
        assertThat(fetch(provider(), january()).records()).isEmpty();

        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(400, "BadRequest", "Invalid dataset grouping")));
        assertThat(catchThrowable(() -> fetch(provider(), january()))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Invalid dataset grouping");
    }

    @Test
    void missingCostColumn_orMalformedJson_isAProtocolError() {
        stubToken();
        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok("{\"properties\":{\"columns\":[{\"name\":\"UsageDate\"},"
                + "{\"name\":\"Currency\"}],\"rows\":[[20260101,\"EUR\"]]}}")));
        assertThat(catchThrowable(() -> fetch(provider(), january()))).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("Cost");

        server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(ok("{\"properties\":{\"columns\":[")));
        assertThat(catchThrowable(() -> fetch(provider(), january()))).isInstanceOf(ProviderProtocolException.class);
    }

    @Test
    void billingAccountScope_namesItsSubscriptions_thenQueriesEachWithTwoGroupings() throws Exception {
        stubToken();
        String scope = "/providers/Microsoft.Billing/billingAccounts/1234567:abcd-ef_2019-05-31";
        String path = scope + "/providers/Microsoft.CostManagement/query?api-version=" + AzureCostManagementProvider.API_VERSION;
        String columns = "\"columns\":[{\"name\":\"Cost\"},{\"name\":\"UsageDate\"},{\"name\":\"SubscriptionId\"},"
                + "{\"name\":\"ChargeType\"},{\"name\":\"Currency\"}]";
        server.stubFor(post(urlEqualTo(path)).atPriority(1).withRequestBody(matchingJsonPath(
                "$.dataset.grouping[?(@.name == 'SubscriptionId')]")).willReturn(ok("{\"properties\":{\"nextLink\":null,"
                + columns + ",\"rows\":[[1.25,20260103,\"sub-a\",\"Usage\",\"EUR\"],[2,20260103,\"sub-b\",\"Usage\",\"EUR\"],"
                + "[7,20260103,\"\",\"Purchase\",\"EUR\"]]}}")));
        for (String[] sub : new String[][] {{"sub-a", "1.25"}, {"sub-b", "2"}}) {
            server.stubFor(post(urlEqualTo(path)).atPriority(3).withRequestBody(matchingJsonPath(
                    "$.dataset.filter.and[0].dimensions[?(@.name == 'SubscriptionId' && @.values[0] == '" + sub[0] + "')]"))
                    .willReturn(ok(page(null, row(sub[1], 20260103)))));
        }

        Fetched f = fetch(provider(), request(account("ea", scope, SECRET), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)));

        assertThat(f.total()).isEqualByComparingTo("10.25");
        assertThat(f.records()).extracting(CostRecord::billingAccountId).containsOnly("1234567:abcd-ef_2019-05-31");
        assertThat(f.records()).extracting(CostRecord::subAccountId).containsExactlyInAnyOrder("", "sub-a", "sub-b");
        // 1 query naming the subscriptions, then 2 per subscription, each with at most two groupings, each sent as
        // ActualCost and as AmortizedCost
        List<LoggedRequest> sent = server.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(sent).hasSize(2 * 5);
        assertThat(f.stats().requests()).isEqualTo(2 * 5 + 1); // and the token
        for (LoggedRequest r : sent) {
            assertThat(JSON.readTree(r.getBodyAsString()).at("/dataset/grouping").size()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void costType_andResourceGroupScope_areSent() throws Exception {
        stubToken();
        String scope = SCOPE + "/resourceGroups/rg-web.prod";
        String path = scope + "/providers/Microsoft.CostManagement/query?api-version=" + AzureCostManagementProvider.API_VERSION;
        server.stubFor(post(urlEqualTo(path)).atPriority(1).willReturn(ok(page(null, row("4", 20260102)))));
        AzureCostManagementProvider provider = builder().costType(AzureCostType.AMORTIZED_COST).build();

        Fetched f = fetch(provider, request(account("rg", scope, SECRET), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 3)));

        assertThat(f.total()).isEqualByComparingTo("4");
        // AmortizedCost alone: each query once, and the amortized cost is both billed and effective
        assertThat(server.findAll(postRequestedFor(urlEqualTo(path)))).hasSize(2)
                .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("\"type\":\"AmortizedCost\""));
        assertThat(f.records()).allSatisfy(r -> assertThat(r.effectiveCost()).isEqualTo(r.billedCost()));
        assertThat(f.records().get(0).billingAccountId()).isEqualTo(SUB);
        assertThat(f.records().get(0).subAccountId()).isEqualTo(SUB);
        JsonNode body = JSON.readTree(server.findAll(postRequestedFor(urlEqualTo(path))).get(0).getBodyAsString());
        assertThat(body.at("/type").asText()).isEqualTo("AmortizedCost");
        assertThat(body.at("/timePeriod/to").asText()).startsWith("2026-01-02");
    }

    /**
     * Two tag keys: the query of "team absent" (unfiltered on team) must answer every cell that the query of team
     * blue answers; a server that does not is a protocol failure, never amounts made up by the subtraction.
     */
    @Test
    void tagKeys_aFilteredAnswerOutsideTheUnfilteredOne_isAProtocolFailure() {
        stubToken();
        String tagColumns = "\"columns\":[{\"name\":\"Cost\"},{\"name\":\"UsageDate\"},{\"name\":\"ResourceLocation\"},"
                + "{\"name\":\"TagKey\"},{\"name\":\"TagValue\"},{\"name\":\"Currency\"}]";
        server.stubFor(post(urlEqualTo(QUERY_URL)).atPriority(1).withRequestBody(matchingJsonPath(
                "$.dataset.grouping[?(@.name == 'ServiceName')]")).willReturn(ok("{\"properties\":{\"nextLink\":null,"
                + "\"columns\":[{\"name\":\"Cost\"},{\"name\":\"UsageDate\"},{\"name\":\"ServiceName\"},"
                + "{\"name\":\"ChargeType\"},{\"name\":\"Currency\"}],\"rows\":[[6,20260103,\"Storage\",\"Usage\",\"EUR\"]]}}")));
        server.stubFor(post(urlEqualTo(QUERY_URL)).atPriority(1).withRequestBody(matchingJsonPath(
                "$.dataset.grouping[?(@.name == 'team')]")).willReturn(ok("{\"properties\":{\"nextLink\":null," + tagColumns
                + ",\"rows\":[[5,20260103,\"westeurope\",\"team\",\"blue\",\"EUR\"],"
                + "[1,20260103,\"westeurope\",\"team\",null,\"EUR\"]]}}")));
        server.stubFor(post(urlEqualTo(QUERY_URL)).atPriority(1).withRequestBody(matchingJsonPath(
                "$.dataset.grouping[?(@.name == 'env')]")).withRequestBody(matchingJsonPath("$.dataset.filter.and[?(@.tags)]"))
                .willReturn(ok("{\"properties\":{\"nextLink\":null," + tagColumns
                        + ",\"rows\":[[5,20260103,\"eastus\",\"env\",\"prod\",\"EUR\"]]}}")));
        server.stubFor(post(urlEqualTo(QUERY_URL)).atPriority(2).withRequestBody(matchingJsonPath(
                "$.dataset.grouping[?(@.name == 'env')]")).willReturn(ok("{\"properties\":{\"nextLink\":null," + tagColumns
                + ",\"rows\":[[6,20260103,\"westeurope\",\"env\",\"prod\",\"EUR\"]]}}")));

        Throwable t = catchThrowable(() -> fetch(builder().tagKeys(List.of("team", "env")).build(), january()));

        assertThat(t).isInstanceOf(ProviderProtocolException.class).hasMessageContaining("tag amounts cannot be exact");
        assertThat(server.findAll(postRequestedFor(urlEqualTo(QUERY_URL))
                .withRequestBody(matchingJsonPath("$.dataset.grouping[?(@.name == 'env')]")))).hasSize(2 * 2);
    }
}
