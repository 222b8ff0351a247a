package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        // Each request, once it arrives, waits until a second one is in flight (or a short while when none comes) and
        // leaves the count before its answer is sent: requests the provider let overlap are counted overlapping,
        // requests sent one after another never are. The assertion counts; it times nothing.
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        ServeEventListener counter = new ServeEventListener() {
            @Override
            public String getName() {
                return "in-flight counter";
            }

            @Override
            public void beforeMatch(ServeEvent event, Parameters parameters) {
                int now = inFlight.incrementAndGet();
                mostInFlight.accumulateAndGet(now, Math::max);
                if (now > 1) {
                    second.countDown();
                }
                try {
                    second.await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void beforeResponseSent(ServeEvent event, Parameters parameters) {
                inFlight.decrementAndGet();
            }
        };
        WireMockServer counting = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(counter));
        counting.start();
        try {
            counting.stubFor(post(urlEqualTo(BILLING)).willReturn(ok(page("", row("2026-01-05", "1")))));
            HyperBillingProvider provider = HyperBillingProvider.builder()
                    .endpoint(URI.create("http://127.0.0.1:" + counting.port()))
                    .http(HttpSettings.builder().retryPolicy(FAST).requestTimeout(Duration.ofSeconds(5))
                            .maxConcurrentRequests(1).build()).build();
            List<CostRecord> records = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<FetchStats>> fetches = new ArrayList<>();
            for (String name : List.of("a-aws", "b-aws", "c-aws")) {
                fetches.add(provider.fetchAsync(FetchRequest.of(account(name), oneWindow(Granularity.DAILY).period(),
                        Granularity.DAILY), records::add, executor));
            }
            fetches.forEach(CompletableFuture::join);

            assertThat(mostInFlight.get()).as("requests in flight at once").isEqualTo(1);
            assertThat(counting.getAllServeEvents()).hasSize(3);
            assertThat(sum(records)).isEqualByComparingTo("3");
        } finally {
            counting.stop();
        }
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
