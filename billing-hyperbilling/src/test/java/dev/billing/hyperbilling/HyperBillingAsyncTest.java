package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class HyperBillingAsyncTest extends HyperBillingTestSupport {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void fetchAsync_when503ThenOk_retriesWithoutBlockingAndReturnsExactTotal() {
        stubSequence(BILLING, error(503, "UNAVAILABLE"), ok(page("", row("2026-01-05", "1.5E-7"), row("2026-01-06", "-2"))));
        List<CostRecord> records = Collections.synchronizedList(new ArrayList<>());

        FetchStats stats = provider().fetchAsync(oneWindow(Granularity.DAILY), records::add, executor).join();

        assertThat(sum(records)).isEqualByComparingTo("-1.99999985");
        assertThat(stats).isEqualTo(FetchStats.builder().records(2).requests(2).pages(1).build());
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void fetchAsync_over100DaysWithPages_followsEveryWindowAndToken() {
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.notContaining("NextDataToken"))
                .willReturn(ok(page("\"NextDataToken\":\"more\"", row("2026-01-01", "1"), row("2026-02-01", "1"),
                        row("2026-03-04", "1"), row("2026-04-04", "1")))));
        server.stubFor(post(urlEqualTo(BILLING)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing("\"NextDataToken\":\"more\""))
                .willReturn(ok(page("", row("2026-04-10", "0.01")))));
        FetchRequest request = FetchRequest.of(account("prod-aws"),
                BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 11)), Granularity.DAILY);
        List<CostRecord> records = Collections.synchronizedList(new ArrayList<>());

        FetchStats stats = provider().fetchAsync(request, records::add, executor).join();

        // each of the 4 windows keeps its own first-page row; only the last window keeps the second page's row
        assertThat(sum(records)).isEqualByComparingTo("4.01");
        assertThat(stats).isEqualTo(FetchStats.builder().records(5).requests(8).pages(8).droppedRows(15).build());
    }

    @Test
    void fetchAsync_when401_completesExceptionallyWithTheTypedErrorAndNoRetry() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(error(401, "UNAUTHORIZED")));

        CompletableFuture<FetchStats> future = provider().fetchAsync(oneWindow(Granularity.DAILY), r -> { }, executor);

        assertThat(future).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isExactlyInstanceOf(CredentialsRejectedException.class)
                .withMessageContaining("HTTP 401").withMessageContaining("'prod-aws'");
        assertThat(billingRequests()).isEqualTo(1);
    }

    @Test
    void fetchAsync_whenTokenRepeats_completesExceptionallyWithProtocolError() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("\"NextDataToken\":\"loop\"", row("2026-01-05", "1")))));

        CompletableFuture<FetchStats> future = provider().fetchAsync(oneWindow(Granularity.DAILY), r -> { }, executor);

        assertThat(future).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isExactlyInstanceOf(ProviderProtocolException.class)
                .withMessageContaining("NextDataToken 'loop' again");
        assertThat(billingRequests()).isEqualTo(2);
    }

    @Test
    void fetchAsync_withOneConcurrentRequest_sendsTheAccountsOneAfterAnother() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "1"))).withFixedDelay(300)));
        HyperBillingProvider provider = provider().toBuilder()
                .http(provider().http().toBuilder().maxConcurrentRequests(1).build()).build();
        List<CostRecord> records = Collections.synchronizedList(new ArrayList<>());

        long start = System.nanoTime();
        List<CompletableFuture<FetchStats>> fetches = new ArrayList<>();
        for (String name : List.of("a-aws", "b-aws", "c-aws")) {
            fetches.add(provider.fetchAsync(FetchRequest.of(account(name), oneWindow(Granularity.DAILY).period(),
                    Granularity.DAILY), records::add, executor));
        }
        fetches.forEach(CompletableFuture::join);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(sum(records)).isEqualByComparingTo("3");
    }

    @Test
    void fetchAsync_withoutEndpoint_failsAsksForTheSetting() {
        CompletableFuture<FetchStats> future = HyperBillingProvider.builder().build()
                .fetchAsync(oneWindow(Granularity.DAILY), r -> { }, executor);

        assertThat(future).isCompletedExceptionally();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(future::join))
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(dev.billing.core.ProviderConfigurationException.class)
                .hasMessageContaining("set the provider setting 'endpoint'");
    }

    private static BigDecimal sum(List<CostRecord> records) {
        synchronized (records) {
            return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }
}
