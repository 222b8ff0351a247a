package dev.billing.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import dev.billing.testkit.Fault;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** End to end: {@link Billing} with the discovered provider against {@link AzureCostManagementSimulator}. */
@Timeout(60)
class AzureSimulatorTest {
    static final String TENANT = "contoso.onmicrosoft.com";
    static final String CLIENT = "0f0e0d0c-0b0a-0908-0706-050403020100";
    static final String SECRET = "sim~SeCrEt.7b1c";
    static final String NARROW_CLIENT = "1f1e1d1c-1b1a-1918-1716-151413121110";
    static final String NARROW_SECRET = "narrow~SeCrEt.42";
    static final String SUB_USD = "aaaa0000-0000-0000-0000-000000000001";
    static final String SUB_EUR = "bbbb0000-0000-0000-0000-000000000002";
    static final String BILLING_ACCOUNT = "87654321:0000aaaa-bbbb_2019-05-31";
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));

    private final List<Row> rows = generate(20261201);
    private AzureCostManagementSimulator sim;

    @BeforeEach
    void start() {
        sim = AzureCostManagementSimulator.builder()
                .principal(TENANT, CLIENT, SECRET)
                .principal(TENANT, NARROW_CLIENT, NARROW_SECRET, "/subscriptions/" + SUB_EUR + "/resourceGroups/rg-data")
                .billingAccount(BILLING_ACCOUNT, SUB_USD, SUB_EUR)
                .rows(rows).pageSize(7).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** Seeded rows: two subscriptions (USD, EUR), two resource groups each, up to 6 decimals, some negative. */
    static List<Row> generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        String[] services = {"Virtual Machines", "Storage", "Bandwidth", "Azure Cosmos DB"};
        String[] locations = {"westeurope", "eastus", "Unassigned", ""};
        for (LocalDate d = LocalDate.of(2025, 12, 25); d.isBefore(LocalDate.of(2026, 4, 5)); d = d.plusDays(1)) {
            for (String sub : List.of(SUB_USD, SUB_EUR)) {
                for (int i = 0; i < 3; i++) {
                    BigDecimal cost = BigDecimal.valueOf(random.nextLong(-50_000, 5_000_000), 6);
                    out.add(Row.of(sub, d, services[random.nextInt(services.length)], locations[random.nextInt(locations.length)],
                            sub.equals(SUB_USD) ? "USD" : "EUR", cost).inResourceGroup(random.nextBoolean() ? "rg-web" : "rg-data"));
                }
            }
        }
        return out;
    }

    /** The exact totals per currency of the rows in the period, as plain strings without trailing zeros. */
    private Map<String, String> reference(Predicate<Row> filter) {
        Map<String, BigDecimal> totals = new TreeMap<>();
        rows.stream().filter(r -> PERIOD.contains(r.date())).filter(filter)
                .forEach(r -> totals.merge(r.currency(), r.cost(), BigDecimal::add));
        return plain(totals);
    }

    private static Map<String, String> totals(List<Money> money) {
        Map<String, BigDecimal> out = new TreeMap<>();
        money.forEach(m -> out.merge(m.currency().getCurrencyCode(), m.amount(), BigDecimal::add));
        return plain(out);
    }

    private static Map<String, String> plain(Map<String, BigDecimal> sums) {
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, v.stripTrailingZeros().toPlainString()));
        return out;
    }

    private Billing billing() {
        return Billing.builder().providerSettings("azure-cost-management", Map.of("endpoint", sim.endpoint(),
                "authority", sim.endpoint())).build();
    }

    private static Credentials credentials(String client, String secret, String scope) {
        return Credentials.of(Map.of("tenantId", TENANT, "clientId", client, "clientSecret", secret, "scope", scope));
    }

    @Test
    void report_overSubscriptionResourceGroupAndBillingAccountScopes_isExact() {
        try (Billing billing = billing()) {
            billing.serviceAccounts().register("usd-sub", "azure-cost-management",
                    credentials(CLIENT, SECRET, "/subscriptions/" + SUB_USD), "project-web");
            billing.serviceAccounts().register("eur-rg", "azure-cost-management",
                    credentials(CLIENT, SECRET, "/subscriptions/" + SUB_EUR + "/resourceGroups/rg-data"), "project-data");
            billing.serviceAccounts().register("ea", "azure-cost-management",
                    credentials(CLIENT, SECRET, "/providers/Microsoft.Billing/billingAccounts/" + BILLING_ACCOUNT), "project-ea");
            billing.serviceAccounts().verify("usd-sub");

            CostReport report = billing.costs().report(CostQuery.builder(PERIOD).granularity(Granularity.MONTHLY).build());

            assertThat(report.isComplete()).isTrue();
            assertThat(totals(report.project("project-web").totals())).isEqualTo(reference(r -> r.subscriptionId().equals(SUB_USD)));
            assertThat(totals(report.project("project-data").totals())).isEqualTo(reference(
                    r -> r.subscriptionId().equals(SUB_EUR) && r.resourceGroup().equals("rg-data")));
            assertThat(totals(report.project("project-ea").totals())).isEqualTo(reference(r -> true));
            assertThat(reference(r -> true)).containsOnlyKeys("EUR", "USD");
            assertThat(sim.tokenRequests(CLIENT)).isEqualTo(1);
            assertThat(sim.queryRequests("/subscriptions/" + SUB_USD)).isGreaterThan(3 * 3); // paged, 3 months, plus verify
        }
    }

    @Test
    void throttlingAndTransient503_areAbsorbed_andAnExtraDayIsDropped() {
        String usd = "/subscriptions/" + SUB_USD;
        sim.fault(usd, Fault.throttle(2));
        sim.fault(usd, Fault.serverError(1, 503));
        sim.fault(usd, Fault.rowsOutsidePeriod());
        AzureCostManagementProvider provider = AzureCostManagementProvider.builder()
                .endpoint(java.net.URI.create(sim.endpoint())).authority(java.net.URI.create(sim.endpoint()))
                .http(AzureTestSupport.http(AzureTestSupport.FAST).build()).build();
        try (Billing billing = Billing.builder().disableProvider("azure-cost-management").addProvider(provider).build()) {
            billing.serviceAccounts().register("usd-sub", "azure-cost-management", credentials(CLIENT, SECRET, usd), "project-web");

            CostReport report = billing.costs().domainTotal(PERIOD);

            assertThat(report.isComplete()).isTrue();
            assertThat(totals(report.totals())).isEqualTo(reference(r -> r.subscriptionId().equals(SUB_USD)));
            assertThat(report.coverage().get(0).stats().droppedRows()).isPositive();
        }
    }

    @Test
    void wrongSecret_andMissingRole_failOnlyTheirAccounts_withoutLeakingSecrets() {
        try (Billing billing = billing()) {
            billing.serviceAccounts().register("good", "azure-cost-management",
                    credentials(CLIENT, SECRET, "/subscriptions/" + SUB_EUR), "project-web");
            billing.serviceAccounts().register("bad-secret", "azure-cost-management",
                    credentials(CLIENT, "wrong~" + SECRET, "/subscriptions/" + SUB_USD), "project-web");
            billing.serviceAccounts().register("no-role", "azure-cost-management",
                    credentials(NARROW_CLIENT, NARROW_SECRET, "/subscriptions/" + SUB_EUR), "project-data");
            billing.serviceAccounts().register("rg-role", "azure-cost-management",
                    credentials(NARROW_CLIENT, NARROW_SECRET, "/subscriptions/" + SUB_EUR + "/resourceGroups/rg-data"),
                    "project-data");

            CostReport report = billing.costs().domainTotal(PERIOD);

            assertThat(report.isComplete()).isFalse();
            Map<String, String> errors = new TreeMap<>();
            for (AccountCoverage c : report.coverage()) {
                errors.put(c.name(), c.error() == null ? "OK" : c.error());
            }
            assertThat(errors.get("good")).isEqualTo("OK");
            assertThat(errors.get("rg-role")).isEqualTo("OK");
            assertThat(errors.get("bad-secret")).contains("AADSTS7000215").contains("bad-secret").doesNotContain(SECRET);
            assertThat(errors.get("no-role")).contains("lacks Cost Management Reader on /subscriptions/" + SUB_EUR);
            assertThat(errors.values()).allSatisfy(e -> assertThat(e).doesNotContain(SECRET).doesNotContain(NARROW_SECRET));
            assertThat(sim.tokenRequests(CLIENT)).isEqualTo(2); // one per distinct secret, the wrong one never retried
            BigDecimal eur = new BigDecimal(reference(r -> r.subscriptionId().equals(SUB_EUR)).get("EUR")).add(new BigDecimal(
                    reference(r -> r.subscriptionId().equals(SUB_EUR) && r.resourceGroup().equals("rg-data")).get("EUR")));
            assertThat(totals(report.totals())).isEqualTo(Map.of("EUR", eur.stripTrailingZeros().toPlainString()));
        }
    }

    @Test
    void expiredTokens_areRefreshedOnce() {
        String eur = "/subscriptions/" + SUB_EUR;
        try (Billing billing = billing()) {
            billing.serviceAccounts().register("eur", "azure-cost-management", credentials(CLIENT, SECRET, eur), "project-web");
            billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            sim.expireTokens();

            CostReport report = billing.costs().domainTotal(PERIOD);

            assertThat(report.isComplete()).isTrue();
            assertThat(totals(report.totals())).isEqualTo(reference(r -> r.subscriptionId().equals(SUB_EUR)));
            assertThat(sim.tokenRequests(CLIENT)).isEqualTo(2);
        }
    }

    /**
     * A billing account of two subscriptions with usage, reservation purchases, refunds and tax: every query
     * has at most two groupings (the simulator refuses more, as the 2023-11-01 specification does), a month
     * costs 1 + 2 x 2 queries (docs/azure-cost-management.md), and each ChargeType keeps its amount.
     */
    @Test
    void billingAccount_everyChargeTypeCounted_twoGroupingsPerQuery_andThePlannedRequestCount() throws Exception {
        List<Row> charged = new ArrayList<>();
        LocalDate day = LocalDate.of(2026, 2, 3);
        charged.add(Row.of(SUB_USD, day, "Reservations", "", "USD", new BigDecimal("120.5")).charged("Purchase"));
        charged.add(Row.of(SUB_USD, day, "Reservations", "", "USD", new BigDecimal("-20.25")).charged("Refund"));
        charged.add(Row.of(SUB_EUR, day, "Virtual Machines", "westeurope", "EUR", new BigDecimal("3.5"))
                .charged("UnusedReservation"));
        charged.add(Row.of(SUB_EUR, day, "Tax", "", "EUR", new BigDecimal("4.75")).charged("Tax"));
        List<Row> all = new ArrayList<>(rows);
        all.addAll(charged);
        sim.close();
        sim = AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET)
                .billingAccount(BILLING_ACCOUNT, SUB_USD, SUB_EUR).rows(all).pageSize(1000).start();
        String scope = "/providers/Microsoft.Billing/billingAccounts/" + BILLING_ACCOUNT;
        Map<dev.billing.core.ChargeCategory, BigDecimal> byCategory = new TreeMap<>();
        AzureCostManagementProvider provider = AzureCostManagementProvider.builder()
                .endpoint(java.net.URI.create(sim.endpoint())).authority(java.net.URI.create(sim.endpoint())).build();
        dev.billing.core.ServiceAccount ea = new dev.billing.core.ServiceAccount(dev.billing.core.ServiceAccountId.of("ea"),
                dev.billing.core.ProviderId.of("azure-cost-management"), dev.billing.core.ProjectId.of("project-ea"),
                credentials(CLIENT, SECRET, scope), Map.of());

        dev.billing.core.spi.FetchStats stats = provider.fetch(dev.billing.core.spi.FetchRequest.of(ea, PERIOD,
                Granularity.DAILY), r -> byCategory.merge(r.chargeCategory(), r.billedCost().amount(), BigDecimal::add));

        // 3 months, 2 subscriptions, one page each, each query as ActualCost and AmortizedCost
        assertThat(sim.queryRequests(scope)).isEqualTo(3 * 2 * (1 + 2 * 2));
        assertThat(stats.requests()).isEqualTo(1 + 3 * 2 * (1 + 2 * 2)); // and the token
        for (String body : sim.queryBodies()) {
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).at("/dataset/grouping").size())
                    .isLessThanOrEqualTo(2);
        }
        BigDecimal usage = rows.stream().filter(r -> PERIOD.contains(r.date())).map(Row::cost)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(byCategory.get(dev.billing.core.ChargeCategory.USAGE)).isEqualByComparingTo(usage.add(new BigDecimal("3.5")));
        assertThat(byCategory.get(dev.billing.core.ChargeCategory.TAX)).isEqualByComparingTo("4.75");
        assertThat(byCategory.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(usage.add(new BigDecimal("108.5")));
        assertThat(byCategory).hasSize(3); // usage, tax, and the purchase with the refund (Microsoft's FOCUS mapping)
    }
}
