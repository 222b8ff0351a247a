package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's JSON 1.1 error encoding for unsigned and unknown requests (signed requests are tested through the SDK in billing-aws). */
@Timeout(20)
class AwsCostExplorerSimulatorTest {

    @Test
    void unsignedRequests_areRefusedWithJson11ErrorsAndCounted() throws Exception {
        try (AwsCostExplorerSimulator sim = AwsCostExplorerSimulator.builder()
                .account("111111111111", "AKIAEXAMPLEPAYER0001", "secret")
                .row(new AwsCostExplorerSimulator.Row("111111111111", LocalDate.of(2026, 1, 1), "111111111111", "S", "us-east-1",
                        "Usage", "USD", BigDecimal.ONE))
                .start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/"))
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("MissingAuthenticationTokenException:"));
            assertThat(r.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"");

            HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/"))
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN000000001/20260101/us-east-1/ce/aws4_request,"
                            + " SignedHeaders=host;x-amz-date, Signature=00")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.body()).contains("UnrecognizedClientException");
            assertThat(sim.requestCount()).isEqualTo(2);
            assertThat(sim.costRequests("111111111111")).isZero();
        }
    }

    @Test
    void dataFaults_areRefused_CostExplorerAnswersNone() {
        try (AwsCostExplorerSimulator sim = AwsCostExplorerSimulator.builder()
                .account("111111111111", "AKIAEXAMPLEPAYER0001", "secret").start()) {
            assertThatThrownBy(() -> sim.fault("111111111111", Fault.nullCosts()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("AwsCostExplorerSimulator does not take NullCosts");
        }
    }
}
