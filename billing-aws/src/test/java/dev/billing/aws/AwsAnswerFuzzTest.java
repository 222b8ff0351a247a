package dev.billing.aws;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.billing.core.BillingException;
import dev.billing.core.Granularity;
import dev.billing.core.ProviderProtocolException;
import dev.billing.testkit.AnswerFuzz;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of the Cost Explorer answer parser over real HTTP: every mutant of a valid discovery or detail
 * answer ({@link dev.billing.testkit.Mutations}) either gives the exact records or fails the account with a
 * {@link BillingException} of a bounded one-line message; nothing else escapes, nothing hangs.
 */
@Timeout(20)
class AwsAnswerFuzzTest extends AwsTestSupport {
    private static final String DISCOVERY = AwsWireMockSupport.discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage");
    private static final String DETAIL = AwsWireMockSupport.page(null, AwsWireMockSupport.result("2026-01-01",
            "2026-02-01", false, AwsWireMockSupport.group("10.5", "Amazon Simple Storage Service", "us-east-1") + ","
                    + AwsWireMockSupport.group("-0.25", "AWS Lambda", "eu-west-1")));
    private static WireMockServer server;
    private static AwsCostExplorerProvider provider;

    @BeforeAll
    static void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal());
        server.start();
        provider = provider("http://127.0.0.1:" + server.port()).build();
    }

    @AfterAll
    static void stop() {
        provider.close();
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    @ParameterizedTest
    @MethodSource("dev.billing.testkit.AnswerFuzz#seeds")
    void mutant(long seed) {
        AnswerFuzz.Answer answer = AnswerFuzz.mutateOnePage(seed, DISCOVERY, DETAIL);
        serve(answer.page(0), answer.page(1));
        AnswerFuzz.assertExactOrRefused(sink -> provider.fetch(request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY),
                sink), answer.unchanged() ? new BigDecimal("10.25") : null);
    }

    @ParameterizedTest
    @MethodSource("dev.billing.testkit.AnswerFuzz#extremeAmounts")
    void anExtremeAmount_failsTheAccount_withAShortMessage(String amount) {
        serve(bytes(DISCOVERY), bytes(DETAIL.replace("10.5", amount)));
        Throwable t = catchThrowable(() -> fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY)));
        assertThat(t).isInstanceOf(ProviderProtocolException.class);
        AnswerFuzz.assertBounded(t);
    }

    @Test
    void aNextPageTokenRepeatedForever_failsTheAccount() {
        serve(bytes(DISCOVERY), bytes(AwsWireMockSupport.page("again", AwsWireMockSupport.result("2026-01-01",
                "2026-02-01", false, AwsWireMockSupport.group("1", "S3", "us-east-1")))));
        Throwable t = catchThrowable(() -> fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY)));
        assertThat(t).isInstanceOf(ProviderProtocolException.class).hasMessageContaining("NextPageToken");
        AnswerFuzz.assertBounded(t);
    }

    private static void serve(byte[] discovery, byte[] detail) {
        server.stubFor(AwsWireMockSupport.discovery().willReturn(AwsWireMockSupport.ok("").withBody(discovery)));
        server.stubFor(AwsWireMockSupport.detail().willReturn(AwsWireMockSupport.ok("").withBody(detail)));
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
