package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.CredentialField;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The behaviour every {@link BillingProvider} must show, whatever its vendor: exact totals over
 * periods that span several windows and months, paging, empty periods, identical rows kept, throttling
 * and transient errors absorbed, cancellation honoured, coverage when one account fails, and no secret
 * in any message. A provider module extends this class once and starts its own simulator:
 *
 * <pre>{@code
 * class MyProviderContractTest extends ProviderContract {
 *     protected ContractTarget start(ContractData data) {
 *         MySimulator simulator = MySimulator.serving(data);   // the vendor's protocol on loopback
 *         return new ContractTarget() { ... };                 // provider, credentials, faults
 *     }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ProviderContract {
    private ContractData data;
    private ContractTarget target;
    private BillingProvider provider;

    /** For subclasses: one per provider module. */
    protected ProviderContract() {
    }

    /**
     * Starts the provider's simulator serving exactly {@code data}'s rows, in pages of at most
     * {@link ContractData#pageSize()} rows where the vendor pages by rows.
     *
     * @param data the rows to serve
     * @return the provider and how to reach and disturb the simulator
     */
    protected abstract ContractTarget start(ContractData data);

    /** @return the data the simulator serves (default: {@link ContractData#generate(long)} with a fixed seed) */
    protected ContractData data() {
        return ContractData.generate(20260101);
    }

    /** Starts the target. */
    @BeforeEach
    public void startTarget() {
        data = data();
        target = start(data);
        provider = target.provider();
    }

    /** Stops the target. */
    @AfterEach
    public void stopTarget() {
        target.close();
    }

    private ServiceAccount account(String account, String project, Credentials credentials) {
        return new ServiceAccount(ServiceAccountId.of("sa-" + account), provider.id(), ProjectId.of(project),
                credentials, Map.of());
    }

    private ServiceAccount account(int index) {
        String a = data.accounts().get(index);
        return account(a, "project-" + index, target.credentials(a));
    }

    private List<CostRecord> fetch(ServiceAccount account, BillingPeriod period, Granularity granularity) {
        List<CostRecord> records = new ArrayList<>();
        provider.fetch(FetchRequest.of(account, period, granularity), records::add);
        return records;
    }

    private static BigDecimal sum(List<CostRecord> records) {
        return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static Map<String, BigDecimal> byDayAndService(List<CostRecord> records) {
        Map<String, BigDecimal> m = new TreeMap<>();
        records.forEach(r -> m.merge(r.chargeDate() + " " + r.service(), r.billedCost().amount(), BigDecimal::add));
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    private static Map<YearMonth, BigDecimal> byMonth(List<CostRecord> records) {
        Map<YearMonth, BigDecimal> m = new TreeMap<>();
        records.forEach(r -> m.merge(YearMonth.from(r.chargeDate()), r.billedCost().amount(), BigDecimal::add));
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    private Map<String, BigDecimal> expectedByDayAndService(String account, BillingPeriod period) {
        Map<String, BigDecimal> m = new TreeMap<>();
        data.rows(account, period).forEach(r -> m.merge(r.date() + " " + expectedService(r.service()), r.amount(),
                BigDecimal::add));
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    /**
     * @param service a service of the contract data, as the simulator serves it
     * @return the service the provider under test reports for it: the same by default; a provider that names
     *     services otherwise (hyperbilling-aws: as AWS Cost Explorer names them) overrides this
     */
    protected String expectedService(String service) {
        return service;
    }

    private Map<YearMonth, BigDecimal> expectedByMonth(String account, BillingPeriod period) {
        Map<YearMonth, BigDecimal> m = new TreeMap<>();
        data.rows(account, period).forEach(r -> m.merge(YearMonth.from(r.date()), r.amount(), BigDecimal::add));
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    private boolean serves(Capability c) {
        return provider.capabilities().contains(c);
    }

    /**
     * Exact totals per day and service over a period of ten weeks across three months (longer than any
     * vendor's daily window), paged, each record tagged, dated in the period and in the account's currency.
     */
    @Test
    public void fetchDaily_overSeveralWindowsAndMonths_sumsExactlyPerDayAndService() {
        LocalDate first = ContractData.FIRST_DAY;
        BillingPeriod period = BillingPeriod.of(first.plusDays(3), first.plusDays(70));
        for (int i = 0; i < data.accounts().size(); i++) {
            ServiceAccount account = account(i);
            String a = data.accounts().get(i);
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = provider.fetch(FetchRequest.of(account, period, Granularity.DAILY), records::add);
            assertThat(sum(records)).as("exact total of %s", a).isEqualByComparingTo(data.total(a, period));
            assertThat(byDayAndService(records)).as("per day and service").isEqualTo(expectedByDayAndService(a, period));
            assertThat(stats.records()).as("stats count the records passed on").isEqualTo(records.size());
            assertThat(stats.pages()).as("a fetch of %s rows in pages of %s pages", data.rows(a, period).size(),
                    data.pageSize()).isGreaterThan(1);
            assertThat(records).allSatisfy(r -> {
                assertThat(period.contains(r.chargeDate())).isTrue();
                assertThat(r.billedCost().currency()).isEqualTo(data.currency(a));
                assertThat(r.serviceAccount()).isEqualTo(account.id());
                assertThat(r.project()).isEqualTo(account.project());
                assertThat(r.provider()).isEqualTo(provider.id());
            });
        }
    }

    /** Exact monthly totals over more than twelve months, for a provider that serves MONTHLY. */
    @Test
    public void fetchMonthly_overMoreThanTwelveMonths_sumsExactlyPerMonth() {
        BillingPeriod period = BillingPeriod.of(LocalDate.of(2025, 6, 1), LocalDate.of(2026, 9, 1));
        String a = data.accounts().get(1);
        List<CostRecord> records = fetch(account(1), period, serves(Capability.MONTHLY) ? Granularity.MONTHLY
                : Granularity.DAILY);
        assertThat(byMonth(records)).isEqualTo(expectedByMonth(a, period));
        assertThat(sum(records)).isEqualByComparingTo(data.total(a, period));
    }

    /** Two identical rows are two charges: the day's total holds both. */
    @Test
    public void fetchDaily_identicalRows_areBothCounted() {
        ContractData.Row first = data.rows().get(0);
        BillingPeriod day = BillingPeriod.of(first.date(), first.date().plusDays(1));
        int index = data.accounts().indexOf(first.account());
        assertThat(sum(fetch(account(index), day, Granularity.DAILY))).isEqualByComparingTo(
                data.total(first.account(), day));
    }

    /** A period without data is empty, not an error, at every granularity the provider serves. */
    @Test
    public void fetch_periodWithoutData_isEmpty() {
        BillingPeriod empty = BillingPeriod.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 4, 1));
        for (Granularity g : List.of(Granularity.DAILY, Granularity.MONTHLY)) {
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = provider.fetch(FetchRequest.of(account(0), empty, g), records::add);
            assertThat(sum(records)).as("%s", g).isZero();
            assertThat(stats.records()).isEqualTo(records.size());
        }
    }

    /** Throttling and transient server errors are retried; the totals stay exact. */
    @Test
    public void fetch_whenThrottledThenServerError_retriesAndReturnsExactTotal() {
        String a = data.accounts().get(2);
        target.fault(a, Fault.throttle(1));
        target.fault(a, Fault.serverError(1, 503));
        BillingPeriod jan = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
        assertThat(sum(fetch(account(2), jan, Granularity.DAILY))).isEqualByComparingTo(data.total(a, jan));
    }

    /** Concurrent fetches of different accounts do not mix. */
    @Test
    public void fetchAsync_everyAccountAtOnce_eachExact() {
        BillingPeriod period = BillingPeriod.of(ContractData.FIRST_DAY, ContractData.FIRST_DAY.plusDays(ContractData.DAYS));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<CompletableFuture<BigDecimal>> sums = new ArrayList<>();
            for (int i = 0; i < data.accounts().size(); i++) {
                List<CostRecord> records = new ArrayList<>();
                sums.add(provider.fetchAsync(FetchRequest.of(account(i), period, Granularity.DAILY), r -> {
                    synchronized (records) {
                        records.add(r);
                    }
                }, pool).thenApply(stats -> {
                    synchronized (records) {
                        return sum(records);
                    }
                }));
            }
            for (int i = 0; i < sums.size(); i++) {
                assertThat(sums.get(i).join()).isEqualByComparingTo(data.total(data.accounts().get(i), period));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A cancelled fetch stops within seconds with {@link FetchCancelledException}, even mid-request. */
    @Test
    public void fetch_cancelledWhileTheServiceHangs_stopsPromptly() {
        String a = data.accounts().get(0);
        target.fault(a, Fault.hang());
        TestCancellation cancellation = new TestCancellation();
        FetchRequest request = FetchRequest.of(account(0), BillingPeriod.of(LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 2, 1)), Granularity.DAILY).withCancellation(cancellation);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            int before = target.costRequests(a);
            CompletableFuture<FetchStats> fetch = provider.fetchAsync(request, r -> { }, pool);
            while (target.costRequests(a) == before) {
                Thread.onSpinWait(); // until the simulator holds the request
            }
            assertThat(fetch).as("the hung request is still waiting").isNotDone();
            cancellation.cancel("test cancelled the fetch of sa-" + a);
            assertThatThrownBy(() -> fetch.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(FetchCancelledException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Through {@link Billing}: a hung account times out, is FAILED with a {@link FetchCancelledException},
     * and gives its slot back, so the next report's fetch starts at once.
     */
    @Test
    public void report_hungAccountTimesOut_andTheNextReportStartsAtOnce() {
        String hung = data.accounts().get(0);
        target.fault(hung, Fault.hang());
        BillingPeriod jan = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                .maxConcurrentFetches(1).fetchTimeout(Duration.ofMillis(700)).build()) {
            ServiceAccount slow = account(0);
            ServiceAccount fine = account(1);
            for (ServiceAccount a : List.of(slow, fine)) {
                billing.serviceAccounts().register(a.name(), provider.id().value(), a.credentials(), a.project().value());
            }
            CostReport first = billing.costs().projectTotal(slow.project().value(), jan);
            assertThat(first.coverage()).singleElement().satisfies(c ->
                    assertThat(c.failure()).get().isInstanceOf(FetchCancelledException.class));
            CostReport second = billing.costs().projectTotal(fine.project().value(), jan);
            assertThat(second.isComplete()).as("the one slot was given back").isTrue();
            assertThat(second.totals()).containsExactly(new Money(data.total(data.accounts().get(1), jan),
                    data.currency(data.accounts().get(1))));
        }
    }

    /** Good credentials verify; rejected ones fail with a typed error naming the account, never the secret. */
    @Test
    public void verify_acceptsGoodCredentials_rejectsWrongSecretWithoutLeakingIt() {
        if (serves(Capability.VERIFY)) {
            provider.verify(account(0));
        }
        String a = data.accounts().get(1);
        ServiceAccount rejected = account(a, "p", target.rejectedCredentials(a));
        assertThatThrownBy(() -> provider.verify(rejected))
                .isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining(rejected.name())
                .satisfies(e -> assertNoSecret(e, rejected));
    }

    /** A wrong secret is rejected by fetch too, with a typed error, not retryable, and no secret. */
    @Test
    public void fetch_wrongSecret_failsWithCredentialsRejectedWithoutLeakingIt() {
        String a = data.accounts().get(0);
        ServiceAccount rejected = account(a, "p", target.rejectedCredentials(a));
        BillingPeriod jan = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
        assertThatThrownBy(() -> fetch(rejected, jan, Granularity.DAILY))
                .isInstanceOf(CredentialsRejectedException.class)
                .satisfies(e -> assertThat(((BillingException) e).retryable()).isFalse())
                .satisfies(e -> assertNoSecret(e, rejected));
    }

    /** One account's failure leaves the others exact and shows in coverage, typed; the report is incomplete. */
    @Test
    public void report_oneAccountRejected_isIncompleteAndOthersExact() {
        String ok = data.accounts().get(0);
        String bad = data.accounts().get(1);
        BillingPeriod period = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1));
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build()) {
            ServiceAccount good = account(ok, "project-a", target.credentials(ok));
            ServiceAccount rejected = account(bad, "project-b", target.rejectedCredentials(bad));
            for (ServiceAccount a : List.of(good, rejected)) {
                billing.serviceAccounts().register(a.name(), provider.id().value(), a.credentials(), a.project().value());
            }
            CostReport report = billing.costs().domainTotal(period);
            assertThat(report.isComplete()).isFalse();
            Money expected = new Money(data.total(ok, period), data.currency(ok));
            assertThat(report.totals()).containsExactly(expected);
            assertThat(report.project("project-a").totals()).containsExactly(expected);
            assertThat(report.project("project-b").totals()).isEmpty();
            AccountCoverage failed = report.coverage().get(1);
            assertThat(failed.code()).isEqualTo(CoverageStatus.FAILED);
            assertThat(failed.status()).isInstanceOfSatisfying(AccountStatus.Failed.class, f ->
                    assertThat(f.error()).isInstanceOf(CredentialsRejectedException.class));
            assertThat(failed.error()).contains(rejected.name());
            assertNoSecret(failed.failure().orElseThrow(), rejected);
            assertThat(report.coverage().get(0).code()).isEqualTo(CoverageStatus.OK);
            for (String secret : secrets(rejected)) {
                assertThat(report.toString()).doesNotContain(secret);
            }
        }
    }

    /** The provider describes itself, and has a secret credential field that nothing prints. */
    @Test
    public void provider_describesItselfWithoutSecrets() {
        ServiceAccount account = account(0);
        assertThat(provider.displayName()).isNotBlank();
        assertThat(provider.credentialSchema().fields()).isNotEmpty();
        assertThat(secrets(account)).as("credentials hold a secret field").isNotEmpty();
        for (String secret : secrets(account)) {
            assertThat(provider.toString()).doesNotContain(secret);
            assertThat(account.toString()).doesNotContain(secret);
            assertThat(account.credentials().toString()).doesNotContain(secret);
        }
    }

    private List<String> secrets(ServiceAccount account) {
        List<String> secrets = new ArrayList<>();
        for (CredentialField f : provider.credentialSchema().fields()) {
            if (f.secret()) {
                account.credentials().get(f.name()).ifPresent(secrets::add);
            }
        }
        return secrets;
    }

    private void assertNoSecret(Throwable e, ServiceAccount account) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String secret : secrets(account)) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                assertThat(t.toString()).doesNotContain(secret);
            }
        }
        if (e instanceof BillingException be) {
            assertThat(be.serviceAccount()).hasValue(account.name());
        }
    }

    /** A cancellation the test fires itself. */
    private static final class TestCancellation implements Cancellation {
        private final Map<Runnable, Boolean> actions = new LinkedHashMap<>();
        private volatile String reason;

        void cancel(String why) {
            List<Runnable> run;
            synchronized (this) {
                reason = why;
                run = new ArrayList<>(actions.keySet());
                actions.clear();
            }
            run.forEach(Runnable::run);
        }

        @Override
        public boolean isCancelled() {
            return reason != null;
        }

        @Override
        public String reason() {
            return reason == null ? "" : reason;
        }

        @Override
        public void onCancel(Runnable action) {
            synchronized (this) {
                if (reason == null) {
                    actions.put(action, Boolean.TRUE);
                    return;
                }
            }
            action.run();
        }
    }
}
