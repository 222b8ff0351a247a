package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link BillingProvider} must show, checked against a
 * {@link HyperBillingSimulator} holding known data: exact totals over long periods and both
 * granularities, paging without loss or deduplication, empty periods, rows outside the period
 * dropped, transient faults absorbed, coverage when one account fails, and no secret in any
 * message. A provider module extends this class and implements {@link #createProvider}.
 *
 * <pre>{@code
 * class MyProviderContractTest extends ProviderContractTest {
 *     protected BillingProvider createProvider(HyperBillingSimulator simulator) {
 *         return new MyProviderFactory().create(Map.of("endpoint", simulator.endpoint()));
 *     }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ProviderContractTest {
    /** The first day with data. */
    protected static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

    private HyperBillingSimulator simulator;
    private BillingProvider provider;
    private SimulatorData data;

    /**
     * @param simulator the running simulator, holding {@link #data()}
     * @return the provider under test, reading from the simulator
     */
    protected abstract BillingProvider createProvider(HyperBillingSimulator simulator);

    /**
     * @return the data the simulator serves: three accounts in USD, KRW and EUR, 74 days from
     *     {@link #FIRST_DAY}, with one row repeated (two identical charges)
     */
    protected SimulatorData data() {
        SimulatorData generated = SimulatorData.generator().seed(20260101).accounts(3).currencies("USD", "KRW", "EUR")
                .days(FIRST_DAY, 74).rowsPerDay(3).build();
        SimulatorData.Row first = generated.rows().get(0);
        return generated.withRows(List.of(first));
    }

    /** @return the simulator's rows per page; small, so that every fetch pages (default 40) */
    protected int pageSize() {
        return 40;
    }

    /**
     * @param user the API user
     * @param account the AWS account id
     * @return credentials in the provider's schema (default: {@code account}, {@code email}, {@code key})
     */
    protected Credentials credentials(SimulatorData.ApiUser user, String account) {
        return Credentials.of(Map.of("account", account, "email", user.email(), "key", user.key()));
    }

    /** Starts the simulator with {@link #data()} and creates the provider. */
    @BeforeEach
    public void startSimulator() {
        data = data();
        simulator = HyperBillingSimulator.builder().data(data).pageSize(pageSize()).start();
        provider = createProvider(simulator);
    }

    /** Stops the simulator. */
    @AfterEach
    public void stopSimulator() {
        simulator.close();
    }

    /** @return the running simulator */
    protected HyperBillingSimulator simulator() {
        return simulator;
    }

    private ServiceAccount account(int index, String project) {
        String aws = data.accounts().get(index);
        return new ServiceAccount(ServiceAccountId.of("sa-" + aws), provider.id(), ProjectId.of(project),
                credentials(data.userFor(aws).orElseThrow(), aws), Map.of());
    }

    private List<CostRecord> fetch(ServiceAccount account, BillingPeriod period, Granularity granularity) {
        List<CostRecord> records = new ArrayList<>();
        provider.fetch(FetchRequest.of(account, period, granularity), records::add);
        return records;
    }

    private static BigDecimal sum(List<CostRecord> records) {
        return records.stream().map(r -> r.cost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static Map<YearMonth, BigDecimal> byMonth(List<CostRecord> records) {
        Map<YearMonth, BigDecimal> m = new TreeMap<>();
        records.forEach(r -> m.merge(YearMonth.from(r.chargeDate()), r.cost().amount(), BigDecimal::add));
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    private Map<YearMonth, BigDecimal> expectedByMonth(String aws, BillingPeriod period) {
        Map<YearMonth, BigDecimal> m = new TreeMap<>();
        data.rows(aws, period).forEach(r -> m.merge(YearMonth.from(r.date()), r.cost(), BigDecimal::add));
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    /** Exact totals over a period longer than one DAILY window, every record tagged and in the account's currency. */
    @Test
    public void fetchDaily_overSeveralWindows_sumsExactlyToTheData() {
        BillingPeriod period = BillingPeriod.of(FIRST_DAY.plusDays(3), FIRST_DAY.plusDays(70));
        for (int i = 0; i < data.accounts().size(); i++) {
            ServiceAccount account = account(i, "project-" + i);
            String aws = data.accounts().get(i);
            List<CostRecord> records = fetch(account, period, Granularity.DAILY);
            assertThat(sum(records)).as("exact total of %s", aws).isEqualByComparingTo(data.total(aws, period).amount());
            assertThat(byMonth(records)).isEqualTo(expectedByMonth(aws, period));
            assertThat(records).as("one record per row, none lost or merged").hasSize(data.rows(aws, period).size());
            assertThat(records).allSatisfy(r -> {
                assertThat(period.contains(r.chargeDate())).isTrue();
                assertThat(r.cost().currency()).isEqualTo(data.currency(aws));
                assertThat(r.serviceAccount()).isEqualTo(account.id());
                assertThat(r.project()).isEqualTo(account.project());
                assertThat(r.billingAccountId()).isEqualTo(aws);
            });
        }
    }

    /** Exact monthly totals, also over more than twelve months. */
    @Test
    public void fetchMonthly_overMoreThanTwelveMonths_sumsExactlyPerMonth() {
        BillingPeriod period = BillingPeriod.months(YearMonth.of(2025, 6), YearMonth.of(2026, 8));
        ServiceAccount account = account(1, "project-krw");
        String aws = data.accounts().get(1);
        List<CostRecord> records = fetch(account, period, Granularity.MONTHLY);
        assertThat(byMonth(records)).isEqualTo(expectedByMonth(aws, period));
        assertThat(sum(records)).isEqualByComparingTo(data.total(aws, period).amount());
    }

    /** Two identical rows are two charges. */
    @Test
    public void fetchDaily_identicalRows_areBothCounted() {
        SimulatorData.Row first = data.rows().get(0);
        BillingPeriod day = BillingPeriod.day(first.date());
        List<CostRecord> records = fetch(account(data.accounts().indexOf(first.account()), "p"), day, Granularity.DAILY);
        assertThat(records.stream().filter(r -> r.cost().amount().compareTo(first.cost()) == 0
                && r.service().equals(first.service())).count()).isGreaterThanOrEqualTo(2);
        assertThat(sum(records)).isEqualByComparingTo(data.total(first.account(), day).amount());
    }

    /** A period without data is empty, not an error. */
    @Test
    public void fetch_periodWithoutData_isEmpty() {
        BillingPeriod empty = BillingPeriod.months(YearMonth.of(2024, 1), YearMonth.of(2024, 3));
        for (Granularity g : List.of(Granularity.DAILY, Granularity.MONTHLY)) {
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = provider.fetch(FetchRequest.of(account(0, "p"), empty, g), records::add);
            assertThat(records).isEmpty();
            assertThat(stats.records()).isZero();
        }
    }

    /** Rows the service returns outside the requested period never reach the totals. */
    @Test
    public void fetch_rowsOutsideThePeriod_areDropped() {
        String aws = data.accounts().get(0);
        simulator.fault(aws, Fault.rowsOutsidePeriod());
        BillingPeriod period = BillingPeriod.of(FIRST_DAY.plusDays(10), FIRST_DAY.plusDays(20));
        List<CostRecord> daily = fetch(account(0, "p"), period, Granularity.DAILY);
        assertThat(sum(daily)).isEqualByComparingTo(data.total(aws, period).amount());
        BillingPeriod feb = BillingPeriod.month(YearMonth.of(2026, 2));
        assertThat(sum(fetch(account(0, "p"), feb, Granularity.MONTHLY)))
                .isEqualByComparingTo(data.total(aws, feb).amount());
    }

    /** Throttling and transient server errors are retried; the totals stay exact. */
    @Test
    public void fetch_whenThrottledThenServerError_retriesAndReturnsExactTotal() {
        String aws = data.accounts().get(2);
        simulator.fault(aws, Fault.throttle(1, Duration.ZERO));
        simulator.fault(aws, Fault.serverError(1, 503));
        BillingPeriod jan = BillingPeriod.month(YearMonth.of(2026, 1));
        assertThat(sum(fetch(account(2, "p"), jan, Granularity.DAILY)))
                .isEqualByComparingTo(data.total(aws, jan).amount());
    }

    /** Concurrent fetches of different accounts do not mix. */
    @Test
    public void fetchAsync_manyAccountsAtOnce_eachExact() {
        BillingPeriod period = BillingPeriod.of(FIRST_DAY, FIRST_DAY.plusDays(74));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<CompletableFuture<BigDecimal>> sums = new ArrayList<>();
            for (int i = 0; i < data.accounts().size(); i++) {
                ServiceAccount account = account(i, "p");
                List<CostRecord> records = new ArrayList<>();
                sums.add(provider.fetchAsync(FetchRequest.of(account, period, Granularity.DAILY),
                        r -> {
                            synchronized (records) {
                                records.add(r);
                            }
                        }, pool).thenApply(stats -> sum(records)));
            }
            for (int i = 0; i < sums.size(); i++) {
                assertThat(sums.get(i).join()).isEqualByComparingTo(data.total(data.accounts().get(i), period).amount());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Good credentials verify; a rejected key fails with a message naming the account, never the key. */
    @Test
    public void verify_acceptsGoodCredentials_rejectsRevokedKeyWithoutLeakingIt() {
        provider.verify(account(0, "p"));
        String aws = data.accounts().get(1);
        simulator.fault(aws, Fault.rejectedKey());
        ServiceAccount revoked = account(1, "p");
        assertThatThrownBy(() -> provider.verify(revoked))
                .isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining(revoked.name())
                .satisfies(e -> assertNoSecret(e, revoked));
    }

    /** A wrong key is rejected by fetch too, with a typed error and no secret. */
    @Test
    public void fetch_wrongKey_failsWithCredentialsRejectedWithoutLeakingIt() {
        String aws = data.accounts().get(0);
        SimulatorData.ApiUser user = data.userFor(aws).orElseThrow();
        SimulatorData.ApiUser wrong = new SimulatorData.ApiUser(user.email(), "wrong-" + user.key(), user.accounts());
        ServiceAccount account = new ServiceAccount(ServiceAccountId.of("sa-wrong"), provider.id(), ProjectId.of("p"),
                credentials(wrong, aws), Map.of());
        assertThatThrownBy(() -> fetch(account, BillingPeriod.month(YearMonth.of(2026, 1)), Granularity.DAILY))
                .isInstanceOf(CredentialsRejectedException.class)
                .satisfies(e -> assertNoSecret(e, account));
    }

    /** One account's failure leaves the others exact and shows in coverage; the report says it is incomplete. */
    @Test
    public void report_oneAccountRejected_isIncompleteAndOthersExact() {
        String ok = data.accounts().get(0);
        String bad = data.accounts().get(1);
        simulator.fault(bad, Fault.rejectedKey());
        BillingPeriod period = BillingPeriod.months(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build()) {
            ServiceAccount good = account(0, "project-a");
            ServiceAccount revoked = account(1, "project-b");
            for (ServiceAccount a : List.of(good, revoked)) {
                billing.serviceAccounts().register(a.name(), provider.id().value(), a.credentials(), a.project().value());
            }
            CostReport report = billing.costs().domainTotal(period);
            assertThat(report.isComplete()).isFalse();
            assertThat(report.totals()).containsExactly(data.total(ok, period));
            assertThat(report.project("project-a").totals()).containsExactly(data.total(ok, period));
            assertThat(report.project("project-b").totals()).isEmpty();
            AccountCoverage failed = report.coverage().get(1);
            assertThat(failed.status()).isEqualTo(CoverageStatus.FAILED);
            assertThat(failed.error()).contains(revoked.name()).doesNotContain(key(revoked));
            assertThat(report.coverage().get(0).status()).isEqualTo(CoverageStatus.OK);
            assertThat(report.toString()).doesNotContain(key(revoked));
        }
    }

    /** The provider's own descriptions never carry a secret. */
    @Test
    public void provider_describesItselfWithoutSecrets() {
        ServiceAccount account = account(0, "p");
        assertThat(provider.id()).isNotNull().isInstanceOf(ProviderId.class);
        assertThat(provider.displayName()).isNotBlank();
        assertThat(provider.credentialSchema().fields()).isNotEmpty();
        assertThat(provider.toString()).doesNotContain(key(account));
        assertThat(account.toString()).doesNotContain(key(account));
        assertThat(provider.credentialSchema().fields().stream().anyMatch(f -> f.secret())).isTrue();
    }

    private static String key(ServiceAccount account) {
        return account.credentials().get("key").orElseThrow();
    }

    private static void assertNoSecret(Throwable e, ServiceAccount account) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(key(account));
            assertThat(t.toString()).doesNotContain(key(account));
        }
        if (e instanceof BillingException be) {
            assertThat(be.serviceAccount()).hasValue(account.name());
        }
    }
}
