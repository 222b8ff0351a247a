package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.billing.core.Granularity;
import dev.billing.testkit.SummaryData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs with every logger at TRACE (tag trace-logging: root pom), slf4j-simple printing to System.err; everything it prints is captured. */
@Tag("trace-logging")
@Timeout(30)
class MzcLoggingTest extends MzcTestSupport {

    @Test
    void logsAtTrace_describeEveryRequestAndNeverContainTheKeyOrAToken() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<Throwable> errors = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String answer = answer(item("daily_cost", "202601", project("p", daily("202601", "2026-01-05", cost("1", "USD")))));
            server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(error(429, "THROTTLED").withHeader("Retry-After", "0")).willSetStateTo("reset"));
            server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs("reset")
                    .willReturn(error(503, "UNAVAILABLE")).willSetStateTo("ok"));
            server.stubFor(get(urlPathEqualTo(SUMMARY)).inScenario("s").whenScenarioStateIs("ok").willReturn(ok(answer)));
            fetch(provider(), january(Granularity.DAILY));
            provider().fetchAsync(january(Granularity.DAILY), r -> { }, ForkJoinPool.commonPool()).join();
            server.resetAll();
            server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(error(401, "INVALID_SIGNATURE")));
            errors.add(catchThrowable(() -> fetch(provider(), january(Granularity.DAILY))));
            errors.add(catchThrowable(() -> provider().verify(account())));
            // an error body that echoes the token back
            String token = server.findAll(getRequestedFor(urlPathEqualTo(SUMMARY))).get(0).getHeader("Authorization")
                    .substring("Bearer ".length());
            server.resetAll();
            server.stubFor(get(urlPathEqualTo(SUMMARY)).willReturn(aResponse().withStatus(403)
                    .withBody("{\"errorCode\":\"FORBIDDEN\",\"message\":\"token " + token + " refused\"}")));
            errors.add(catchThrowable(() -> fetch(provider(), january(Granularity.DAILY))));
            byte[] pkcs8 = KEY.getPrivate().getEncoded();
            errors.add(catchThrowable(() -> fetch(provider(), dev.billing.core.spi.FetchRequest.of(account(
                    SummaryData.pem("RSA PRIVATE KEY", java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length))),
                    january(Granularity.DAILY).period(), Granularity.DAILY))));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log)
                .contains("DEBUG dev.billing.hyperbilling.internal.HyperBillingClient - GET /summary?platform=gcp&account_id="
                        + ACCOUNT_ID + "&month=202601&kind=daily_cost -> 429 (attempt 1,")
                .contains("-> 503 (attempt 2,")
                .contains("-> 200 (attempt 3,")
                .contains("-> 401 (attempt 1,")
                .contains("fetched 1 records of daily_cost")
                .doesNotContain("Bearer")
                .doesNotContain("Authorization");
        secretLines().forEach(line -> assertThat(log).doesNotContain(line));
        assertThat(errors).hasSize(4).allSatisfy(e -> {
            assertThat(e).isNotNull();
            secretLines().forEach(line -> assertThat(e.toString()).doesNotContain(line));
            assertThat(e.toString()).doesNotContain("eyJ");
        });
        assertThat(errors.get(2)).hasMessageContaining("token *** refused");
        assertThat(account().toString()).doesNotContain(secretLines().get(1));
        assertThat(account().credentials().toString()).doesNotContain(secretLines().get(1));
        assertThat(provider().toString()).doesNotContain(secretLines().get(1));
    }
}
