package dev.billing.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.billing.core.BillingException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.testkit.AnswerFuzz;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of the Cost Management Query answer parser over real HTTP: every mutant of either page of a
 * valid two-page answer ({@link dev.billing.testkit.Mutations}) either gives the exact records or fails the account
 * with a {@link BillingException} of a bounded one-line message; nothing else escapes, nothing hangs.
 */
@Timeout(20)
class AzureAnswerFuzzTest {
    /** The second page, as the first page's nextLink names it. */
    private static final String SECOND = AzureTestSupport.QUERY_URL + "&$skiptoken=2";
    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(options().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal()).build();
    private static AzureCostManagementProvider provider;
    private static String first;
    private static String second;

    @BeforeAll
    static void start() {
        java.net.URI url = java.net.URI.create("http://127.0.0.1:" + server.getPort());
        provider = AzureCostManagementProvider.builder().endpoint(url).authority(url)
                .http(AzureTestSupport.http(AzureTestSupport.FAST).build()).build();
        first = AzureTestSupport.page(url + SECOND, AzureTestSupport.row("1.1", 20260101));
        second = AzureTestSupport.page(null, AzureTestSupport.row("2.2", 20260102),
                AzureTestSupport.row("0.3", 20260102, "Compute"));
    }

    @BeforeEach
    void stubTheToken() {
        server.stubFor(post(urlEqualTo("/" + AzureTestSupport.TENANT + "/oauth2/v2.0/token")).willReturn(AzureTestSupport.ok(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + AzureTestSupport.ACCESS_TOKEN + "\"}")));
        server.stubFor(WireMock.post(WireMock.urlPathMatching(".*/providers/Microsoft.CostManagement/query"))
                .withRequestBody(WireMock.matchingJsonPath(AzureTestSupport.CHARGE_QUERY)).atPriority(2)
                .willReturn(AzureTestSupport.ok(AzureTestSupport.page(null))));
    }

    @ParameterizedTest
    @MethodSource("dev.billing.testkit.AnswerFuzz#seeds")
    void mutant(long seed) {
        AnswerFuzz.Answer answer = AnswerFuzz.mutateOnePage(seed, first, second);
        serve(answer.page(0), answer.page(1));
        AnswerFuzz.assertExactOrRefused(sink -> provider.fetch(AzureTestSupport.january(), sink),
                answer.unchanged() ? new BigDecimal("3.6") : null);
    }

    static Stream<String> extremes() {
        return Stream.of("1E+999999999", "1E-999999999", "9".repeat(900_000), "1" + "0".repeat(40), "\"NaN\"", "null",
                "\"\u001b[2J\u0007\"", "[]");
    }

    @ParameterizedTest
    @MethodSource("extremes")
    void anExtremeCost_failsTheAccount_withAShortMessage(String cost) {
        serve(bytes(first.replace("1.1", cost)), bytes(second));
        Throwable t = catchThrowable(() -> AzureTestSupport.fetch(provider, AzureTestSupport.january()));
        assertThat(t).isInstanceOf(ProviderProtocolException.class);
        AnswerFuzz.assertBounded(t);
    }

    @Test
    void aNextLinkRepeatedForever_failsTheAccount() {
        serve(bytes(first), bytes(first));
        Throwable t = catchThrowable(() -> AzureTestSupport.fetch(provider, AzureTestSupport.january()));
        assertThat(t).isInstanceOf(ProviderProtocolException.class).hasMessageContaining("nextLink");
        AnswerFuzz.assertBounded(t);
    }

    private static void serve(byte[] page1, byte[] page2) {
        server.stubFor(post(urlEqualTo(AzureTestSupport.QUERY_URL)).willReturn(AzureTestSupport.ok("").withBody(page1)));
        server.stubFor(post(urlEqualTo(SECOND)).willReturn(AzureTestSupport.ok("").withBody(page2)));
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
