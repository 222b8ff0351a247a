package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.CostStores;
import dev.billing.core.AccountStatus;
import dev.billing.core.Allocation;
import dev.billing.core.AccountSyncResult;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Budget;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.MonthState;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.RestatementEvent;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.SyncSummary;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.AlertLog;
import dev.billing.core.spi.BudgetAlertLog;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredCoverage;
import dev.billing.core.spi.WindowCoverage;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowReplacement;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link CostStore} must show: windows replaced whole (a failed or concurrent replacement
 * changes nothing), reports equal to live reports and to a {@code BigDecimal} reference to the last digit, every
 * dimension, tag and metric summed exactly as the in-memory store sums them, coverage, leases, sync times, and
 * alerts that are first once across stores and restarts. The in-memory store, the embedded H2 file and PostgreSQL
 * run it; a store of your own extends this class once:
 *
 * <pre>{@code
 * class MyCostStoreContractTest extends CostStoreContract {
 *     protected CostStore newStore() {
 *         return MyCostStore.open(database);   // the same database for every call within one test
 *     }
 * }
 * }</pre>
 */
@Timeout(60)
public abstract class CostStoreContract {
    /** January 2026. */
    public static final YearMonth JAN = YearMonth.of(2026, 1);
    /** February 2026. */
    public static final YearMonth FEB = YearMonth.of(2026, 2);
    /** March 2026, the fixture's current month. */
    public static final YearMonth MAR = YearMonth.of(2026, 3);
    /** The fixture's accounts, in registration order. */
    public static final List<String> ALL = List.of("web-aws", "web-eu", "ops-aws");

    /** The test's domain, provider and clock. */
    protected StoreFixture fx;
    private final List<CostStore> opened = new ArrayList<>();

    /** For subclasses: one per store. */
    protected CostStoreContract() {
    }

    /**
     * @return a new store on this test's database: every call within one test opens the same database (a store that
     *     keeps nothing outside the process returns the same instance); a new test starts empty
     */
    protected abstract CostStore newStore();

    /** @return a store from {@link #newStore()}, closed after the test */
    protected CostStore openStore() {
        CostStore s = newStore();
        opened.add(s);
        return s;
    }

    @BeforeEach
    public void fixture() {
        fx = new StoreFixture(42, 200);
    }

    @AfterEach
    public void closeAll() {
        opened.forEach(CostStore::close);
        fx.close();
    }

    /**
     * @param store a store
     * @return a sync of the fixture's accounts into it (two months back, the fixture's clock)
     */
    protected CostSync sync(CostStore store) {
        return CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(2).build();
    }

    /** @return reports every store answers as live */
    public static Stream<CostQuery> queries() {
        BillingPeriod q1 = BillingPeriod.monthsThrough(JAN, MAR);
        return Stream.of(
                CostQuery.of(q1),
                CostQuery.builder(q1).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE).build(),
                CostQuery.builder(q1).granularity(Granularity.YEARLY)
                        .groupBy(Dimension.PROJECT, Dimension.CHARGE_CATEGORY).build(),
                CostQuery.builder(q1).filter(Dimension.REGION, "eu-west-1", "global")
                        .groupBy(Dimension.SERVICE_ACCOUNT, Dimension.REGION).build(),
                CostQuery.builder(BillingPeriod.of(LocalDate.of(2026, 1, 15), LocalDate.of(2026, 2, 10)))
                        .granularity(Granularity.DAILY)
                        .groupBy(Dimension.ACCOUNT, Dimension.USAGE_TYPE, Dimension.PROVIDER).build(),
                CostQuery.builder(BillingPeriod.month(FEB)).project("project-web")
                        .filter(Dimension.CHARGE_CATEGORY, "CREDIT", "TAX").groupBy(Dimension.SERVICE).build());
    }

    @ParameterizedTest
    @MethodSource("queries")
    public void report_afterSync_equalsLiveReportToTheLastDigit(CostQuery query) {
        CostSync sync = sync(openStore());
        assertThat(sync.sync().isComplete()).isTrue();

        CostReport stored = sync.report(query);
        CostReport live = fx.billing().costs().report(query);

        assertThat(live.totals()).isNotEmpty();
        assertThat(stored.domain()).isEqualTo(live.domain());
        assertThat(stored.projects()).isEqualTo(live.projects());
        assertThat(stored.rows()).isEqualTo(live.rows());
        assertThat(stored.coverage()).extracting(c -> c.code()).containsOnly(CoverageStatus.OK);
    }

    static final Allocation ALLOCATION = Allocation.builder()
            .rule("eu to data", Map.of("serviceAccount", List.of("web-eu")), "project-data")
            .rule("tax to ops", Map.of("service", List.of("Tax"), "region", List.of("global", "eu-west-1")),
                    "project-ops")
            .split("lambda shared", Map.of("service", List.of("AWSLambda")), List.of("project-web", "project-data"),
                    Allocation.Method.EVEN)
            .split("ops shared", Map.of("project", List.of("project-ops")), List.of("project-web", "project-data"),
                    Allocation.Method.PROPORTIONAL)
            .build();

    static Stream<CostQuery> allocatedQueries() {
        BillingPeriod q1 = BillingPeriod.monthsThrough(JAN, MAR);
        return Stream.of(
                CostQuery.of(q1),
                CostQuery.builder(q1).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE).build(),
                CostQuery.builder(q1).groupBy(Dimension.PROJECT, Dimension.REGION).build(),
                CostQuery.builder(BillingPeriod.month(FEB)).project("project-data")
                        .filter(Dimension.CHARGE_CATEGORY, "USAGE", "TAX").groupBy(Dimension.SERVICE).build());
    }

    @ParameterizedTest
    @MethodSource("allocatedQueries")
    void report_withAllocation_equalsTheLiveAllocatedReport_andNewRulesReallocateWithoutResync(CostQuery query) {
        fx.close();
        fx = new StoreFixture(42, 200, ALLOCATION);
        CostStore store = openStore();
        CostSync sync = sync(store);
        assertThat(sync.sync().isComplete()).isTrue();

        CostReport stored = sync.report(query);
        CostReport live = fx.billing().costs().report(query);

        assertThat(live.allocation().orElseThrow().moved()).isNotEmpty();
        assertThat(stored.domain()).isEqualTo(live.domain());
        assertThat(stored.projects()).isEqualTo(live.projects());
        assertThat(stored.rows()).isEqualTo(live.rows());
        assertThat(stored.allocation()).isEqualTo(live.allocation());
        CostQuery raw = CostQuery.builder(query.period()).granularity(query.granularity()).rawCosts(true).build();
        CostReport rawStored = sync.report(raw);
        assertThat(rawStored.allocation()).isEmpty();
        assertThat(rawStored.projects()).isEqualTo(fx.billing().costs().report(raw).projects());
        if (query.filters().isEmpty()) {
            assertThat(stored.domain()).as("allocation never changes the domain").isEqualTo(rawStored.domain());
        }

        Allocation changed = Allocation.builder()
                .rule("all to data", Map.of(), "project-data").build();
        try (StoreFixture other = new StoreFixture(42, 200, changed)) {
            CostSync reread = CostSync.builder(other.billing()).store(store).clock(fx.clock()).monthsBack(2).build();
            CostReport again = reread.report(query);
            CostReport liveAgain = other.billing().costs().report(query);
            assertThat(again.projects()).isEqualTo(liveAgain.projects());
            assertThat(again.allocation()).isEqualTo(liveAgain.allocation());
            assertThat(again.allocation().orElseThrow().fingerprint()).isEqualTo(changed.fingerprint());
        }
    }

    @Test
    void report_withARuleOnATag_equalsTheLiveReport() {
        fx.close();
        fx = new StoreFixture(42, 50, Allocation.builder()
                .rule("untagged to ops", Map.of("tag:team", List.of("")), "project-ops").build());
        CostStore store = openStore();
        CostSync sync = sync(store);
        sync.sync();
        CostQuery query = CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR));
        CostReport live = fx.billing().costs().report(query);
        assertThat(sync.report(query).projects()).as("a rule on a tag, answered from the store")
                .isEqualTo(live.projects());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    public void domainTotal_randomData_equalsBigDecimalReference(long seed) {
        fx = new StoreFixture(seed, 50 + new SplittableRandom(seed).nextInt(200));
        CostSync sync = sync(openStore());
        sync.sync();

        CostReport report = sync.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)));

        assertThat(report.totals()).containsExactlyElementsOf(fx.reference(ALL, JAN, MAR));
        assertThat(report.project("project-ops").totals())
                .containsExactlyElementsOf(fx.reference(List.of("ops-aws"), JAN, MAR));
    }

    @Test
    @Timeout(120)
    public void aggregate_thousandsOfAccounts_sumsExactlyTheRequestedAccountsOnce() {
        CostStore store = openStore();
        int accounts = 1_500;
        ProviderId provider = ProviderId.of(StoreTestProvider.ID);
        SplittableRandom random = new SplittableRandom(11);
        List<ServiceAccountId> requested = new ArrayList<>();
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (int i = 0; i < accounts; i++) {
            ServiceAccount a = new ServiceAccount(ServiceAccountId.of(String.format("sa-%05d", i)), provider,
                    ProjectId.of("project-" + i % 7), Credentials.of(Map.of()), Map.of());
            Currency currency = Currency.getInstance(i % 3 == 0 ? "EUR" : "USD");
            List<CostRecord> rows = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                BigDecimal amount = BigDecimal.valueOf(random.nextLong(-1_000, 10_000_000_000L), random.nextInt(11));
                rows.add(CostRecord.builder().chargeDate(MAR.atDay(1 + k)).provider(provider)
                        .billingAccountId("acct").serviceAccount(a.id()).project(a.project())
                        .service("svc-" + k).region("global").billedCost(new Money(amount, currency)).build());
            }
            store.replaceWindow(a, MAR, fx.clock().instant(), sink -> {
                rows.forEach(sink::accept);
                return FetchStats.EMPTY;
            });
            if (i % 10 != 0) {
                requested.add(a.id());
                rows.forEach(r -> expected.merge(a.project().value() + " " + currency, r.billedCost().amount(),
                        BigDecimal::add));
            }
        }
        requested.add(requested.get(0));

        Map<String, BigDecimal> sums = new TreeMap<>();
        store.aggregate(CostQuery.of(BillingPeriod.month(MAR)), requested, c -> sums.merge(
                c.project().value() + " " + c.amount().currency(), c.amount().amount(), BigDecimal::add));

        assertThat(sums.keySet()).isEqualTo(expected.keySet());
        expected.forEach((cell, sum) -> assertThat(sums.get(cell)).as(cell).isEqualByComparingTo(sum));
    }

    /** @return reports by tags and metrics every store answers as the in-memory store */
    public static Stream<CostQuery> tagAndMetricQueries() {
        BillingPeriod q1 = BillingPeriod.monthsThrough(JAN, MAR);
        TagAliases aliases = TagAliases.of(Map.of("team", List.of("Team", "owner-team")));
        List<CostQuery> out = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            out.add(CostQuery.builder(q1).metric(metric).build());
            out.add(CostQuery.builder(q1).metric(metric).groupBy(Dimension.SERVICE).build());
            out.add(CostQuery.builder(q1).metric(metric).groupBy(Dimension.REGION, Dimension.CHARGE_CATEGORY).build());
            out.add(CostQuery.builder(q1).metric(metric).groupBy(Dimension.tag("team")).build());
            out.add(CostQuery.builder(q1).metric(metric).granularity(Granularity.DAILY)
                    .groupBy(Dimension.tag("team"), Dimension.SERVICE).filter(Dimension.tag("env"), "prod", "").build());
            out.add(CostQuery.builder(BillingPeriod.of(FEB.atDay(10), MAR.atDay(20))).metric(metric)
                    .groupBy(Dimension.tag("env"), Dimension.SERVICE_ACCOUNT).filter(Dimension.tag("team"), "web")
                    .build());
            out.add(CostQuery.builder(q1).metric(metric).tagAliases(aliases)
                    .groupBy(Dimension.tag("team"), Dimension.tag("Team")).build());
            out.add(CostQuery.builder(q1).metric(metric).tagAliases(aliases).filter(Dimension.tag("Team"), "")
                    .groupBy(Dimension.tag("team")).build());
            out.add(CostQuery.builder(q1).metric(metric).tagAliases(aliases).filter(Dimension.tag("owner-team"), "ops")
                    .build());
        }
        return out.stream();
    }

    /**
     * Tags and the three metrics, summed by this store, equal the in-memory store's sums of the same windows cell for
     * cell, to the last digit: line items with and without tags (keys written several ways, read through aliases),
     * accounts with and without effective and list costs, windows replaced again.
     */
    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    public void aggregate_tagsAndEveryMetric_equalTheInMemoryStoreCellForCell(long seed) {
        CostStore store = openStore();
        CostStore reference = CostStores.inMemory();
        List<ServiceAccountId> accounts = taggedWindows(seed, store, reference);

        tagAndMetricQueries().forEach(query -> {
            Map<String, BigDecimal> expected = cells(reference, query, accounts);
            // owner-team is only an alias of team: it has no value of its own, so no line item is tagged "ops"
            assertThat(expected.isEmpty()).as("%s", query)
                    .isEqualTo(query.filters().containsKey(Dimension.tag("owner-team")));
            assertThat(cells(store, query, accounts)).as("%s", query).isEqualTo(expected);
        });
    }

    /**
     * An export from the store reads the line items back with their tags and costs: the same as the in-memory store
     * gives for the same windows (the columns every store keeps), for a period and a tag filter.
     */
    @Test
    public void lineItems_withTagsAndEveryCost_equalTheInMemoryStores() {
        CostStore store = openStore();
        CostStore reference = CostStores.inMemory();
        List<ServiceAccountId> accounts = taggedWindows(9, store, reference);
        TagAliases aliases = TagAliases.of(Map.of("team", List.of("Team", "owner-team")));
        for (CostQuery query : List.of(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)),
                CostQuery.builder(BillingPeriod.of(FEB.atDay(10), MAR.atDay(20))).tagAliases(aliases)
                        .filter(Dimension.tag("team"), "web", "").build())) {
            List<String> expected = lineItems(reference, query, accounts);
            assertThat(expected).as("%s", query).isNotEmpty();
            assertThat(lineItems(store, query, accounts)).as("%s", query).isEqualTo(expected);
        }
    }

    /** The columns every store keeps of each line item, one line per item, sorted. */
    private static List<String> lineItems(CostStore store, CostQuery query, List<ServiceAccountId> accounts) {
        List<String> out = new ArrayList<>();
        store.lineItems(query, accounts, r -> out.add(r.chargeDate() + " " + r.provider() + " " + r.serviceAccount()
                + " " + r.project() + " " + r.billingAccountId() + " " + r.subAccountId() + " " + r.service() + " "
                + r.region() + " " + r.usageType() + " " + r.chargeCategory() + " " + plain(r.billedCost()) + " "
                + plain(r.effectiveCost()) + " " + r.listCost().map(CostStoreContract::plain).orElse("-") + " "
                + new TreeMap<>(r.tags())));
        out.sort(null);
        return out;
    }

    private static String plain(Money m) {
        return m.currency() + ":" + (m.amount().signum() == 0 ? "0" : m.amount().stripTrailingZeros().toPlainString());
    }

    /**
     * Writes the same windows into {@code store} and {@code reference}: line items with and without tags (keys written
     * several ways), accounts with and without effective and list costs, a window replaced again.
     *
     * @return the accounts written
     */
    private List<ServiceAccountId> taggedWindows(long seed, CostStore store, CostStore reference) {
        SplittableRandom random = new SplittableRandom(seed);
        ProviderId provider = ProviderId.of(StoreTestProvider.ID);
        List<ServiceAccountId> accounts = new ArrayList<>();
        List<Map<String, String>> tagSets = List.of(Map.of(), Map.of("team", "web"), Map.of("team", "ops", "env", "prod"),
                Map.of("Team", "web", "env", "dev"), Map.of("owner-team", "ops"), Map.of("team", "web", "Team", "ops"),
                Map.of("env", "prod"), Map.of("team", "data", "env", "prod", "cost-center", "42"));
        for (int i = 0; i < 12; i++) {
            ServiceAccount a = new ServiceAccount(ServiceAccountId.of("sa-" + i), provider,
                    ProjectId.of("project-" + i % 3), Credentials.of(Map.of()), Map.of());
            accounts.add(a.id());
            Currency currency = Currency.getInstance(i % 4 == 0 ? "EUR" : "USD");
            boolean effective = i % 2 == 0;
            boolean list = i % 3 != 0;
            for (YearMonth month : List.of(JAN, FEB, MAR, MAR)) {
                List<CostRecord> rows = new ArrayList<>();
                for (int k = 0, n = random.nextInt(1, 60); k < n; k++) {
                    BigDecimal billed = BigDecimal.valueOf(random.nextLong(-5_000, 10_000_000_000L), random.nextInt(11));
                    rows.add(CostRecord.builder().chargeDate(month.atDay(1 + random.nextInt(28))).provider(provider)
                            .billingAccountId("acct").serviceAccount(a.id()).project(a.project())
                            .service("svc-" + random.nextInt(3)).region(random.nextBoolean() ? "global" : "eu-west-1")
                            .chargeCategory(random.nextInt(5) == 0 ? ChargeCategory.CREDIT : ChargeCategory.USAGE)
                            .billedCost(new Money(billed, currency))
                            .effectiveCost(effective ? new Money(billed.multiply(new BigDecimal("0.7")), currency) : null)
                            .listCost(list ? new Money(billed.add(BigDecimal.valueOf(random.nextLong(0, 1_000_000), 4)),
                                    currency) : null)
                            .tags(tagSets.get(random.nextInt(tagSets.size()))).build());
                }
                for (CostStore s : List.of(store, reference)) {
                    s.replaceWindow(a, month, fx.clock().instant(), sink -> {
                        rows.forEach(sink::accept);
                        return FetchStats.EMPTY;
                    });
                }
            }
        }
        return accounts;
    }

    /**
     * @param store a store
     * @param query a query
     * @param accounts the accounts in scope
     * @return the store's cells for the query, in the query's buckets, each sum with its trailing zeros stripped:
     *     what two stores holding the same windows must give alike
     */
    public static Map<String, BigDecimal> cells(CostStore store, CostQuery query, List<ServiceAccountId> accounts) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        store.aggregate(query, accounts, c -> sums.merge(query.granularity().bucketStart(c.bucket()) + " "
                + c.project().value() + " " + c.keys() + " " + c.amount().currency(), c.amount().amount(),
                BigDecimal::add));
        sums.replaceAll((k, v) -> v.signum() == 0 ? BigDecimal.ZERO : v.stripTrailingZeros());
        return sums;
    }

    @Test
    public void sync_whenProviderFailsHalfWayThroughAWindow_keepsTheWindowsOldData() {
        CostStore store = openStore();
        CostSync sync = sync(store);
        sync.sync();
        List<StoredWindow> before = store.windows(fx.account("web-aws").id());
        CostReport reportBefore = sync.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)));
        fx.provider().restate("web-aws", MAR);
        fx.provider().failAfter("web-aws", MAR, 120);

        SyncSummary summary = sync.sync();

        AccountSyncResult web = summary.accounts().get(0);
        assertThat(web.succeeded()).isFalse();
        assertThat(web.error()).contains("unavailable", "web-aws", "2026-03").doesNotContain("s3cr3t");
        assertThat(summary.accounts().get(1).succeeded()).isTrue();
        assertThat(store.windows(fx.account("web-aws").id())).filteredOn(w -> w.month().equals(MAR))
                .singleElement()
                .satisfies(w -> assertThat(w.totals()).isEqualTo(before.get(2).totals()))
                .satisfies(w -> assertThat(w.records()).isEqualTo(before.get(2).records()));
        assertThat(sync.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR))).domain())
                .isEqualTo(reportBefore.domain());
    }

    @Test
    public void sync_restatedClosedMonthInGracePeriod_firesEventWithOldAndNewTotals() {
        List<RestatementEvent> heard = new CopyOnWriteArrayList<>();
        CostSync sync = CostSync.builder(fx.billing()).store(openStore()).clock(fx.clock()).monthsBack(2)
                .listener(heard::add).build();
        sync.sync();
        List<Money> oldFeb = fx.reference(List.of("ops-aws"), FEB, FEB);
        fx.provider().restate("ops-aws", FEB);
        List<Money> newFeb = fx.reference(List.of("ops-aws"), FEB, FEB);
        fx.provider().restate("ops-aws", JAN);
        fx.clock().set("2026-03-06T12:00:00Z");

        SyncSummary summary = sync.sync();

        assertThat(newFeb).isNotEqualTo(oldFeb);
        assertThat(heard).singleElement().satisfies(e -> {
            assertThat(e.account().value()).isEqualTo("ops-aws");
            assertThat(e.month()).isEqualTo(FEB);
            assertThat(e.state()).isEqualTo(MonthState.CLOSED);
            assertThat(e.oldTotals()).containsExactlyElementsOf(oldFeb);
            assertThat(e.newTotals()).containsExactlyElementsOf(newFeb);
            assertThat(e.previouslySyncedAt()).isEqualTo(Instant.parse("2026-03-05T12:00:00Z"));
        });
        assertThat(summary.restatements()).isEqualTo(heard);
        // January closed more than 10 days ago: not re-read, its kept data is the old one
        CostReport feb = sync.report(CostQuery.builder(BillingPeriod.month(FEB)).project("project-ops").build());
        assertThat(feb.totals()).containsExactlyElementsOf(newFeb);
    }

    @Test
    public void sync_laterSyncs_rereadOnlyOpenMonthsAndMonthsInTheGracePeriod() {
        CostSync sync = sync(openStore());

        assertThat(sync.sync().accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(JAN, FEB, MAR));
        assertThat(sync.sync().accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(FEB, MAR));
        fx.clock().set("2026-03-11T00:00:00Z");
        assertThat(sync.sync().accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(MAR));
        fx.clock().set("2026-04-01T00:00:00Z");
        assertThat(sync.sync().accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(MAR,
                YearMonth.of(2026, 4)));
    }

    /**
     * The coverage facts in one call: each asked account's last sync, and only the windows it holds of the months
     * asked about (a window of another month, and an account never synced, are left out).
     */
    @Test
    public void storedCoverage_givesLastSyncsAndTheWindowsHeldOfTheMonthsAsked() {
        CostStore store = openStore();
        ServiceAccount web = fx.account("web-aws");
        Instant jan = Instant.parse("2026-02-01T06:00:00Z");
        Instant mar = Instant.parse("2026-03-05T12:00:00Z");
        Map.of(JAN, jan, MAR, mar).forEach((month, at) -> replaceWithOneLineItem(store, web, month, at));
        store.markSynced(web.id(), mar);
        ServiceAccountId ops = fx.account("ops-aws").id();
        store.markSynced(ops, jan);
        List<ServiceAccountId> asked = ALL.stream().map(a -> fx.account(a).id()).toList();

        StoredCoverage facts = store.storedCoverage(asked, FEB, MAR);

        assertThat(facts.lastSyncs()).containsEntry(web.id(), mar).containsEntry(ops, jan)
                .doesNotContainKey(fx.account("web-eu").id());
        assertThat(facts.windows()).containsOnlyKeys(web.id());
        assertThat(facts.windows().get(web.id())).containsExactlyInAnyOrderEntriesOf(Map.of(MAR, mar));
        assertThat(store.storedCoverage(asked, JAN, MAR).windows().get(web.id()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(JAN, jan, MAR, mar));
        assertThat(store.heldWindows(asked, FEB, MAR)).isEqualTo(facts.windows());
    }

    /**
     * Coverage reduced per account: its last sync, its newest held window of the months asked about (which may be
     * newer than the last sync: a sync that replaced windows, then failed), and the months asked about it lacks; an
     * account with neither a sync nor a window of those months is left out.
     */
    @Test
    public void windowCoverage_givesEachAccountsLastSyncNewestWindowAndMissingMonths() {
        CostStore store = openStore();
        ServiceAccount web = fx.account("web-aws");
        ServiceAccount eu = fx.account("web-eu");
        Instant jan = Instant.parse("2026-02-01T06:00:00Z");
        Instant feb = Instant.parse("2026-03-01T07:00:00Z");
        Instant mar = Instant.parse("2026-03-05T12:00:00Z");
        Map<ServiceAccount, Map<YearMonth, Instant>> windows = Map.of(web, Map.of(JAN, jan, MAR, mar),
                eu, Map.of(FEB, feb));
        windows.forEach((account, held) -> held.forEach((month, at) ->
                replaceWithOneLineItem(store, account, month, at)));
        store.markSynced(web.id(), jan);
        ServiceAccountId ops = fx.account("ops-aws").id();
        store.markSynced(ops, jan);
        List<ServiceAccountId> asked = ALL.stream().map(a -> fx.account(a).id()).toList();

        Map<ServiceAccountId, WindowCoverage> coverage = store.windowCoverage(asked, FEB, MAR);

        assertThat(coverage).containsOnlyKeys(web.id(), ops, eu.id());
        assertThat(coverage.get(web.id())).isEqualTo(new WindowCoverage(jan, mar, List.of(FEB)));
        assertThat(coverage.get(web.id()).asOf()).isEqualTo(mar);
        assertThat(coverage.get(ops)).isEqualTo(new WindowCoverage(jan, null, List.of(FEB, MAR)));
        assertThat(coverage.get(ops).asOf()).isEqualTo(jan);
        assertThat(coverage.get(eu.id())).isEqualTo(new WindowCoverage(null, feb, List.of(MAR)));
        assertThat(store.windowCoverage(asked, JAN, MAR).get(web.id()))
                .isEqualTo(new WindowCoverage(jan, mar, List.of(FEB)));
        // every month held: none missing; an account never synced holding none of them: left out
        assertThat(store.windowCoverage(List.of(web.id(), eu.id()), MAR, MAR))
                .isEqualTo(Map.of(web.id(), new WindowCoverage(jan, mar, List.of())));
    }

    /** Replaces {@code account}'s window of {@code month}, synced at {@code at}, with one line item of 1.25 USD. */
    private static void replaceWithOneLineItem(CostStore store, ServiceAccount account, YearMonth month, Instant at) {
        store.replaceWindow(account, month, at, sink -> {
            sink.accept(CostRecord.builder().chargeDate(month.atDay(2)).provider(account.provider())
                    .billingAccountId("111").serviceAccount(account.id()).project(account.project())
                    .service("AmazonEC2").region("us-east-1").billedCost(Money.of("1.25", "USD")).build());
            return FetchStats.EMPTY;
        });
    }

    @Test
    public void report_coverage_isOkThenStaleByAgeAndFailedWhenNeverSynced() {
        CostSync sync = CostSync.builder(fx.billing()).store(openStore()).clock(fx.clock()).monthsBack(0)
                .staleAfter(Duration.ofHours(6)).build();
        fx.provider().failAfter("web-eu", MAR, 3);
        sync.sync();
        CostQuery query = CostQuery.of(BillingPeriod.month(MAR));

        CostReport fresh = sync.report(query);
        fx.clock().set("2026-03-05T18:00:01Z");
        CostReport stale = sync.report(query);

        assertThat(fresh.coverage()).extracting(c -> c.name() + "=" + c.code())
                .containsExactly("web-aws=OK", "web-eu=FAILED", "ops-aws=OK");
        assertThat(fresh.coverage().get(0).asOf()).isEqualTo(Instant.parse("2026-03-05T12:00:00Z"));
        assertThat(fresh.coverage().get(1).error()).contains("never been synced");
        assertThat(fresh.isComplete()).isFalse();
        assertThat(fresh.totals()).containsExactlyElementsOf(fx.reference(List.of("web-aws", "ops-aws"), MAR, MAR));
        assertThat(stale.coverage()).extracting(c -> c.code())
                .containsExactly(CoverageStatus.STALE, CoverageStatus.FAILED, CoverageStatus.STALE);
        assertThat(stale.totals()).isEqualTo(fresh.totals());
    }

    /**
     * A report counts the line items of the accounts its coverage finds synced only, however the store reads coverage
     * and sums (a store may read both at once, {@link CostStore#concurrentReads}): an account never synced holding a
     * window of a month after the current one (inside the period asked) and one holding a window of a month before
     * the period are failed and not counted, a stale one is counted; all as the in-memory store reports them.
     */
    @Test
    public void reportFromStore_countsOnlyTheAccountsCoverageFindsSynced_likeTheInMemoryStore() {
        YearMonth apr = MAR.plusMonths(1);
        Instant synced = Instant.parse("2026-03-01T06:00:00Z");
        List<CostStore> stores = List.of(openStore(), CostStores.inMemory());
        List<CostReport> reports = new ArrayList<>();
        List<CostReport> bySeriesAndAccount = new ArrayList<>();
        for (CostStore store : stores) {
            replaceWithOneLineItem(store, fx.account("web-aws"), MAR, synced);
            store.markSynced(fx.account("web-aws").id(), synced);
            replaceWithOneLineItem(store, fx.account("web-eu"), apr, synced);
            replaceWithOneLineItem(store, fx.account("ops-aws"), FEB, synced);
            CostSync sync = CostSync.builder(fx.billing()).store(store).clock(fx.clock()).staleAfter(Duration.ofDays(1))
                    .build();
            BillingPeriod marApr = BillingPeriod.monthsThrough(MAR, apr);
            reports.add(sync.report(CostQuery.of(marApr)));
            bySeriesAndAccount.add(sync.report(CostQuery.builder(marApr).granularity(Granularity.DAILY)
                    .groupBy(Dimension.SERVICE_ACCOUNT).build()));
        }
        stores.get(1).close();

        CostReport report = reports.get(0);
        assertThat(report.coverage()).extracting(c -> c.name() + "=" + c.code())
                .containsExactly("web-aws=STALE", "web-eu=FAILED", "ops-aws=FAILED");
        assertThat(report.totals()).containsExactly(Money.of("1.25", "USD"));
        for (List<CostReport> pair : List.of(reports, bySeriesAndAccount)) {
            assertThat(pair.get(0).domain()).isEqualTo(pair.get(1).domain());
            assertThat(pair.get(0).projects()).isEqualTo(pair.get(1).projects());
            assertThat(pair.get(0).rows()).isEqualTo(pair.get(1).rows());
            assertThat(pair.get(0).coverage()).extracting(c -> c.name() + "=" + c.code())
                    .isEqualTo(pair.get(1).coverage().stream().map(c -> c.name() + "=" + c.code()).toList());
        }
        assertThat(bySeriesAndAccount.get(0).rows()).isNotEmpty();
    }

    @Test
    public void replaceWindow_whileAnotherStoreReplacesTheSameWindow_skipsItAndChangesNothing() throws Exception {
        CostStore first = openStore();
        CostStore second = openStore();
        var account = fx.account("web-aws");
        StoreTestProvider.Block block = fx.provider().blockAfter("web-aws", MAR, 30);
        CompletableFuture<Optional<WindowReplacement>> blocked = CompletableFuture.supplyAsync(() ->
                first.replaceWindow(account, MAR, fx.clock().instant(), sink -> fx.provider().fetch(
                        dev.billing.core.spi.FetchRequest.of(account, BillingPeriod.month(MAR), Granularity.DAILY),
                        sink)));
        assertThat(block.reached().await(20, TimeUnit.SECONDS)).isTrue();

        Optional<WindowReplacement> skipped = second.replaceWindow(account, MAR, fx.clock().instant(),
                sink -> FetchStats.EMPTY);
        block.release().countDown();

        assertThat(skipped).isEmpty();
        WindowReplacement done = blocked.get(20, TimeUnit.SECONDS).orElseThrow();
        assertThat(done.newTotals()).containsExactlyElementsOf(fx.reference(List.of("web-aws"), MAR, MAR));
        assertThat(second.windows(account.id())).singleElement()
                .satisfies(w -> assertThat(w.records()).isEqualTo(done.records()));
    }

    @Test
    public void concurrentSyncs_twoStoresSyncingTheSameAccounts_totalsExactAndNoWindowDoubleCounted() throws Exception {
        CostSync a = sync(openStore());
        CostSync b = sync(openStore());
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<SyncSummary> runA = CompletableFuture.supplyAsync(() -> await(go, a::sync));
        CompletableFuture<SyncSummary> runB = CompletableFuture.supplyAsync(() -> await(go, b::sync));
        go.countDown();
        SyncSummary sa = runA.get(40, TimeUnit.SECONDS);
        SyncSummary sb = runB.get(40, TimeUnit.SECONDS);

        assertThat(sa.isComplete()).isTrue();
        assertThat(sb.isComplete()).isTrue();
        for (int i = 0; i < ALL.size(); i++) {
            List<YearMonth> done = new ArrayList<>(sa.accounts().get(i).replaced());
            done.addAll(sb.accounts().get(i).replaced());
            assertThat(Set.copyOf(done)).containsExactlyInAnyOrder(JAN, FEB, MAR);
        }
        CostReport report = a.report(CostQuery.builder(BillingPeriod.monthsThrough(JAN, MAR))
                .groupBy(Dimension.SERVICE_ACCOUNT).build());
        assertThat(report.totals()).containsExactlyElementsOf(fx.reference(ALL, JAN, MAR));
        assertThat(b.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR))).domain()).isEqualTo(report.domain());
        for (String name : ALL) {
            assertThat(a.store().windows(fx.account(name).id())).extracting(StoredWindow::month)
                    .containsExactly(JAN, FEB, MAR);
        }
    }

    @Test
    public void readers_whileAWindowIsReplacedOverAndOver_seeTheOldOrTheNewWindowNeverAMix() throws Exception {
        CostStore writerStore = openStore();
        CostSync writer = CostSync.builder(fx.billing()).store(writerStore).clock(fx.clock()).monthsBack(0).build();
        CostSync reader = sync(openStore());
        writer.sync();
        List<Money> v0 = fx.reference(List.of("ops-aws"), MAR, MAR);
        fx.provider().restate("ops-aws", MAR);
        List<Money> v1 = fx.reference(List.of("ops-aws"), MAR, MAR);
        fx.provider().version("ops-aws", MAR, 0);
        CostQuery query = CostQuery.builder(BillingPeriod.month(MAR)).project("project-ops").build();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<List<Money>> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> readers = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 2000 && (writing.get() || i < 3); i++) {
                seen.add(reader.report(query).totals());
            }
        });
        for (int round = 0; round < 6; round++) {
            fx.provider().version("ops-aws", MAR, round % 2);
            writer.sync();
        }
        writing.set(false);
        readers.get(40, TimeUnit.SECONDS);

        assertThat(v1).isNotEqualTo(v0);
        assertThat(seen).isNotEmpty().allSatisfy(t -> assertThat(t).isIn(v0, v1));
    }

    /**
     * Checks, while a sync is blocked in the middle of a window's fetch, that it holds no transaction open. A
     * database store looks at its sessions; the default checks nothing.
     *
     * @param blockedSync names the blocked sync, for the assertion's message
     * @throws Exception when the check cannot run
     */
    protected void assertNoTransactionHeldBy(String blockedSync) throws Exception {
        // the in-memory store has no transactions; the database stores look at their sessions
    }

    @Test
    public void reportFromStore_overMonthsNeverSynced_isPartialNamingTheMonthsAndTheFix() {
        CostSync sync = CostSync.builder(fx.billing()).store(openStore()).clock(fx.clock()).monthsBack(0).build();
        assertThat(sync.sync().isComplete()).isTrue();

        CostReport report = sync.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)));

        assertThat(report.isComplete()).isFalse();
        assertThat(report.coverage()).allSatisfy(c -> {
            assertThat(c.code()).isEqualTo(CoverageStatus.PARTIAL);
            AccountStatus.Partial partial = (AccountStatus.Partial) c.status();
            assertThat(partial.missingMonths()).containsExactly(JAN, FEB);
            assertThat(partial.asOf()).isEqualTo(fx.clock().instant());
            assertThat(partial.reason()).contains(c.name(), "2026-01..2026-02 never synced",
                    "a sync reaching back to 2026-01 fills them").doesNotContain("--");
        });
        // the months held are in the report, exact; the missing ones are not counted as zero silently
        assertThat(report.totals()).containsExactlyElementsOf(fx.reference(ALL, MAR, MAR));
        assertThat(sync.report(CostQuery.of(BillingPeriod.month(MAR))).isComplete()).isTrue();
    }

    @Test
    public void reportFromStore_periodReachingIntoFutureMonths_needsOnlyMonthsUpToTheCurrentOne() {
        CostSync sync = CostSync.builder(fx.billing()).store(openStore()).clock(fx.clock()).monthsBack(0).build();
        sync.sync();

        CostReport report = sync.report(CostQuery.of(BillingPeriod.monthsThrough(MAR, YearMonth.of(2026, 6))));

        assertThat(report.isComplete()).isTrue();
        assertThat(report.coverage()).extracting(c -> c.code()).containsOnly(CoverageStatus.OK);
    }

    @Test
    public void sync_withALargerMonthsBack_backfillsEveryMonthTheStoreDoesNotHold() {
        CostStore store = openStore();
        CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(0).build().sync();
        fx.clock().set("2026-03-05T13:00:00Z");

        SyncSummary second = sync(store).sync();

        assertThat(second.accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(JAN, FEB, MAR));
        CostReport report = sync(store).report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)));
        assertThat(report.isComplete()).isTrue();
        assertThat(report.totals()).containsExactlyElementsOf(fx.reference(ALL, JAN, MAR));
        // a third sync re-reads only what is due again
        assertThat(sync(store).sync().accounts()).allSatisfy(a -> assertThat(a.replaced()).containsExactly(FEB, MAR));
    }

    @Test
    public void sync_monthHeldByAnotherInstance_isSkippedNotRecordedAsSynced_andTheNextSyncReadsIt() {
        CostStore store = openStore();
        CostStore other = openStore();
        var webAws = fx.account("web-aws");
        dev.billing.core.spi.WindowLease held = other.claimWindow(webAws, FEB).orElseThrow();
        CostSync sync = sync(store);

        SyncSummary first = sync.sync();

        assertThat(first.accounts().get(0).skipped()).containsExactly(FEB);
        assertThat(first.accounts().get(0).replaced()).containsExactly(JAN, MAR);
        assertThat(store.lastSyncs()).doesNotContainKey(webAws.id()).containsKey(fx.account("ops-aws").id());
        CostReport gap = sync.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)));
        assertThat(gap.isComplete()).isFalse();
        assertThat(gap.coverage().get(0).status()).isInstanceOfSatisfying(AccountStatus.Partial.class,
                p -> assertThat(p.missingMonths()).containsExactly(FEB));
        assertThat(gap.coverage().get(0).asOf()).isEqualTo(fx.clock().instant());

        held.close();    // the other instance gave up without writing the window
        SyncSummary second = sync.sync();

        assertThat(second.accounts().get(0).replaced()).contains(FEB);
        CostReport report = sync.report(CostQuery.of(BillingPeriod.monthsThrough(JAN, MAR)));
        assertThat(report.isComplete()).isTrue();
        assertThat(report.totals()).containsExactlyElementsOf(fx.reference(ALL, JAN, MAR));
        assertThat(store.lastSyncs()).containsKey(webAws.id());
    }

    @Test
    @Timeout(60)
    public void sync_providerBlockedMidWindow_anotherWriterAndReadersAreNotBlockedAndNoTransactionIsOpen() throws Exception {
        CostStore blockedStore = openStore();
        CostStore otherStore = openStore();
        CostSync reader = sync(otherStore);
        StoreTestProvider.Block block = fx.provider().blockAfter("web-aws", MAR, 30);
        CompletableFuture<SyncSummary> blocked = CompletableFuture.supplyAsync(() ->
                CostSync.builder(fx.billing()).store(blockedStore).clock(fx.clock()).monthsBack(0).build().sync());
        try {
            block.reached().await();
            var ops = fx.account("ops-aws");
            List<CostRecord> feb = fx.provider().records(ops, FEB);

            Optional<WindowReplacement> other = CompletableFuture.supplyAsync(() -> otherStore.replaceWindow(ops, FEB,
                    fx.clock().instant(), sink -> {
                        feb.forEach(sink::accept);
                        return FetchStats.EMPTY;
                    })).get();   // were they blocked by the blocked sync, they would wait for ever: the @Timeout fails
            CostReport read = CompletableFuture.supplyAsync(() -> reader.report(
                    CostQuery.of(BillingPeriod.month(FEB)))).get();

            assertThat(other).isPresent();
            assertThat(read.project("project-ops").totals())
                    .containsExactlyElementsOf(fx.reference(List.of("ops-aws"), FEB, FEB));
            // once the blocked sync's other accounts have committed their windows and their sync times, nothing
            // of that sync runs but the blocked fetch: a transaction open now is one held across the fetch
            List<ServiceAccountId> others = ALL.stream().filter(n -> !n.equals("web-aws"))
                    .map(n -> fx.account(n).id()).toList();
            while (!blockedStore.lastSyncs().keySet().containsAll(others)) {
                Thread.onSpinWait();
            }
            assertNoTransactionHeldBy("blocked sync");
        } finally {
            block.release().countDown();
        }
        assertThat(blocked.get(20, TimeUnit.SECONDS).isComplete()).isTrue();
        assertThat(reader.report(CostQuery.of(BillingPeriod.month(MAR))).totals())
                .containsExactlyElementsOf(fx.reference(ALL, MAR, MAR));
    }

    @Test
    public void budgetAlerts_eachKeyIsFirstOnce_forASecondStoreAfterReopeningAndUnderContention() throws Exception {
        CostStore a = openStore();
        Budget.Threshold t80 = Budget.Threshold.actual(80);
        BudgetAlertLog log = a.budgetAlerts();
        assertThat(log.firstAlert("web", JAN, t80)).isTrue();
        assertThat(log.firstAlert("web", JAN, t80)).isFalse();
        assertThat(log.firstAlert("web", JAN, new Budget.Threshold(new BigDecimal("80.00"), false))).isFalse();
        assertThat(log.firstAlert("web", JAN, Budget.Threshold.forecast(80))).isTrue();
        assertThat(log.firstAlert("web", FEB, t80)).isTrue();
        assertThat(log.firstAlert("ops", JAN, t80)).isTrue();
        a.close();

        CostStore b = openStore();
        assertThat(b.budgetAlerts().firstAlert("web", JAN, t80)).as("after reopening").isFalse();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> firsts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                firsts.add(pool.submit(() -> b.budgetAlerts().firstAlert("web", MAR, Budget.Threshold.actual(100))));
            }
            int first = 0;
            for (Future<Boolean> f : firsts) {
                first += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(first).as("exactly one caller is first").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void alerts_anomalyKeysAreFirstOnceBesideBudgets_forASecondStoreAfterReopeningAndUnderContention()
            throws Exception {
        CostStore a = openStore();
        LocalDate day = JAN.atDay(14);
        AlertLog log = a.alerts();
        assertThat(log.firstAlert("anomaly", "project-web", day, "billed:USD")).isTrue();
        assertThat(log.firstAlert("anomaly", "project-web", day, "billed:USD")).isFalse();
        assertThat(log.firstAlert("anomaly", "project-web", day, "billed:USD:AmazonEC2")).isTrue();
        assertThat(log.firstAlert("anomaly", "project-web", day, "billed:KRW")).isTrue();
        assertThat(log.firstAlert("anomaly", "project-web", day.plusDays(1), "billed:USD")).isTrue();
        assertThat(log.firstAlert("anomaly", "project-ops", day, "billed:USD")).isTrue();
        // a budget named like a project, on the same day, is another key
        assertThat(a.budgetAlerts().firstAlert("project-web", JAN, Budget.Threshold.actual(80))).isTrue();
        assertThat(log.firstAlert("budget", "project-web", JAN.atDay(1), "80")).isFalse();
        a.close();

        CostStore b = openStore();
        assertThat(b.alerts().firstAlert("anomaly", "project-web", day, "billed:USD:AmazonEC2"))
                .as("after reopening").isFalse();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> firsts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                firsts.add(pool.submit(() -> b.alerts().firstAlert("anomaly", "project-web", MAR.atDay(2),
                        "billed:USD:AWS Support (Business)")));
            }
            int first = 0;
            for (Future<Boolean> f : firsts) {
                first += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(first).as("exactly one caller is first").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T await(CountDownLatch go, java.util.function.Supplier<T> work) {
        try {
            if (!go.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return work.get();
    }
}
