package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.billing.core.Granularity;
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
class HyperBillingLoggingTest extends HyperBillingTestSupport {

    @Test
    void logsAtTrace_describeEveryRequestAndNeverContainTheKey() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<Throwable> errors = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            stubSequence(BILLING, error(429, "THROTTLED").withHeader("Retry-After", "0"),
                    aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                    ok(page("\"NextDataToken\":\"t-2\"", row("2026-01-05", "1"))), ok(page("", row("2026-01-06", "2"))));
            fetch(provider(), oneWindow(Granularity.DAILY));
            provider().fetchAsync(oneWindow(Granularity.DAILY), r -> { }, ForkJoinPool.commonPool()).join();
            server.resetAll();
            server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withStatus(401)
                    .withBody("{\"errorCode\":\"AUTH\",\"message\":\"bad secret " + KEY + "\"}")));
            server.stubFor(get(urlEqualTo(LINKED)).willReturn(error(403, "FORBIDDEN")));
            errors.add(catchThrowable(() -> fetch(provider(), oneWindow(Granularity.DAILY))));
            errors.add(catchThrowable(() -> provider().verify(account("prod-aws"))));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log)
                .contains("DEBUG dev.billing.hyperbilling.internal.HyperBillingClient - POST /v1/search/billing -> 429 (attempt 1,")
                .contains("POST /v1/search/billing -> IOException (attempt 2,")
                .contains("POST /v1/search/billing -> 200 (attempt 3,")
                .contains("POST /v1/search/billing -> 401 (attempt 1,")
                .contains("GET /v1/search/linkedaccount -> 403 (attempt 1,")
                .contains("page 2 of DAILY [2026-01-01, 2026-01-31)")
                .contains("in 2 pages, 4 requests")
                .doesNotContain(KEY)
                .doesNotContain("X-Client-Secret");
        assertThat(errors).hasSize(2).allSatisfy(e -> {
            assertThat(e).hasMessageNotContaining(KEY);
            assertThat(e.toString()).doesNotContain(KEY);
        });
        assertThat(account("prod-aws").toString()).doesNotContain(KEY);
        assertThat(provider().toString()).doesNotContain(KEY);
    }
}
