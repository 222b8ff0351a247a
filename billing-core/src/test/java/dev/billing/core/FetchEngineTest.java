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
    void report_providerThatNeverCompletes_isCancelledAtTheTimeoutAndTheNextReportStartsAtOnce() throws Exception {
        NeverCompletes never = new NeverCompletes();
        AtomicInteger fineStarted = new AtomicInteger();
        TestProvider fine = new TestProvider() {
            @Override
            public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
                fineStarted.incrementAndGet();
                return super.fetchAsync(request, sink, executor);
            }
        }.serve("ok", List.of(usdRecord("ok", "web", "2026-01-02", "1.5")));
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(never).addProvider(fine)
                .maxConcurrentFetches(1).fetchTimeout(Duration.ofMillis(300)).build()) {
            b.serviceAccounts().register("stuck", "never", TestProvider.credentials(), "data");
            b.serviceAccounts().register("ok", TestProvider.ID, TestProvider.credentials(), "web");

            CostReport first = b.costs().projectTotal("data", JAN);
            assertThat(first.coverage().get(0).failure()).get().isInstanceOf(FetchCancelledException.class)
                    .extracting(Throwable::getMessage).asString().startsWith("no answer within PT0.3S");
            assertThat(never.cancelled).as("the provider learnt it was cancelled").hasValue(1);

            CompletableFuture<CostReport> next = b.costs().reportAsync(CostQuery.builder(JAN)
                    .filter(Dimension.PROJECT, "web").build());
            // with one slot, the next fetch starts inside reportAsync only if the cancelled fetch gave its slot
            // back when it stopped (not after the engine's grace period for providers that do not stop)
            assertThat(fineStarted).as("the next fetch started at once").hasValue(1);
            CostReport second = next.get(5, TimeUnit.SECONDS);
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
        TestProvider slow = new TestProvider().meetAt(2);
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
            assertThat(slow.met()).as("two fetches were in flight together").isTrue();
            assertThat(slow.maxInFlight()).isEqualTo(2);
        }
    }

    @Test
    void fetches_reachTheBoundWhenThereIsWorkForIt() {
        TestProvider gated = new TestProvider().meetAt(3);
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(gated).maxConcurrentFetches(3).build()) {
            for (int i = 0; i < 6; i++) {
                b.serviceAccounts().register("a" + i, TestProvider.ID, TestProvider.credentials(), "p");
            }
            assertThat(b.costs().domainTotal(JAN).isComplete()).isTrue();
            assertThat(gated.met()).as("three fetches were in flight together").isTrue();
            assertThat(gated.maxInFlight()).isEqualTo(3);
        }
    }

    @Test
    void sync_ofTwentyAccounts_runsThemConcurrentlyWithinTheBound() {
        TestProvider gated = new TestProvider().meetAt(8);
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(gated).maxConcurrentFetches(8).build()) {
            for (int i = 0; i < 20; i++) {
                b.serviceAccounts().register("a" + i, TestProvider.ID, TestProvider.credentials(), "p");
            }
            CostSync sync = CostSync.builder(b).monthsBack(0).build();

            SyncSummary summary = sync.sync();

            assertThat(summary.isComplete()).isTrue();
            assertThat(summary.accounts()).hasSize(20);
            assertThat(gated.met()).as("eight syncs were in flight together, not one after another").isTrue();
            assertThat(gated.maxInFlight()).isEqualTo(8);
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
