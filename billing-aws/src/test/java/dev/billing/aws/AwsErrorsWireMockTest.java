package dev.billing.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.billing.core.BillingException;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import dev.billing.core.spi.Cancellation;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cost Explorer's error codes, as JSON 1.1 {@code __type} and {@code x-amzn-ErrorType}, mapped and retried (or not). */
@Timeout(30)
class AwsErrorsWireMockTest extends AwsWireMockSupport {

    private Result fetchJanuary() {
        return fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY));
    }

    private void stubDetailOk() {
        server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false, group("4.2", "S", "us-east-1"))))));
    }

    @Test
    void fetch_whenLimitExceededThenOk_retriesAndReturnsExactTotal() {
        stubSequence(AwsWireMockSupport::discovery, error(400, "LimitExceededException", "Rate limit exceeded"),
                error(400, "LimitExceededException", "Rate limit exceeded"),
                ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage")));
        stubDetailOk();

        Result r = fetchJanuary();

        assertThat(r.total()).isEqualTo(new BigDecimal("4.2"));
        assertThat(r.stats().requests()).isEqualTo(4);
        assertThat(costRequests()).hasSize(4);
    }

    @Test
    void fetch_whenThrottlingExceptionThenOk_retries() {
        stubSequence(AwsWireMockSupport::discovery, error(400, "ThrottlingException", "Rate exceeded"),
                ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage")));
        stubDetailOk();
        assertThat(fetchJanuary().total()).isEqualTo(new BigDecimal("4.2"));
    }

    @Test
    void fetch_whenThrottledThenUnavailableThenOk_reportsEachRetryWaitToTheRequest() {
        stubSequence(AwsWireMockSupport::discovery, error(400, "ThrottlingException", "Rate exceeded"),
                error(503, "ServiceUnavailable", "busy"), ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage")));
        stubDetailOk();
        List<Boolean> throttled = new CopyOnWriteArrayList<>();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        Cancellation recording = Cancellation.reportingRetries((wait, wasThrottled) -> {
            waits.add(wait);
            throttled.add(wasThrottled);
        });

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY)
                .withCancellation(recording));

        assertThat(r.total()).isEqualTo(new BigDecimal("4.2"));
        assertThat(throttled).containsExactly(true, false);
        assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(Duration.ZERO, FAST.maxBackoff()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"LimitExceededException", "ThrottlingException"})
    void fetch_whenThrottlingOutlivesTheRetries_failsRateLimitedAfterMaxAttempts(String type) {
        server.stubFor(discovery().willReturn(error(400, type, "Rate exceeded")));

        assertThatThrownBy(this::fetchJanuary).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("prod-aws").satisfies(e -> assertThat(((BillingException) e).retryable()).isTrue());
        assertThat(costRequests()).hasSize(FAST.maxAttempts());
    }

    @Test
    void fetch_whenServerErrorsThenOk_retries() {
        stubSequence(AwsWireMockSupport::discovery, error(500, "InternalFailure", "oops"), error(503, "ServiceUnavailable", "busy"),
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage")));
        stubDetailOk();
        assertThat(fetchJanuary().total()).isEqualTo(new BigDecimal("4.2"));
        assertThat(costRequests()).hasSize(5);
    }

    @Test
    void fetch_whenServerErrorsOutliveTheRetries_failsUnavailable() {
        server.stubFor(discovery().willReturn(error(503, "ServiceUnavailable", "busy")));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("prod-aws")
                .hasMessageContaining("503");
        assertThat(costRequests()).hasSize(FAST.maxAttempts());
    }

    @ParameterizedTest
    @CsvSource({"400,UnrecognizedClientException", "400,InvalidSignatureException", "400,AccessDeniedException",
            "403,AccessDeniedException", "400,ExpiredTokenException"})
    void fetch_whenCredentialsAreRefused_failsRejectedWithoutRetry(int status, String type) {
        server.stubFor(discovery().willReturn(error(status, type, "The security token included in the request is invalid.")));

        assertThatThrownBy(this::fetchJanuary).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("prod-aws").hasMessageContaining(type).hasMessageNotContaining(SECRET)
                .satisfies(e -> assertThat(((BillingException) e).retryable()).isFalse());
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_whenDataUnavailable_returnsNoDataForThatQuery() {
        server.stubFor(discovery().willReturn(error(400, "DataUnavailableException", "Data is not available")));
        Result r = fetchJanuary();
        assertThat(r.records()).isEmpty();
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void verify_whenDataUnavailable_failsClearlyInsteadOfPassing() {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").willReturn(
                error(400, "DataUnavailableException", "Data is not available")));
        assertThatThrownBy(() -> provider.verify(account("prod-aws"))).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("prod-aws").hasMessageContaining("DataUnavailableException")
                .hasMessageContaining("not enabled");
    }

    /** The declared errors of GetCostAndUsage in botocore's ce service-2.json (0e6e2404b85dc336dd2889814e089bde7d1a4c55). */
    @ParameterizedTest
    @CsvSource({"ResourceNotFoundException,InvalidRequestException", "BillingViewHealthStatusException,ProviderUnavailableException"})
    void fetch_declaredErrors_endAsTheirOwnExceptionTypes(String type, String exception) {
        server.stubFor(discovery().willReturn(error(400, type, "The specified ARN in the request doesn't exist.")));
        assertThatThrownBy(this::fetchJanuary).satisfies(e -> assertThat(e.getClass().getSimpleName()).isEqualTo(exception))
                .hasMessageContaining(type).hasMessageContaining("prod-aws");
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_whenBillExpired_failsInvalidRequestSayingWhatToDo() {
        server.stubFor(discovery().willReturn(error(400, "BillExpirationException", "The requested data has expired")));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("BillExpirationException").hasMessageContaining("ask for a later period");
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_whenRequestChanged_failsRetryableSayingFetchAgain() {
        server.stubFor(discovery().willReturn(error(400, "RequestChangedException", "Your request parameters changed")));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("RequestChangedException").hasMessageContaining("fetch again");
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_whenNextTokenRefused_failsProtocol() {
        server.stubFor(discovery().willReturn(error(400, "InvalidNextTokenException", "The pagination token is invalid.")));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("InvalidNextTokenException");
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_whenValidationFails_failsInvalidRequestWithTheServiceMessage() {
        server.stubFor(discovery().willReturn(error(400, "ValidationException", "Start date must be before end date")));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Start date must be before end date");
    }

    @Test
    void fetch_whenTheAnswerIsNotJson_failsProtocolWithoutRetry() {
        server.stubFor(discovery().willReturn(ok("{not json")));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(ProviderProtocolException.class).hasMessageContaining("prod-aws")
                .hasMessageContaining("not the expected JSON");
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_whenAUnitIsNoCurrency_failsProtocol() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false,
                group("1", "S", "us-east-1").replace("USD", "N/A"))))));
        assertThatThrownBy(this::fetchJanuary).isInstanceOf(ProviderProtocolException.class).hasMessageContaining("unit 'N/A'");
    }

    @Test
    void fetch_withMalformedCredentials_failsBeforeAnyRequest() {
        assertThatThrownBy(() -> fetch(provider, request(account("prod-aws", "linkedAccount", "12345"), month(2026, 1),
                Granularity.MONTHLY))).isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("linkedAccount");
        assertThat(costRequests()).isEmpty();
    }
}
