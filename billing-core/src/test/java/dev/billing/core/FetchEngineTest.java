package dev.billing.core;

import static dev.billing.core.Records.usdRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one fetch engine every report and sync of a {@link Billing} shares: bound, timeout, cancellation. */
@Timeout(20)
class FetchEngineTest {
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    /** A provider whose future never completes by itself; it completes when the SDK cancels it. */
    private static final class NeverCompletes extends TestProvider {
        final AtomicInteger cancelled = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();

        NeverCompletes() {
            super("never", Map.of());
        }

        @Override
        public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
            started.incrementAndGet();
            CompletableFuture<FetchStats> future = new CompletableFuture<>();
            request.cancellation().onCancel(() -> {
                cancelled.incrementAndGet();
                future.completeExceptionally(new FetchCancelledException(request.cancellation().reason(),
                        request.account().name()));
            });
            return future;
        }
    }

    @Test
    void report_providerThatNeverCompletes_isCancelledAtTheTimeoutAndTheNextReportStartsAtOnce() {
        NeverCompletes never = new NeverCompletes();
        TestProvider fine = new TestProvider().serve("ok", List.of(usdRecord("ok", "web", "2026-01-02", "1.5")));
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(never).addProvider(fine)
                .maxConcurrentFetches(1).fetchTimeout(Duration.ofMillis(300)).build()) {
            b.serviceAccounts().register("stuck", "never", TestProvider.credentials(), "data");
            b.serviceAccounts().register("ok", TestProvider.ID, TestProvider.credentials(), "web");

            CostReport first = b.costs().projectTotal("data", JAN);
            assertThat(first.coverage().get(0).failure()).get().isInstanceOf(FetchCancelledException.class)
                    .extracting(Throwable::getMessage).asString().startsWith("no answer within PT0.3S");
            assertThat(never.cancelled).as("the provider learnt it was cancelled").hasValue(1);

            long start = System.nanoTime();
            CostReport second = b.costs().projectTotal("web", JAN);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
            assertThat(second.isComplete()).isTrue();
            assertThat(second.totals()).containsExactly(Money.of("1.5", "USD"));
        }
    }

    @Test
    void close_cancelsTheFetchesInFlight() throws Exception {
        NeverCompletes never = new NeverCompletes();
        Billing b = Billing.builder().discoverProviders(false).addProvider(never).build();
        b.serviceAccounts().register("stuck", "never", TestProvider.credentials(), "data");
        CompletableFuture<CostReport> report = b.costs().reportAsync(CostQuery.of(JAN));
        assertThat(report).isNotDone();

        b.close();

        CostReport r = report.get(5, TimeUnit.SECONDS);
        assertThat(never.cancelled).hasValue(1);
        assertThat(r.coverage().get(0).error()).contains("Billing was closed");
        assertThat(b.costs().domainTotal(JAN).coverage().get(0).error()).startsWith("Billing is closed");
    }

    @Test
    void twoReportsAndASyncAtOnce_neverExceedTheBoundOfTheWholeBilling() throws Exception {
        TestProvider slow = new TestProvider().latency(Duration.ofMillis(30));
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(slow).maxConcurrentFetches(2).build()) {
            for (int i = 0; i < 6; i++) {
                slow.serve("a" + i, List.of(usdRecord("a" + i, "p", "2026-01-02", "1")));
                b.serviceAccounts().register("a" + i, TestProvider.ID, TestProvider.credentials(), "p");
            }
            CostSync sync = CostSync.builder(b).monthsBack(0).clock(Clock.fixed(Instant.parse("2026-01-20T00:00:00Z"),
                    ZoneOffset.UTC)).build();

            CompletableFuture<CostReport> r1 = b.costs().reportAsync(CostQuery.of(JAN));
            CompletableFuture<CostReport> r2 = b.costs().reportAsync(CostQuery.of(JAN));
            CompletableFuture<SyncSummary> s = sync.syncAsync();

            assertThat(r1.get(10, TimeUnit.SECONDS).totals()).containsExactly(Money.of("6", "USD"));
            assertThat(r2.get(10, TimeUnit.SECONDS).totals()).containsExactly(Money.of("6", "USD"));
            assertThat(s.get(10, TimeUnit.SECONDS).isComplete()).isTrue();
            assertThat(slow.fetches()).isEqualTo(18);
            assertThat(slow.maxInFlight()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void fetches_reachTheBoundWhenThereIsWorkForIt() throws Exception {
        CountDownLatch allIn = new CountDownLatch(3);
        TestProvider gated = new TestProvider() {
            @Override
            public FetchStats fetch(FetchRequest request, CostSink sink) {
                allIn.countDown();
                try {
                    allIn.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.fetch(request, sink);
            }
        };
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(gated).maxConcurrentFetches(3).build()) {
            for (int i = 0; i < 6; i++) {
                b.serviceAccounts().register("a" + i, TestProvider.ID, TestProvider.credentials(), "p");
            }
            long start = System.nanoTime();
            b.costs().domainTotal(JAN);
            // below the bound, a fetch would wait its 5 s for the third one to arrive
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("three fetches were in flight together")
                    .isLessThan(Duration.ofSeconds(4));
            assertThat(allIn.getCount()).isZero();
        }
    }

    @Test
    void sync_ofTwentySlowAccounts_runsThemConcurrentlyWithinTheBound() {
        TestProvider slow = new TestProvider().latency(Duration.ofMillis(200));
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(slow).maxConcurrentFetches(8).build()) {
            for (int i = 0; i < 20; i++) {
                b.serviceAccounts().register("a" + i, TestProvider.ID, TestProvider.credentials(), "p");
            }
            CostSync sync = CostSync.builder(b).monthsBack(0).build();

            long start = System.nanoTime();
            SyncSummary summary = sync.sync();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(summary.isComplete()).isTrue();
            assertThat(summary.accounts()).hasSize(20);
            assertThat(took).as("sequentially 20 x 200 ms = 4 s; three waves of 8 take about 0.6 s")
                    .isLessThan(Duration.ofMillis(2500));
            assertThat(slow.maxInFlight()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void failedAccount_exposesItsTypedError_inAReportAndInASyncResult() {
        TestProvider down = new TestProvider().fail("web", TestProvider.Failure.UNAVAILABLE, 0);
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(down).build()) {
            b.serviceAccounts().register("web", TestProvider.ID, TestProvider.credentials(), "web");

            AccountCoverage c = b.costs().domainTotal(JAN).coverage().get(0);
            assertThat(c.status()).isInstanceOfSatisfying(AccountStatus.Failed.class, f -> {
                assertThat(f.error()).isInstanceOf(ProviderUnavailableException.class);
                assertThat(f.error().retryable()).isTrue();
                assertThat(f.error().statusCode()).hasValue(503);
            });

            AccountSyncResult s = CostSync.builder(b).monthsBack(0).build().sync().accounts().get(0);
            assertThat(s.succeeded()).isFalse();
            assertThat(s.status()).isInstanceOfSatisfying(AccountStatus.Failed.class, f -> {
                assertThat(f.error().retryable()).isTrue();
                assertThat(f.error().statusCode()).hasValue(503);
            });
            assertThat(s.error()).contains("test-cloud answered HTTP 503", "(month ");
        }
    }

    @Test
    void providerSettings_forAProviderThatIsNotInstalled_failAtBuildNamingTheInstalledOnes() {
        assertThatThrownBy(() -> Billing.builder().providerSettings("no-such-provider", Map.of("endpoint", "x")).build())
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("unknown provider 'no-such-provider'")
                .hasMessageContaining("installed providers: ");
    }

    @Test
    void unknownProjectOrServiceAccount_isAnInvalidRequestNamingTheRegisteredOnes() {
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(new TestProvider()).build()) {
            b.serviceAccounts().register("web-prod", TestProvider.ID, TestProvider.credentials(), "project-web");

            assertThatThrownBy(() -> b.costs().projectTotal("projetc-web", JAN))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("no service account is registered for project 'projetc-web'; registered: project-web");
            assertThatThrownBy(() -> b.costs().report(CostQuery.builder(JAN).filter(Dimension.SERVICE_ACCOUNT, "web-prd").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("'web-prd'").hasMessageContaining("registered: web-prod");
            CostReport report = b.costs().domainTotal(JAN);
            assertThatThrownBy(() -> report.project("projetc-web"))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("its projects: project-web");
            assertThat(report.isComplete("project-web")).isTrue();
        }
    }
}
