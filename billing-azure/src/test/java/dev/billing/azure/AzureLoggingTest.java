package dev.billing.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs with every logger at TRACE (tag trace-logging: root pom), slf4j-simple printing to System.err; everything it prints is captured. */
@Tag("trace-logging")
@Timeout(30)
class AzureLoggingTest extends AzureTestSupport {

    @Test
    void logsAtTrace_describeEveryRequest_andNeverContainTheSecretOrTheToken() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<Throwable> errors = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            stubToken();
            String next = url() + QUERY_URL + "&$skiptoken=2";
            stubSequence(QUERY_URL, armError(429, "429", "throttled " + ACCESS_TOKEN)
                            .withHeader("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "0"),
                    aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), ok(page(next, row("1", 20260105))));
            server.stubFor(post(urlEqualTo(QUERY_URL + "&$skiptoken=2")).willReturn(ok(page(null, row("2", 20260106)))));
            fetch(provider(), january());
            server.resetAll();
            server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401).withBody(
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret " + SECRET
                            + "\",\"error_codes\":[7000215]}")));
            errors.add(catchThrowable(() -> fetch(provider(), january())));
            errors.add(catchThrowable(() -> provider().verify(account("prod-azure"))));
            stubToken();
            server.stubFor(post(urlEqualTo(QUERY_URL)).willReturn(armError(403, "AuthorizationFailed", "no " + SECRET)));
            errors.add(catchThrowable(() -> fetch(provider(), january())));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log)
                .contains("DEBUG dev.billing.azure.internal.AzureHttp - POST " + TOKEN_PATH + " -> 200 (attempt 1,")
                .contains("POST " + QUERY_PATH + " -> 429 (attempt 1,")
                .contains("POST " + QUERY_PATH + " -> IOException (attempt 2,")
                .contains("POST " + QUERY_PATH + " -> 200 (attempt 3,")
                .contains("POST " + TOKEN_PATH + " -> 401 (attempt 1,")
                .contains("page 2 of [2026-01-01, 2026-02-01)")
                // 2 pages of usage, 1 of the charge-type query, 1 of each as AmortizedCost; the token, 2 failed attempts
                .contains("in 5 pages, 8 requests")
                .doesNotContain(SECRET)
                .doesNotContain(ACCESS_TOKEN)
                .doesNotContain("Authorization");
        assertThat(errors).hasSize(3).allSatisfy(e -> {
            assertThat(e).isNotNull().hasMessageNotContaining(SECRET).hasMessageNotContaining(ACCESS_TOKEN);
            assertThat(e.toString()).doesNotContain(SECRET);
        });
        assertThat(account("prod-azure").toString()).doesNotContain(SECRET);
        assertThat(provider().toString()).doesNotContain(SECRET);
    }
}
