package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.billing.core.ServiceAccount;
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
class GcpLoggingTest extends GcpTestSupport {

    @Test
    void logsAtTrace_describeEveryRequest_andNeverContainTheKeyOrTheToken() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<Throwable> errors = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            stubToken();
            sequence(this::query, bqError(429, "rateLimitExceeded", "slow").withHeader("Retry-After", "0"), okJson(pending()));
            server.stubFor(results().willReturn(okJson(page(null, List.of(
                    row("2026-01-05", "Compute Engine", "web", "regular", "USD", "1.5", "-0.5"))))));
            fetch(provider(), january());
            server.resetAll();
            // a server echoing the token and key in its errors: never passed on
            server.stubFor(WireMock.post(WireMock.urlEqualTo("/token")).willReturn(okJson(
                    "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599}")));
            server.stubFor(query().willReturn(bqError(403, "accessDenied", "token " + TOKEN + " key "
                    + PRIVATE_KEY_BASE64.substring(0, 64))));
            errors.add(catchThrowable(() -> fetch(provider(), january())));
            server.resetAll();
            server.stubFor(WireMock.post(WireMock.urlEqualTo("/token")).willReturn(WireMock.aResponse().withStatus(400)
                    .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"bad " + TOKEN + "\"}")));
            errors.add(catchThrowable(() -> fetch(provider(), january())));
            errors.add(catchThrowable(() -> provider().verify(account("gcp-prod"))));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log)
                .contains("DEBUG dev.billing.gcp.internal.Transport - POST /token -> 200 (attempt 1,")
                .contains("POST /bigquery/v2/projects/billing-admin/queries -> 429 (attempt 1,")
                .contains("POST /bigquery/v2/projects/billing-admin/queries -> 200 (attempt 2,")
                .contains("GET /bigquery/v2/projects/billing-admin/queries/job_abc123 -> 200")
                .contains("the query scanned 123456789 bytes")
                .doesNotContain(TOKEN).doesNotContain(PRIVATE_KEY_BASE64.substring(0, 64))
                .doesNotContain("BEGIN PRIVATE KEY").doesNotContain("Authorization").doesNotContain("assertion");
        assertThat(errors).hasSize(3).allSatisfy(e -> {
            assertThat(e).isNotNull();
            assertThat(e.toString()).doesNotContain(TOKEN).doesNotContain(PRIVATE_KEY_BASE64.substring(0, 64));
        });
        ServiceAccount account = account("gcp-prod");
        assertThat(account.toString()).doesNotContain("PRIVATE").doesNotContain(PRIVATE_KEY_BASE64.substring(0, 64));
        assertThat(provider().toString()).doesNotContain(TOKEN);
    }
}
