package dev.billing.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.testkit.AnswerFuzz;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of the BigQuery answer parser over real HTTP: every mutant of either page of a valid two-page
 * answer ({@code jobs.query}, then {@code jobs.getQueryResults} with its {@code pageToken}; {@link
 * dev.billing.testkit.Mutations})
 * either gives the exact records or fails the account with a {@link BillingException} of a bounded one-line
 * message; nothing else escapes, nothing hangs.
 */
@Timeout(20)
class GcpAnswerFuzzTest {
    private static final String FIRST = GcpTestSupport.page("tok-2", List.of(GcpTestSupport.row("2026-01-05",
            "Compute Engine", "web-prod", "regular", "USD", "10.5", "-1.25")));
    private static final String SECOND = GcpTestSupport.page(null, List.of(GcpTestSupport.row("2026-01-06",
            "Cloud Storage", "web-prod", "regular", "USD", "0.000001", "0")));
    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(options().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal()).build();
    private static GcpBillingExportProvider provider;
    private static FetchRequest january;

    @BeforeAll
    static void start() {
        String endpoint = "http://127.0.0.1:" + server.getPort();
        provider = GcpBillingExportProvider.builder().endpoint(java.net.URI.create(endpoint))
                .http(GcpTestSupport.http().build()).build();
        ServiceAccount account = new ServiceAccount(ServiceAccountId.of("gcp-prod"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), Credentials.of(Map.of("serviceAccountKey",
                GcpTestSupport.keyJson(endpoint + "/token"), "table", GcpTestSupport.TABLE)), Map.of());
        january = FetchRequest.of(account, BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)),
                Granularity.DAILY);
    }

    @BeforeEach
    void stubTheToken() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(GcpTestSupport.okJson(
                "{\"access_token\":\"" + GcpTestSupport.TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
    }

    @ParameterizedTest
    @MethodSource("dev.billing.testkit.AnswerFuzz#seeds")
    void mutant(long seed) {
        AnswerFuzz.Answer answer = AnswerFuzz.mutateOnePage(seed, FIRST, SECOND);
        serve(answer.page(0), answer.page(1));
        AnswerFuzz.assertExactOrRefused(sink -> provider.fetch(january, sink),
                answer.unchanged() ? new BigDecimal("9.250001") : null);
    }

    @ParameterizedTest
    @MethodSource("dev.billing.testkit.AnswerFuzz#extremeAmounts")
    void anExtremeCost_failsTheAccount_withAShortMessage(String cost) {
        serve(bytes(FIRST.replace("\"10.5\"", GcpTestSupport.JSON.valueToTree(cost).toString())), bytes(SECOND));
        Throwable t = catchThrowable(() -> GcpTestSupport.fetch(provider, january));
        assertThat(t).isInstanceOf(ProviderProtocolException.class);
        AnswerFuzz.assertBounded(t);
    }

    @Test
    void aPageTokenRepeatedForever_failsTheAccount() {
        serve(bytes(FIRST), bytes(FIRST));
        Throwable t = catchThrowable(() -> GcpTestSupport.fetch(provider, january));
        assertThat(t).isInstanceOf(ProviderProtocolException.class).hasMessageContaining("pageToken");
        AnswerFuzz.assertBounded(t);
    }

    private static void serve(byte[] first, byte[] second) {
        server.stubFor(post(urlEqualTo(GcpTestSupport.QUERIES)).willReturn(GcpTestSupport.okJson("").withBody(first)));
        server.stubFor(get(urlPathEqualTo(GcpTestSupport.RESULTS)).withQueryParam("pageToken", WireMock.equalTo("tok-2"))
                .willReturn(GcpTestSupport.okJson("").withBody(second)));
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
