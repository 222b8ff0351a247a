package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The summary simulator's token checks and answers, over raw HTTP with hand-made tokens. */
@Timeout(20)
class HyperBillingSummarySimulatorTest {
    private static final KeyPair KEY = SummaryData.newKeyPair();
    private static final KeyPair OTHER = SummaryData.newKeyPair();
    private static final String EMAIL = "reader@example.com";
    private static final String ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JANUARY = "/summary?platform=gcp&account_id=" + ACCOUNT + "&month=202601&kind=daily_cost";

    private final HttpClient http = HttpClient.newHttpClient();
    private HyperBillingSummarySimulator sim;

    @BeforeEach
    void start() {
        SummaryData data = SummaryData.of(List.of(new SummaryData.Account("gcp", ACCOUNT, EMAIL, KEY.getPublic(),
                Currency.getInstance("KRW"))), List.of(
                new SummaryData.Row(ACCOUNT, "p1", LocalDate.of(2026, 1, 5), "Compute Engine", "asia-northeast3",
                        new BigDecimal("3777.55956")),
                new SummaryData.Row(ACCOUNT, "p1", LocalDate.of(2026, 1, 5), "BigQuery", "us-central1",
                        new BigDecimal("-12.5")),
                new SummaryData.Row(ACCOUNT, "p2", LocalDate.of(2026, 2, 1), "Compute Engine", "global",
                        new BigDecimal("1"))));
        sim = HyperBillingSummarySimulator.builder().data(data).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String jwt(PrivateKey key, String header, String claims) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String input = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + url.encodeToString(rsa.sign());
    }

    private static String claims(String aud, long iat, long exp) {
        return "{\"iss\":\"" + EMAIL + "\",\"sub\":\"" + EMAIL + "\",\"email\":\"" + EMAIL + "\",\"aud\":\"" + aud
                + "\",\"iat\":" + iat + ",\"exp\":" + exp + "}";
    }

    private static String good() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        return jwt(KEY.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims("127.0.0.1", now, now + 600));
    }

    private HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.endpoint() + pathAndQuery));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void validToken_getsTheNestedAnswerWithOneCostsEntryPerRow() throws Exception {
        HttpResponse<String> r = get(JANUARY, good());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer).hasSize(1);
        assertThat(answer.get(0).get("kind").asText()).isEqualTo("daily_cost");
        assertThat(answer.get(0).get("month").asText()).isEqualTo("202601");
        JsonNode row = answer.get(0).get("data").get(0).get("data").get(0);
        assertThat(answer.get(0).get("data").get(0).get("project_id").asText()).isEqualTo("p1");
        assertThat(row.get("date").asText()).isEqualTo("2026-01-05");
        assertThat(row.get("invoice_month").asText()).isEqualTo("202601");
        assertThat(row.get("costs")).hasSize(2);
        assertThat(row.get("costs").get(0).get("final_cost").decimalValue()).isEqualByComparingTo("3777.55956");
        assertThat(row.get("costs").get(0).get("currency").asText()).isEqualTo("KRW");
        assertThat(sim.summaryRequests(ACCOUNT)).isEqualTo(1);
    }

    @Test
    void badTokens_areRefused401AndNotCounted() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {jwt(OTHER.getPrivate(), header, claims("127.0.0.1", now, now + 600)), "INVALID_SIGNATURE"});
        cases.add(new String[] {jwt(KEY.getPrivate(), header, claims("localhost", now, now + 600)), "INVALID_AUDIENCE"});
        cases.add(new String[] {jwt(KEY.getPrivate(), header, claims("127.0.0.1", now - 1200, now - 600)), "TOKEN_EXPIRED"});
        cases.add(new String[] {jwt(KEY.getPrivate(), header, claims("127.0.0.1", now, now + 3600)), "TOKEN_EXPIRED"});
        cases.add(new String[] {jwt(KEY.getPrivate(), "{\"alg\":\"none\",\"typ\":\"JWT\"}",
                claims("127.0.0.1", now, now + 600)), "INVALID_TOKEN"});
        cases.add(new String[] {"not-a-jwt", "INVALID_TOKEN"});
        for (String[] c : cases) {
            HttpResponse<String> r = get(JANUARY, c[0]);
            assertThat(r.statusCode()).as(c[1]).isEqualTo(401);
            assertThat(JSON.readTree(r.body()).get("errorCode").asText()).isEqualTo(c[1]);
        }
        assertThat(get(JANUARY, null).statusCode()).isEqualTo(401);
        assertThat(sim.summaryRequests(ACCOUNT)).isZero();
    }

    @Test
    void badQueries_areAnswered400Or404() throws Exception {
        assertThat(get("/summary?platform=gcp&account_id=" + ACCOUNT + "&month=2026-01&kind=daily_cost", good())
                .statusCode()).isEqualTo(400);
        assertThat(get("/summary?platform=gcp&account_id=" + ACCOUNT + "&month=202601&kind=cost_by_sku", good())
                .statusCode()).isEqualTo(400);
        assertThat(get("/summary?platform=alibaba&account_id=" + ACCOUNT + "&month=202601&kind=daily_cost", good())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void faults_unaskedKindsAnotherMonthAndErrorIn200() throws Exception {
        sim.fault(ACCOUNT, Fault.unaskedKinds());
        sim.fault(ACCOUNT, Fault.rowsOfAnotherMonth());

        JsonNode answer = JSON.readTree(get(JANUARY, good()).body());

        List<String> items = new ArrayList<>();
        answer.forEach(i -> items.add(i.get("kind").asText() + "/" + i.get("month").asText()));
        assertThat(items).containsExactly("daily_cost/202601", "daily_cost/202512", "monthly_cost/202601",
                "cost_by_service/202601", "cost_by_region/202601");

        sim.clearFaults();
        sim.fault(ACCOUNT, Fault.errorIn200("QUERY_FAILED"));
        HttpResponse<String> r = get(JANUARY, good());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("errorCode").asText()).isEqualTo("QUERY_FAILED");
    }
}
