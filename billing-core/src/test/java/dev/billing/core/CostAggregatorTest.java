package dev.billing.core;

import static dev.billing.core.Records.of;
import static dev.billing.core.Records.usdRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CostAggregatorTest {
    private static final Currency USD = Currency.getInstance("USD");
    private static final Currency EUR = Currency.getInstance("EUR");
    private static final BillingPeriod JAN_FEB = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 2));

    private final TestProvider provider = new TestProvider()
            .serve("web-prod", List.of(
                    of("web-prod", "web", "2026-01-03", "Compute", "eu-west-1", ChargeCategory.USAGE, "10.0000000001", "USD"),
                    of("web-prod", "web", "2026-01-03", "Storage", "us-east-1", ChargeCategory.USAGE, "2.5", "USD"),
                    of("web-prod", "web", "2026-02-28", "Compute", "eu-west-1", ChargeCategory.TAX, "1.1", "USD"),
                    of("web-prod", "web", "2026-02-10", "Compute", "eu-west-1", ChargeCategory.CREDIT, "-3", "USD"),
                    of("web-prod", "web", "2025-12-31", "Compute", "eu-west-1", ChargeCategory.USAGE, "1000", "USD"),
                    of("web-prod", "web", "2026-03-01", "Compute", "eu-west-1", ChargeCategory.USAGE, "1000", "USD")))
            .serve("web-dev", List.of(
                    of("web-dev", "web", "2026-01-15", "Compute", "eu-west-1", ChargeCategory.USAGE, "0.25", "USD"),
                    of("web-dev", "web", "2026-02-01", "Compute", "eu-west-1", ChargeCategory.USAGE, "7", "EUR")))
            .serve("data-prod", List.of(
                    of("data-prod", "data", "2026-01-31", "Storage", "us-east-1", ChargeCategory.USAGE, "100.01", "USD"),
                    of("data-prod", "data", "2026-02-14", "Storage", "us-east-1", ChargeCategory.PURCHASE, "5.005", "EUR")));

    private final Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
            .maxConcurrentFetches(4).build();

    CostAggregatorTest() {
        billing.serviceAccounts().register("web-prod", TestProvider.ID, TestProvider.credentials(), "web");
        billing.serviceAccounts().register("web-dev", TestProvider.ID, TestProvider.credentials(), "web");
        billing.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");
    }

    @AfterEach
    void close() {
        billing.close();
    }

    private static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    private static Money eur(String amount) {
        return Money.of(amount, "EUR");
    }

    @Test
    void domainTotal_sumsEveryAccountPerCurrencyExactly() {
        CostReport r = billing.costs().domainTotal(JAN_FEB);

        assertThat(r.totals()).containsExactly(eur("12.005"), usd("110.8600000001"));
        assertThat(r.total(USD)).isEqualTo(usd("110.8600000001"));
        assertThat(r.total(Currency.getInstance("JPY"))).isEqualTo(Money.of("0", "JPY"));
        assertThat(r.domain().series()).extracting(SeriesPoint::period, SeriesPoint::amount).containsExactly(
                tuple("2026-01", usd("112.7600000001")),
                tuple("2026-02", eur("12.005")),
                tuple("2026-02", usd("-1.9")));
        assertThat(r.isComplete()).isTrue();
        assertThat(r.coverage()).extracting(AccountCoverage::name, AccountCoverage::code).containsExactly(
                tuple("web-prod", CoverageStatus.OK), tuple("web-dev", CoverageStatus.OK),
                tuple("data-prod", CoverageStatus.OK));
        assertThat(r.rows()).isEmpty();
        assertThat(r.period()).isEqualTo(JAN_FEB);
        assertThat(r.granularity()).isEqualTo(Granularity.MONTHLY);
    }

    @Test
    void projectTotals_holdEveryProjectsTotals() {
        CostReport r = billing.costs().projectTotals(JAN_FEB);

        assertThat(r.projects().keySet()).extracting(ProjectId::value).containsExactly("data", "web");
        assertThat(r.project("web").totals()).containsExactly(eur("7"), usd("10.8500000001"));
        assertThat(r.project("data").totals()).containsExactly(eur("5.005"), usd("100.01"));
        assertThatThrownBy(() -> r.project("absent")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("its projects: data, web");
    }

    @Test
    void projectTotal_fetchesOnlyThatProjectsAccounts() {
        CostReport r = billing.costs().projectTotal("data", JAN_FEB);

        assertThat(r.totals()).containsExactly(eur("5.005"), usd("100.01"));
        assertThat(r.coverage()).extracting(AccountCoverage::name).containsExactly("data-prod");
        assertThat(r.projects().keySet()).containsExactly(ProjectId.of("data"));
        assertThat(provider.fetches()).isEqualTo(1);
    }

    @Test
    void projectTotal_ofAProjectWithoutAccounts_isAnInvalidRequestNotAnEmptyReport() {
        assertThatThrownBy(() -> billing.costs().projectTotal("nobody", JAN_FEB))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("no service account is registered for project 'nobody'; registered: data, web");
        assertThat(provider.fetches()).isZero();
    }

    @Test
    void report_groupsByAnyDimensionsWithFiltersExactly() {
        CostQuery q = CostQuery.builder(JAN_FEB).granularity(Granularity.YEARLY)
                .filter(Dimension.REGION, "eu-west-1")
                .filter(Dimension.CHARGE_CATEGORY, "USAGE", "TAX")
                .groupBy(Dimension.PROJECT, Dimension.SERVICE_ACCOUNT, Dimension.CHARGE_CATEGORY)
                .build();

        CostReport r = billing.costs().report(q);

        assertThat(r.rows()).extracting(CostRow::period, row -> List.copyOf(row.keys().values()), CostRow::amount)
                .containsExactly(
                        tuple("2026", List.of("web", "web-dev", "USAGE"), eur("7")),
                        tuple("2026", List.of("web", "web-dev", "USAGE"), usd("0.25")),
                        tuple("2026", List.of("web", "web-prod", "TAX"), usd("1.1")),
                        tuple("2026", List.of("web", "web-prod", "USAGE"), usd("10.0000000001")));
        assertThat(r.rows().get(0).keys().keySet())
                .containsExactly(Dimension.PROJECT, Dimension.SERVICE_ACCOUNT, Dimension.CHARGE_CATEGORY);
        assertThat(r.totals()).containsExactly(eur("7"), usd("11.3500000001"));
        assertThat(r.coverage()).hasSize(3);
    }

    @Test
    void report_filterOnServiceAccountAndProvider_limitsTheAccountsFetched() {
        CostQuery q = CostQuery.builder(JAN_FEB).filter(Dimension.SERVICE_ACCOUNT, "web-dev", "data-prod")
                .filter(Dimension.PROVIDER, TestProvider.ID).groupBy(Dimension.SERVICE, Dimension.REGION).build();

        CostReport r = billing.costs().report(q);

        assertThat(r.coverage()).extracting(AccountCoverage::name).containsExactly("web-dev", "data-prod");
        assertThat(provider.fetches()).isEqualTo(2);
        assertThat(r.rows()).extracting(CostRow::period, row -> List.copyOf(row.keys().values()), CostRow::amount)
                .containsExactly(
                        tuple("2026-01", List.of("Compute", "eu-west-1"), usd("0.25")),
                        tuple("2026-01", List.of("Storage", "us-east-1"), usd("100.01")),
                        tuple("2026-02", List.of("Compute", "eu-west-1"), eur("7")),
                        tuple("2026-02", List.of("Storage", "us-east-1"), eur("5.005")));
    }

    @Test
    void report_groupByAccountAndUsageType() {
        CostQuery q = CostQuery.builder(JAN_FEB).granularity(Granularity.YEARLY).filter(Dimension.ACCOUNT, "111122223333")
                .filter(Dimension.USAGE_TYPE, "").groupBy(Dimension.ACCOUNT, Dimension.USAGE_TYPE).build();

        assertThat(billing.costs().report(q).rows()).extracting(CostRow::keys, CostRow::amount).containsExactly(
                tuple(Map.of(Dimension.ACCOUNT, "111122223333", Dimension.USAGE_TYPE, ""), eur("12.005")),
                tuple(Map.of(Dimension.ACCOUNT, "111122223333", Dimension.USAGE_TYPE, ""), usd("110.8600000001")));
    }

    @Test
    void report_dailySeries_labelsDaysAndLeavesOutRecordsOutsideThePeriod() {
        CostReport r = billing.costs().report(CostQuery.builder(JAN_FEB).granularity(Granularity.DAILY)
                .project("web").build());

        assertThat(r.domain().series()).extracting(SeriesPoint::start, SeriesPoint::period, SeriesPoint::amount)
                .containsExactly(
                        tuple(LocalDate.of(2026, 1, 3), "2026-01-03", usd("12.5000000001")),
                        tuple(LocalDate.of(2026, 1, 15), "2026-01-15", usd("0.25")),
                        tuple(LocalDate.of(2026, 2, 1), "2026-02-01", eur("7")),
                        tuple(LocalDate.of(2026, 2, 10), "2026-02-10", usd("-3")),
                        tuple(LocalDate.of(2026, 2, 28), "2026-02-28", usd("1.1")));
    }

    @Test
    void report_yearlySeriesAcrossYears_oneBucketPerYear() {
        BillingPeriod dec2025ToMar2026 = BillingPeriod.monthsThrough(YearMonth.of(2025, 12), YearMonth.of(2026, 3));
        CostReport r = billing.costs().report(CostQuery.builder(dec2025ToMar2026).granularity(Granularity.YEARLY)
                .project("web").build());

        assertThat(r.domain().series()).extracting(SeriesPoint::period, SeriesPoint::amount).containsExactly(
                tuple("2025", usd("1000")), tuple("2026", eur("7")), tuple("2026", usd("1010.8500000001")));
    }

    @Test
    void report_tagsEveryRecordWithItsServiceAccountAndProject() {
        TestProvider sloppy = new TestProvider("sloppy", Map.of())
                .serve("tagged", List.of(usdRecord("someone-else", "wrong-project", "2026-01-01", "4")));
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(sloppy).build()) {
            b.serviceAccounts().register("tagged", "sloppy", TestProvider.credentials(), "right-project");

            CostReport r = b.costs().report(CostQuery.builder(JAN_FEB)
                    .groupBy(Dimension.SERVICE_ACCOUNT, Dimension.PROJECT).build());

            assertThat(r.rows()).extracting(CostRow::keys).containsExactly(
                    Map.of(Dimension.SERVICE_ACCOUNT, "tagged", Dimension.PROJECT, "right-project"));
            assertThat(r.project("right-project").totals()).containsExactly(usd("4"));
            assertThat(r.projects()).doesNotContainKey(ProjectId.of("wrong-project"));
        }
    }

    @Test
    void report_aFailingAccount_leavesTheOthersExactAndShowsInCoverage() {
        provider.fail("web-prod", TestProvider.Failure.UNAVAILABLE, 2);

        CostReport r = billing.costs().report(CostQuery.builder(JAN_FEB).groupBy(Dimension.SERVICE_ACCOUNT).build());

        assertThat(r.isComplete()).isFalse();
        assertThat(r.totals()).containsExactly(eur("12.005"), usd("100.26"));
        assertThat(r.project("web").totals()).containsExactly(eur("7"), usd("0.25"));
        assertThat(r.project("data").totals()).containsExactly(eur("5.005"), usd("100.01"));
        assertThat(r.rows()).extracting(row -> row.keys().get(Dimension.SERVICE_ACCOUNT)).doesNotContain("web-prod");
        AccountCoverage failed = r.coverage().get(0);
        assertThat(failed.name()).isEqualTo("web-prod");
        assertThat(failed.code()).isEqualTo(CoverageStatus.FAILED);
        assertThat(failed.error()).isEqualTo("service account 'web-prod': test-cloud answered HTTP 503");
        assertThat(failed.project()).isEqualTo(ProjectId.of("web"));
        assertThat(r.coverage().subList(1, 3)).extracting(AccountCoverage::code, AccountCoverage::error)
                .containsOnly(tuple(CoverageStatus.OK, null));
        assertThat(r.toString()).contains("failed=1");
    }

    @Test
    void report_anUnexpectedProviderException_isACoverageFailureNotACallFailure() {
        provider.fail("data-prod", TestProvider.Failure.UNEXPECTED, 0);

        CostReport r = billing.costs().domainTotal(JAN_FEB);

        assertThat(r.isComplete()).isFalse();
        assertThat(r.totals()).containsExactly(eur("7"), usd("10.8500000001"));
        assertThat(r.coverage().get(2).error())
                .isEqualTo("unexpected IllegalStateException while fetching service account 'data-prod' from test-cloud:"
                        + " boom with key ***");
        assertThat(r.coverage().get(2).failure().orElseThrow().getCause()).as("the cause held the secret").isNull();
    }

    @Test
    void reportAsync_completesWithTheSameReport() throws Exception {
        CostQuery q = CostQuery.builder(JAN_FEB).groupBy(Dimension.PROJECT).build();

        CostReport async = billing.costs().reportAsync(q).get(5, TimeUnit.SECONDS);
        CostReport sync = billing.costs().report(q);

        assertThat(async.totals()).isEqualTo(sync.totals());
        assertThat(async.rows()).isEqualTo(sync.rows());
        assertThat(async.projects()).isEqualTo(sync.projects());
        assertThat(async.query()).isSameAs(q);
    }

    @Test
    void reportAsync_returnsBeforeTheFetchesEndAndCompletesWhenTheyDo() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        TestProvider gated = new TestProvider() {
            @Override
            public FetchStats fetch(FetchRequest request, CostSink sink) {
                try {
                    if (!gate.await(5, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return super.fetch(request, sink);
            }
        }.serve("a", List.of(usdRecord("a", "web", "2026-01-05", "3")));
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(gated).build()) {
            b.serviceAccounts().register("a", TestProvider.ID, TestProvider.credentials(), "web");

            CompletableFuture<CostReport> future = b.costs().reportAsync(CostQuery.of(JAN_FEB));

            assertThat(future).isNotDone();
            gate.countDown();
            assertThat(future.get(5, TimeUnit.SECONDS).totals()).containsExactly(usd("3"));
        }
    }

    @Test
    void report_fetchesConcurrentlyButNeverMoreThanTheBound() {
        TestProvider slow = new TestProvider().meetAt(3);
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(slow).maxConcurrentFetches(3).build()) {
            for (int i = 0; i < 12; i++) {
                slow.serve("a" + i, List.of(usdRecord("a" + i, "p", "2026-01-01", "1")));
                b.serviceAccounts().register("a" + i, TestProvider.ID, TestProvider.credentials(), "p");
            }

            CostReport r = b.costs().domainTotal(JAN_FEB);

            assertThat(r.totals()).containsExactly(usd("12"));
            assertThat(slow.fetches()).isEqualTo(12);
            assertThat(slow.met()).as("three fetches were in flight together").isTrue();
            assertThat(slow.maxInFlight()).isEqualTo(3);
        }
    }

    @Test
    void listener_hearsEveryStartAndCountsProgress() {
        AtomicInteger started = new AtomicInteger();
        ConcurrentLinkedQueue<List<Object>> finished = new ConcurrentLinkedQueue<>();
        provider.fail("web-dev", TestProvider.Failure.UNAVAILABLE, 0);
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(provider).maxConcurrentFetches(2)
                .listener(new FetchListener() {
                    @Override
                    public void started(ServiceAccount account) {
                        started.incrementAndGet();
                    }

                    @Override
                    public void finished(AccountCoverage coverage, int done, int total) {
                        finished.add(List.of(coverage.name(), coverage.code(), done, total));
                    }
                }).build()) {
            for (String name : List.of("web-prod", "web-dev", "data-prod")) {
                b.serviceAccounts().register(name, TestProvider.ID, TestProvider.credentials(), "p");
            }

            b.costs().domainTotal(JAN_FEB);

            assertThat(started).hasValue(3);
            assertThat(finished).extracting(f -> f.get(2)).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(finished).extracting(f -> f.get(3)).containsOnly(3);
            List<Object> names = new ArrayList<>();
            finished.forEach(f -> names.add(f.get(0) + ":" + f.get(1)));
            Collections.sort(names, (x, y) -> x.toString().compareTo(y.toString()));
            assertThat(names).containsExactly("data-prod:OK", "web-dev:FAILED", "web-prod:OK");
        }
    }

    @Test
    void coverage_recordsFetchStatsOfEachAccount() {
        CostReport r = billing.costs().domainTotal(JAN_FEB);

        assertThat(r.coverage()).extracting(c -> c.stats().records()).containsExactly(6L, 2L, 2L);
        assertThat(r.coverage()).allSatisfy(c -> assertThat(c.asOf()).isNotNull());
    }

    @Test
    void report_providerWhoseFetchAsyncThrowsOrReturnsNull_isACoverageFailureNotACallFailure() {
        TestProvider throwing = new TestProvider("throwing", Map.of()) {
            @Override
            public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
                throw new IllegalStateException("thrown before any future");
            }
        };
        TestProvider returningNull = new TestProvider("returning-null", Map.of()) {
            @Override
            public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
                return null;
            }
        };
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(provider).addProvider(throwing)
                .addProvider(returningNull).build()) {
            b.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");
            b.serviceAccounts().register("t", "throwing", TestProvider.credentials(), "data");
            b.serviceAccounts().register("n", "returning-null", TestProvider.credentials(), "data");

            CostReport r = b.costs().domainTotal(JAN_FEB);

            assertThat(r.totals()).containsExactly(eur("5.005"), usd("100.01"));
            assertThat(r.coverage()).extracting(AccountCoverage::name, AccountCoverage::code).containsExactly(
                    tuple("data-prod", CoverageStatus.OK), tuple("t", CoverageStatus.FAILED),
                    tuple("n", CoverageStatus.FAILED));
            assertThat(r.coverage().get(1).error())
                    .isEqualTo("unexpected IllegalStateException while fetching service account 't' from throwing:"
                            + " thrown before any future");
            assertThat(r.coverage().get(2).error())
                    .isEqualTo("unexpected NullPointerException while fetching service account 'n' from returning-null:"
                            + " fetchAsync returned null");
        }
    }

    @Test
    @Timeout(5)
    void report_providerWhoseFutureNeverCompletes_marksThatAccountFailedAfterTheFetchTimeout() {
        CompletableFuture<FetchStats> never = new CompletableFuture<>();
        TestProvider silent = new TestProvider("silent", Map.of()) {
            @Override
            public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
                return never;
            }
        };
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(provider).addProvider(silent)
                .fetchTimeout(Duration.ofMillis(200)).build()) {
            b.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");
            b.serviceAccounts().register("s", "silent", TestProvider.credentials(), "data");

            CostReport r = b.costs().domainTotal(JAN_FEB);

            assertThat(r.totals()).containsExactly(eur("5.005"), usd("100.01"));
            assertThat(r.isComplete()).isFalse();
            assertThat(r.coverage()).extracting(AccountCoverage::name, AccountCoverage::code).containsExactly(
                    tuple("data-prod", CoverageStatus.OK), tuple("s", CoverageStatus.FAILED));
            assertThat(r.coverage().get(1).error()).startsWith("no answer within PT0.2S")
                    .contains("service account 's'", "silent", "fetchTimeout");
            assertThat(never).as("the provider's own future is left alone").isNotDone();
        }
    }

    @Test
    void fetchTimeout_zeroOrNegative_isRejected() {
        assertThatThrownBy(() -> Billing.builder().fetchTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetchTimeout must be positive");
        assertThatThrownBy(() -> Billing.builder().fetchTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void report_whenTheHostsExecutorIsShutDown_saysSoInCoverage() {
        ExecutorService hosts = Executors.newSingleThreadExecutor();
        hosts.shutdown();
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(provider).executor(hosts).build()) {
            b.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");

            CostReport r = b.costs().domainTotal(JAN_FEB);

            assertThat(r.coverage()).singleElement().satisfies(c -> {
                assertThat(c.code()).isEqualTo(CoverageStatus.FAILED);
                assertThat(c.error()).contains("executor rejected the fetch of service account 'data-prod'",
                        "shut down");
            });
        }
    }

    @Test
    void report_aListenerThatThrows_neverFailsTheCall() {
        FetchListener broken = new FetchListener() {
            @Override
            public void started(ServiceAccount account) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void finished(AccountCoverage coverage, int done, int total) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (Billing b = Billing.builder().discoverProviders(false).addProvider(provider).listener(broken).build()) {
            b.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");

            CostReport r = b.costs().domainTotal(JAN_FEB);

            assertThat(r.coverage()).extracting(AccountCoverage::name, AccountCoverage::code)
                    .containsExactly(tuple("data-prod", CoverageStatus.OK));
            assertThat(r.totals()).containsExactly(eur("5.005"), usd("100.01"));
        }
    }
}
