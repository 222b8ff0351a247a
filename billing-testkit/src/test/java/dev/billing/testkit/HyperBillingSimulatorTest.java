package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.core.BillingPeriod;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HyperBillingSimulatorTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final SimulatorData DATA = SimulatorData.generator().seed(7).accounts(3)
            .currencies("USD", "KRW").days(LocalDate.of(2026, 1, 1), 70).rowsPerDay(3).build();
    private static final String A1 = DATA.accounts().get(0);
    private static final String A2 = DATA.accounts().get(1);
    private static HyperBillingSimulator sim;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        sim = HyperBillingSimulator.builder().data(DATA).pageSize(20).start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clearFaults();
        sim.data(DATA);
    }

    private static HttpResponse<String> get(String email, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/v1/search/linkedaccount"))
                .header("X-Client-Id", email).header("X-Client-Secret", key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> search(String account, String granularity, String start, String end,
                                               String token) throws IOException, InterruptedException {
        SimulatorData.ApiUser user = DATA.userFor(account).orElseThrow();
        String body = "{\"Filter\":{\"LinkedAccount\":[\"" + account + "\"],\"Granularity\":\"" + granularity
                + "\",\"TimePeriod\":{\"Start\":\"" + start + "\",\"End\":\"" + end + "\"}"
                + (token == null ? "" : ",\"NextDataToken\":\"" + token + "\"") + "},"
                + "\"GroupBy\":[\"USAGE_DATE\",\"REGION\",\"SERVICE_CODE\",\"USAGE_TYPE\",\"INSTANCE_TYPE\"],"
                + "\"Result\":[\"USAGE_COST\",\"USAGE_QUANTITY\"]}";
        return http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/v1/search/billing"))
                .header("X-Client-Id", user.email()).header("X-Client-Secret", user.key())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads every page; returns the exact sum of the in-period rows and counts pages in {@code pages[0]}. */
    private static BigDecimal sumAllPages(String account, String granularity, String start, String end, int[] pages)
            throws Exception {
        BigDecimal sum = BigDecimal.ZERO;
        String token = null;
        for (int i = 0; i < 1000; i++) {
            HttpResponse<String> r = search(account, granularity, start, end, token);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.body());
            pages[0]++;
            for (JsonNode row : page.get("Results")) {
                String date = row.get("GroupBy").get("USAGE_DATE").asText();
                if (date.compareTo(start.substring(0, date.length())) >= 0
                        && date.compareTo(end.substring(0, date.length())) < 0) {
                    sum = sum.add(row.get("Value").get("USAGE_COST").decimalValue());
                }
            }
            token = page.path("NextDataToken").asText(null);
            if (token == null) {
                return sum;
            }
        }
        throw new AssertionError("paging did not end");
    }

    @Test
    void linkedAccount_withValidCredentials_listsTheUsersAccounts() throws Exception {
        SimulatorData.ApiUser user = DATA.userFor(A1).orElseThrow();
        HttpResponse<String> r = get(user.email(), user.key());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("Results").get(0).asText()).isEqualTo(A1);
    }

    @Test
    void linkedAccount_withWrongKey_is401WithErrorBody() throws Exception {
        HttpResponse<String> r = get(DATA.userFor(A1).orElseThrow().email(), "wrong");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).get("errorCode").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void dailySearch_overPages_sumsExactlyToTheDataTotal() throws Exception {
        int[] pages = {0};
        BigDecimal sum = sumAllPages(A2, "DAILY", "2026-01-01", "2026-02-01", pages);
        BillingPeriod jan = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
        assertThat(sum).isEqualByComparingTo(DATA.total(A2, jan).amount());
        assertThat(pages[0]).isEqualTo((DATA.rows(A2, jan).size() + 19) / 20);
    }

    @Test
    void monthlySearch_sumsExactlyAndLabelsMonths() throws Exception {
        int[] pages = {0};
        BigDecimal sum = sumAllPages(A1, "MONTHLY", "2026-01-01", "2026-04-01", pages);
        BillingPeriod q1 = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1));
        assertThat(sum).isEqualByComparingTo(DATA.total(A1, q1).amount());
        JsonNode first = JSON.readTree(search(A1, "MONTHLY", "2026-01-01", "2026-04-01", null).body());
        assertThat(first.get("Results").get(0).get("GroupBy").get("USAGE_DATE").asText()).matches("2026-0\\d");
    }

    @Test
    void search_nonUsdAccount_namesTheCurrency_usdAccountLeavesItOut() throws Exception {
        assertThat(JSON.readTree(search(A2, "DAILY", "2026-01-01", "2026-01-03", null).body()).get("Currency").asText())
                .isEqualTo("KRW");
        assertThat(JSON.readTree(search(A1, "DAILY", "2026-01-01", "2026-01-03", null).body()).has("Currency"))
                .isFalse();
    }

    @Test
    void dailySearch_longerThan31Days_is400InvalidTimePeriod() throws Exception {
        HttpResponse<String> r = search(A1, "DAILY", "2026-01-01", "2026-02-02", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("errorCode").asText()).isEqualTo("INVALID_TIME_PERIOD");
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-02-01", null).statusCode()).isEqualTo(200);
    }

    @Test
    void monthlySearch_notMonthAlignedOrOver12Months_is400() throws Exception {
        assertThat(search(A1, "MONTHLY", "2026-01-02", "2026-02-01", null).statusCode()).isEqualTo(400);
        assertThat(search(A1, "MONTHLY", "2025-01-01", "2026-02-01", null).statusCode()).isEqualTo(400);
        assertThat(search(A1, "MONTHLY", "2025-02-01", "2026-02-01", null).statusCode()).isEqualTo(200);
    }

    @Test
    void search_periodWithoutData_is204WithEmptyBody() throws Exception {
        HttpResponse<String> r = search(A1, "DAILY", "2025-01-01", "2025-01-31", null);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void search_accountOfAnotherUser_is403_unknownAccount_is404() throws Exception {
        SimulatorData.ApiUser user = DATA.userFor(A1).orElseThrow();
        String body = "{\"Filter\":{\"LinkedAccount\":[\"%s\"],\"Granularity\":\"DAILY\","
                + "\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-01-02\"}}}";
        for (String[] c : new String[][] {{A2, "403"}, {"999999999999", "404"}}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/v1/search/billing"))
                    .header("X-Client-Id", user.email()).header("X-Client-Secret", user.key())
                    .POST(HttpRequest.BodyPublishers.ofString(body.formatted(c[0]))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).hasToString(c[1]);
            assertThat(JSON.readTree(r.body()).has("errorCode")).isTrue();
        }
    }

    @Test
    void throttleFault_answers429WithRetryAfterThenServes() throws Exception {
        sim.fault(A1, Fault.throttle(2, Duration.ofSeconds(1)));
        HttpResponse<String> r = search(A1, "DAILY", "2026-01-01", "2026-01-02", null);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(JSON.readTree(r.body()).get("errorCode").asText()).isEqualTo("THROTTLED");
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(429);
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(200);
    }

    @Test
    void throttleFault_untilAMoment_sendsRetryAfterAsAnHttpDate() throws Exception {
        sim.fault(A1, Fault.throttle(1, Instant.parse("2026-01-07T07:28:09Z")));
        HttpResponse<String> r = search(A1, "DAILY", "2026-01-01", "2026-01-02", null);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("Wed, 07 Jan 2026 07:28:09 GMT");
    }

    @Test
    void disconnectFault_closesTheConnectionUnanswered_thenServes() throws Exception {
        int before = sim.billingRequests(A1);
        sim.fault(A1, Fault.disconnect(1));
        assertThatThrownBy(() -> search(A1, "DAILY", "2026-01-01", "2026-01-02", null)).isInstanceOf(IOException.class);
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(200);
        assertThat(sim.billingRequests(A1)).as("not retried by the client").isEqualTo(before + 2);
    }

    @Test
    void truncatedBodyFault_announcesTheWholeLengthAndSendsHalf() throws Exception {
        sim.fault(A1, Fault.truncatedBody(1));
        assertThatThrownBy(() -> search(A1, "DAILY", "2026-01-01", "2026-01-02", null)).isInstanceOf(IOException.class);
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedBodyFault_keepsStatusAndLength_butTheBodyDoesNotParse() throws Exception {
        String whole = search(A1, "DAILY", "2026-01-01", "2026-01-02", null).body();
        sim.fault(A1, Fault.malformedBody(1));
        HttpResponse<String> spoilt = search(A1, "DAILY", "2026-01-01", "2026-01-02", null);
        assertThat(spoilt.statusCode()).isEqualTo(200);
        assertThat(spoilt.body()).hasSameSizeAs(whole).startsWith(whole.substring(0, whole.length() / 2)).endsWith("#");
        assertThatThrownBy(() -> JSON.readTree(spoilt.body())).isInstanceOf(IOException.class);
    }

    @Test
    void delayFault_holdsTheAnswerUntilTheFaultsAreCleared() throws Exception {
        int before = sim.billingRequests(A1);
        sim.fault(A1, Fault.delay(1, Duration.ofMinutes(10)));
        SimulatorData.ApiUser user = DATA.userFor(A1).orElseThrow();
        String body = "{\"Filter\":{\"LinkedAccount\":[\"" + A1 + "\"],\"Granularity\":\"DAILY\","
                + "\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-01-02\"}}}";
        CompletableFuture<HttpResponse<String>> delayed = http.sendAsync(HttpRequest.newBuilder(
                URI.create(sim.endpoint() + "/v1/search/billing")).header("X-Client-Id", user.email())
                .header("X-Client-Secret", user.key()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        while (sim.billingRequests(A1) == before) {
            Thread.onSpinWait(); // the request has reached the simulator once it is counted
        }
        assertThat(delayed).as("held for ten minutes unless released").isNotDone();
        sim.clearFaults();
        assertThat(delayed.get().statusCode()).isEqualTo(200);
    }

    @Test
    void aDataFaultOfAnotherApi_isRefused() {
        assertThatThrownBy(() -> sim.fault(A1, Fault.unaskedKinds())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HyperBillingSimulator does not take UnaskedKinds");
    }

    @Test
    void serverErrorFault_answersTheStatusThenServes() throws Exception {
        sim.fault(A1, Fault.serverError(1, 503));
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(503);
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(200);
    }

    @Test
    void rejectedKeyFault_answers401ForBillingAndLinkedAccounts() throws Exception {
        sim.fault(A1, Fault.rejectedKey());
        SimulatorData.ApiUser user = DATA.userFor(A1).orElseThrow();
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(401);
        assertThat(get(user.email(), user.key()).statusCode()).isEqualTo(401);
        assertThat(search(A2, "DAILY", "2026-01-01", "2026-01-02", null).statusCode()).isEqualTo(200);
    }

    @Test
    void rowsOutsidePeriodFault_addsRowsBeforeStartAndAtEnd() throws Exception {
        sim.fault(A1, Fault.rowsOutsidePeriod());
        JsonNode results = JSON.readTree(search(A1, "DAILY", "2026-01-10", "2026-01-12", null).body()).get("Results");
        assertThat(results.get(0).get("GroupBy").get("USAGE_DATE").asText()).isEqualTo("2026-01-09");
        assertThat(results.get(results.size() - 1).get("GroupBy").get("USAGE_DATE").asText()).isEqualTo("2026-01-12");
        int[] pages = {0};
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 10), LocalDate.of(2026, 1, 12));
        assertThat(sumAllPages(A1, "DAILY", "2026-01-10", "2026-01-12", pages))
                .isEqualByComparingTo(DATA.total(A1, p).amount());
    }

    @Test
    void badToken_is400() throws Exception {
        assertThat(search(A1, "DAILY", "2026-01-01", "2026-02-01", "bm9wZQ").statusCode()).isEqualTo(400);
    }

    @Test
    void data_replacedAtRuntime_isServedFromTheNextRequest() throws Exception {
        BillingPeriod jan1 = BillingPeriod.day(LocalDate.of(2026, 1, 1));
        sim.data(DATA.withRows(List.of(new SimulatorData.Row(A1, LocalDate.of(2026, 1, 1), "USE1", "Tax",
                null, null, new BigDecimal("0.0000001"), null))));
        int[] pages = {0};
        assertThat(sumAllPages(A1, "DAILY", "2026-01-01", "2026-01-02", pages))
                .isEqualByComparingTo(DATA.total(A1, jan1).amount().add(new BigDecimal("0.0000001")));
    }

    @Test
    void rateLimit_moreRequestsPerSecondThanAllowed_are429WithRetryAfter() throws Exception {
        AtomicLong nanos = new AtomicLong();
        try (HyperBillingSimulator limited = HyperBillingSimulator.builder().data(DATA).rateLimit(3)
                .nanoTime(nanos::get).start()) {
            SimulatorData.ApiUser user = DATA.userFor(A1).orElseThrow();
            HttpRequest request = HttpRequest.newBuilder(URI.create(limited.endpoint() + "/v1/search/linkedaccount"))
                    .header("X-Client-Id", user.email()).header("X-Client-Secret", user.key()).build();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                statuses.add(r.statusCode());
                if (r.statusCode() == 429) {
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                }
            }
            nanos.addAndGet(999_999_999L);
            statuses.add(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            nanos.addAndGet(1L);
            statuses.add(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());

            assertThat(statuses).as("three in one second; the fourth second-old request frees a place")
                    .containsExactly(200, 200, 200, 429, 429, 429, 200);
        }
    }
}
