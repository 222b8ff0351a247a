package dev.billing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.Granularity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs with every logger, ours and the AWS SDK's, at TRACE (tag trace-logging: root pom), slf4j-simple printing to System.err; everything it prints is captured. */
@Tag("trace-logging")
@Timeout(30)
class AwsLoggingTest extends AwsWireMockSupport {
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENVALUE0123456789";

    private void collectSignatures(List<String> into) {
        server.getAllServeEvents().forEach(e -> {
            String auth = e.getRequest().getHeader("Authorization");
            if (auth != null) {
                into.add(auth.substring(auth.indexOf("Signature=") + "Signature=".length()));
            }
        });
    }

    @Test
    void logsAtTrace_describeRequestsAndNeverContainSecretsOrSignatures() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<Throwable> errors = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            stubSequence(AwsWireMockSupport::discovery, error(400, "LimitExceededException", "Rate limit exceeded"),
                    ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage")));
            server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false, group("1", "S", "us-east-1"))))));
            fetch(provider, request(account("prod-aws", "sessionToken", SESSION_TOKEN), month(2026, 1), Granularity.MONTHLY));
            collectSignatures(signatures);
            server.resetAll();
            server.stubFor(discovery().willReturn(error(400, "InvalidSignatureException", "The request signature we calculated"
                    + " does not match the signature you provided.")));
            errors.add(catchThrowable(() -> fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY))));
            collectSignatures(signatures);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        String ours = log.lines().filter(l -> l.contains(" dev.billing.")).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(ours)
                .contains("DEBUG dev.billing.aws.internal.AwsClients - GetCostAndUsage -> 400 (attempt 1,")
                .contains("GetCostAndUsage -> 200 (attempt 2,")
                .contains("prod-aws: fetched 1 records")
                .contains("3 requests (USD 0.01 each)")
                .doesNotContain(SECRET)
                .doesNotContain(SESSION_TOKEN);
        // The AWS SDK's own loggers (here at TRACE too) never print the secret key nor a signature. Its SigV4 signer
        // prints the canonical request at DEBUG, which holds X-Amz-Security-Token: docs/aws-cost-explorer.md says to keep
        // software.amazon.awssdk.http.auth at INFO when session tokens are used; this test pins that behaviour.
        assertThat(log).contains("TRACE software.amazon.awssdk").doesNotContain(SECRET);
        assertThat(signatures).hasSize(4).allSatisfy(s -> assertThat(log).doesNotContain(s));
        assertThat(log.lines().filter(l -> l.contains(SESSION_TOKEN)))
                .allSatisfy(l -> assertThat(l).startsWith("x-amz-security-token:"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e).hasMessageNotContaining(SECRET);
            assertThat(e.toString()).doesNotContain(SECRET);
        });
        assertThat(account("prod-aws", "sessionToken", SESSION_TOKEN).toString()).doesNotContain(SECRET).doesNotContain(SESSION_TOKEN);
        assertThat(provider.toString()).doesNotContain(SECRET);
    }
}
