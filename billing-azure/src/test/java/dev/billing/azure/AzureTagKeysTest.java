package dev.billing.azure;

import static dev.billing.azure.AzureChargeTypesTest.CLIENT;
import static dev.billing.azure.AzureChargeTypesTest.SCOPE;
import static dev.billing.azure.AzureChargeTypesTest.SECRET;
import static dev.billing.azure.AzureChargeTypesTest.SUB;
import static dev.billing.azure.AzureChargeTypesTest.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several {@code tagKeys} against {@link AzureCostManagementSimulator}: every record carries the joint tag set
 * ({@code ""} where the line has no such tag), totals per tag combination, day, service, location and charge category
 * are exact for billed and effective cost (a BigDecimal reference over the simulator's rows), no query has more than
 * two groupings, and the simulator counts the requests of the formula in docs/azure-cost-management.md.
 */
@Timeout(60)
class AzureTagKeysTest {
    static final LocalDate FEB = LocalDate.of(2026, 2, 3);
    static final LocalDate MAR = LocalDate.of(2026, 3, 9);
    static final BillingPeriod FEB_MAR = BillingPeriod.of(LocalDate.of(2026, 2, 1), LocalDate.of(2026, 4, 1));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> USAGE_TYPES = List.of("Usage", "UnusedReservation", "UnusedSavingsPlan");

    static Row row(LocalDate day, String service, String location, String chargeType, String actual, String amortized) {
        return Row.of(SUB, day, service, location, "USD", new BigDecimal(actual)).charged(chargeType)
                .amortized(new BigDecimal(amortized));
    }

    /** Two keys; tag names spelled as resources spell them (Team, TEAM, Env); lines with none, one or both keys. */
    static final List<Row> TWO = List.of(
            row(FEB, "Virtual Machines", "westeurope", "Usage", "10.10", "12.5").tagged("Team", "blue").tagged("env", "prod"),
            row(FEB, "Virtual Machines", "westeurope", "Usage", "3.3", "3.3").tagged("TEAM", "red").tagged("env", "dev"),
            row(FEB, "Virtual Machines", "westeurope", "Usage", "2.02", "2.02").tagged("Env", "prod"),
            row(FEB.plusDays(1), "Virtual Machines", "westeurope", "Usage", "0.000001", "0.000001").tagged("team", "red"),
            row(FEB, "Virtual Machines", "eastus", "Usage", "1.01", "1.01"),
            row(FEB, "Virtual Machines", "northeurope", "UnusedReservation", "0", "2.25").tagged("Team", "blue").tagged("env", "prod"),
            row(FEB, "Virtual Machines", "northeurope", "UnusedSavingsPlan", "0", "1.5").tagged("env", "dev"),
            row(FEB, "Storage", "eastus", "Usage", "7.77", "7.77").tagged("team", "red").tagged("ENV", "prod"),
            row(FEB, "Reservations", "", "Purchase", "1200", "0").tagged("Team", "blue").tagged("env", "prod"),
            row(FEB, "Reservations", "", "Refund", "-300.5", "0").tagged("Team", "red"),
            row(FEB, "Reservations", "", "Purchase", "99", "0"),
            row(FEB, "Tax", "", "Tax", "18.04", "18.04"),
            row(FEB, "Microsoft Azure", "", "Credit", "-50", "-50").tagged("env", "prod"),
            row(FEB, "Rounding", "", "RoundingAdjustment", "0.01", "0.01"),
            row(MAR, "Storage", "eastus", "Usage", "5", "5").tagged("team", "blue"));

    @Test
    void twoKeys_jointTagsExactPerPairCategoryServiceAndLocation_inTheDocumentedRequests() throws Exception {
        List<String> keys = List.of("team", "env");
        try (AzureCostManagementSimulator sim = simulator(TWO)) {
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = provider(sim, "team, env", 2000).fetch(request(), records::add);

            assertExact(TWO, keys, records);
            assertThat(total(records, "blue", "prod")).isEqualByComparingTo("1210.10"); // 10.10 + 0 + 1200
            assertThat(total(records, "red", "")).isEqualByComparingTo("-300.499999"); // refund + 0.000001
            assertThat(total(records, "", "prod")).isEqualByComparingTo("-47.98"); // 2.02 - 50
            assertThat(total(records, "", "")).isEqualByComparingTo("118.06"); // 1.01 + 99 + 18.04 + 0.01
            assertThat(records).filteredOn(CostRecord::correction).extracting(CostRecord::tags)
                    .containsExactly(Map.of("team", "red", "env", ""));
            assertAtMostTwoGroupings(sim);
            // February: ServiceName x ChargeType, then per group 1 + |values of team, absent included|:
            // Virtual Machines usage 1 + 3 (blue, red, absent), Storage usage 1 + 1, Reservations 1 + 3,
            // Tax, Microsoft Azure, Rounding 1 + 1 each; March: 1 + Storage 1 + 1. ActualCost and AmortizedCost each.
            int february = 1 + 4 + 2 + 4 + 2 + 2 + 2;
            int march = 1 + 2;
            assertThat(sim.queryRequests(SCOPE)).isEqualTo(2 * (february + march)).isEqualTo(formula(TWO, keys));
            assertThat(stats.requests()).isEqualTo(sim.queryRequests(SCOPE) + 1); // and the token
        }
    }

    /**
     * Three keys: the cells of lines without an earlier key come from subtraction, and some share a cell (day,
     * location, later values) with lines that have it (Compute, westeurope, cc 100: blue/prod and absent/prod).
     */
    static final List<Row> THREE = List.of(
            row(FEB, "Compute", "westeurope", "Usage", "1.000001", "1.5").tagged("team", "blue").tagged("env", "prod").tagged("cc", "100"),
            row(FEB, "Compute", "westeurope", "Usage", "2.2", "2.2").tagged("Team", "blue").tagged("env", "prod"),
            row(FEB, "Compute", "westeurope", "Usage", "4.04", "4").tagged("TEAM", "blue").tagged("CC", "200"),
            row(FEB, "Compute", "westeurope", "Usage", "8.8", "8.8").tagged("Env", "prod").tagged("cc", "100"),
            row(FEB, "Compute", "westeurope", "Usage", "-0.5", "-0.5").tagged("env", "dev"),
            row(FEB, "Compute", "westeurope", "Usage", "16", "16"),
            row(FEB, "Compute", "eastus", "Usage", "32.32", "32.32").tagged("team", "red").tagged("env", "dev").tagged("cc", "300"),
            row(FEB, "Compute", "westeurope", "UnusedReservation", "0", "0.75").tagged("env", "prod"),
            row(FEB.plusDays(2), "Compute", "westeurope", "Usage", "64", "64").tagged("Env", "prod").tagged("cc", "100"),
            row(FEB, "Reservations", "", "Purchase", "1000", "0").tagged("team", "blue").tagged("env", "prod").tagged("cc", "100"),
            row(FEB, "Reservations", "", "Refund", "-250", "0").tagged("team", "red"),
            row(FEB, "Tax", "", "Tax", "9.99", "9.99"));

    @Test
    void threeKeys_cellsWithoutAnEarlierKeyBySubtraction_exact_inTheDocumentedRequests() throws Exception {
        List<String> keys = List.of("team", "env", "cc");
        try (AzureCostManagementSimulator sim = simulator(THREE)) {
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = provider(sim, "team,env,cc", 2000).fetch(request(), records::add);

            assertExact(THREE, keys, records);
            assertThat(records).filteredOn(r -> r.tags().equals(Map.of("team", "", "env", "prod", "cc", "100"))
                            && r.chargeDate().equals(FEB))
                    .singleElement().satisfies(r -> {
                        assertThat(r.billedCost().amount()).isEqualByComparingTo("8.8");
                        assertThat(r.region()).isEqualTo("westeurope");
                    });
            assertThat(records).filteredOn(r -> r.tags().equals(Map.of("team", "", "env", "prod", "cc", "")))
                    .singleElement().satisfies(r -> {
                        assertThat(r.billedCost().amount()).isEqualByComparingTo("0");
                        assertThat(r.effectiveCost().amount()).isEqualByComparingTo("0.75");
                    });
            assertAtMostTwoGroupings(sim);
            // Compute usage: team (1 query) answers blue, red, absent; env per team value (3 queries) answers
            // blue: prod, absent; red: dev; absent (unfiltered): prod, dev, absent; cc per those 6: 1 + 3 + 6 = 10.
            // Reservations: team answers blue, red; env: blue: prod; red: absent; cc: 2 more: 1 + 2 + 2 = 5.
            // Tax: 1 + 1 + 1 = 3. Plus ServiceName x ChargeType, in March too (which has no costs: nothing else).
            // ActualCost and AmortizedCost each.
            assertThat(sim.queryRequests(SCOPE)).isEqualTo(2 * ((1 + 10 + 5 + 3) + 1)).isEqualTo(formula(THREE, keys));
            assertThat(stats.requests()).isEqualTo(sim.queryRequests(SCOPE) + 1);
        }
    }

    @Test
    void billingAccountScope_twoKeys_perSubscription_exact_inTheDocumentedRequests() throws Exception {
        String other = "dddd0000-0000-0000-0000-000000000004";
        List<Row> rows = new ArrayList<>(TWO);
        rows.add(Row.of(other, FEB, "Storage", "eastus", "USD", new BigDecimal("0.5")).tagged("team", "blue"));
        rows.add(Row.of(other, FEB, "Storage", "eastus", "USD", new BigDecimal("0.25")).tagged("env", "prod"));
        rows.add(Row.of(other, FEB, "Tax", "", "USD", new BigDecimal("0.07")).charged("Tax").tagged("team", "blue"));
        String scope = AzureCostManagementSimulator.billingAccountScope("ba-1");
        try (AzureCostManagementSimulator sim = AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET)
                .billingAccount("ba-1", SUB, other).rows(rows).pageSize(1000).start()) {
            List<CostRecord> records = new ArrayList<>();
            provider(sim, "team,env", 2000).fetch(FetchRequest.of(account(scope), FEB_MAR, Granularity.DAILY), records::add);

            assertExact(rows, List.of("team", "env"), records);
            assertThat(records).filteredOn(r -> r.subAccountId().equals(other)).extracting(CostRecord::tags)
                    .containsExactlyInAnyOrder(Map.of("team", "blue", "env", ""), Map.of("team", "", "env", "prod"),
                            Map.of("team", "blue", "env", ""));
            assertAtMostTwoGroupings(sim);
            // per month SubscriptionId x ChargeType, then per subscription with costs that month the plan of a
            // subscription: February SUB 17 (as in twoKeys_...), the other 1 + (1 + 2) Storage + (1 + 1) Tax; March SUB 3
            assertThat(sim.queryRequests(scope)).isEqualTo(2 * ((1 + 17 + 6) + (1 + 3)));
        }
    }

    @Test
    void maxRequestsPerFetch_exceededByTheTagPlan_failsNamingTheSetting_neverShort() throws Exception {
        try (AzureCostManagementSimulator sim = simulator(THREE)) {
            List<CostRecord> records = new ArrayList<>();
            // 1 token + 40 queries are needed
            assertThatThrownBy(() -> provider(sim, "team,env,cc", 40).fetch(request(), records::add))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxRequestsPerFetch")
                    .hasMessageContaining("needs more than 40 requests");
            assertThat(sim.queryRequests(SCOPE)).isEqualTo(39);

            records.clear();
            provider(sim, "team,env,cc", 41).fetch(request(), records::add);
            assertExact(THREE, List.of("team", "env", "cc"), records);
        }
    }

    /**
     * Seeded rows: up to three keys over few values (so that combinations repeat and share cells), names in any
     * case, every charge type, amounts of up to 6 decimals, some negative, some 0 on one side.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026, 90210})
    void seeded_exactPerTagCombinationAndCell_requestsAsTheFormula(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> keys = List.of("team", "env", "cc").subList(0, 2 + random.nextInt(2));
        List<String> types = List.of("Usage", "Usage", "Usage", "UnusedReservation", "UnusedSavingsPlan", "Purchase",
                "Refund", "Tax", "Credit", "Adjustment");
        List<Row> rows = new ArrayList<>();
        int n = 20 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
            String type = types.get(random.nextInt(types.size()));
            boolean usage = USAGE_TYPES.contains(type);
            String service = List.of("Compute", "Storage", "SQL").get(random.nextInt(3));
            String location = usage ? List.of("westeurope", "eastus", "").get(random.nextInt(3)) : "";
            LocalDate day = (random.nextBoolean() ? FEB : MAR).plusDays(random.nextInt(3));
            Row r = row(day, service, location, type, amount(random), random.nextInt(5) == 0 ? "0" : amount(random));
            for (String key : keys) {
                if (random.nextInt(3) != 0) {
                    String name = random.nextBoolean() ? key : key.toUpperCase(java.util.Locale.ROOT);
                    r = r.tagged(name, key + random.nextInt(2));
                }
            }
            rows.add(r);
        }
        try (AzureCostManagementSimulator sim = simulator(rows)) {
            List<CostRecord> records = new ArrayList<>();
            provider(sim, String.join(",", keys), 2000).fetch(request(), records::add);

            assertExact(rows, keys, records);
            assertAtMostTwoGroupings(sim);
            assertThat(sim.queryRequests(SCOPE)).as("seed %d", seed).isEqualTo(formula(rows, keys));
        }
    }

    private static String amount(SplittableRandom random) {
        BigDecimal a = BigDecimal.valueOf(random.nextLong(-2_000_000, 50_000_000), random.nextInt(7));
        return a.toPlainString();
    }

    /**
     * The request count of docs/azure-cost-management.md, from the rows: per month (with costs or not) 1 + Σ R(g) over the groups g
     * (a service's usage lines; its other lines), R(g) = |C0| + ... + |C(n-1)|, C0 = {()}, Cj = the combinations c
     * of C(j-1) extended by each value of key j (null where absent) of a line of g that has c's values; × 2 (ActualCost
     * and AmortizedCost).
     */
    static int formula(List<Row> rows, List<String> keys) {
        int requests = 0;
        for (int month : List.of(2, 3)) {
            List<Row> inMonth = rows.stream().filter(r -> r.date().getMonthValue() == month).toList();
            Set<String> groups = new LinkedHashSet<>();
            inMonth.forEach(r -> groups.add(r.service() + "|" + USAGE_TYPES.contains(r.chargeType())));
            requests += 1;
            for (String g : groups) {
                List<Row> lines = inMonth.stream()
                        .filter(r -> g.equals(r.service() + "|" + USAGE_TYPES.contains(r.chargeType()))).toList();
                List<List<String>> combinations = List.of(List.of());
                for (int j = 0; j < keys.size(); j++) {
                    requests += combinations.size();
                    Set<List<String>> next = new LinkedHashSet<>();
                    for (List<String> c : combinations) {
                        for (Row line : lines) {
                            if (has(line, keys, c)) {
                                List<String> more = new ArrayList<>(c);
                                more.add(tag(line, keys.get(j)));
                                next.add(more);
                            }
                        }
                    }
                    combinations = List.copyOf(next);
                }
            }
        }
        return 2 * requests;
    }

    private static boolean has(Row line, List<String> keys, List<String> c) {
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i) != null && !c.get(i).equals(tag(line, keys.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** @return the line's value of a tag, its name matched ignoring case; null without it */
    static String tag(Row r, String key) {
        return r.tags().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /**
     * Every record carries every key; billed and effective totals per (subscription, day, service, region, category,
     * correction, tag values) equal the BigDecimal sums of the rows, to the last digit, and records are only of such cells.
     */
    static void assertExact(List<Row> rows, List<String> keys, List<CostRecord> records) {
        assertThat(records).allSatisfy(r -> assertThat(r.tags()).containsOnlyKeys(keys));
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (Row r : rows) {
            boolean usage = USAGE_TYPES.contains(r.chargeType());
            String category = usage ? "USAGE" : switch (r.chargeType()) {
                case "Purchase", "Refund" -> "PURCHASE";
                case "Tax" -> "TAX";
                case "Credit" -> "CREDIT";
                default -> "ADJUSTMENT";
            };
            StringBuilder key = new StringBuilder(r.subscriptionId() + "|" + r.date() + "|" + r.service() + "|"
                    + (usage && !r.location().isEmpty() ? r.location() : "global") + "|" + category + "|"
                    + r.chargeType().equals("Refund"));
            keys.forEach(k -> key.append('|').append(tag(r, k) == null ? "" : tag(r, k)));
            expected.merge("billed " + key, r.cost(), BigDecimal::add);
            expected.merge("effective " + key, r.amortizedCost(), BigDecimal::add);
        }
        Map<String, BigDecimal> actual = new TreeMap<>();
        for (CostRecord r : records) {
            StringBuilder key = new StringBuilder(r.subAccountId() + "|" + r.chargeDate() + "|" + r.service() + "|" + r.region() + "|"
                    + r.chargeCategory() + "|" + r.correction());
            keys.forEach(k -> key.append('|').append(r.tags().get(k)));
            actual.merge("billed " + key, r.billedCost().amount(), BigDecimal::add);
            actual.merge("effective " + key, r.effectiveCost().amount(), BigDecimal::add);
        }
        // no record for a combination no line has (a query of a combination with absent values answers its refinements'
        // cells too: their own amount there is 0, not a record)
        assertThat(expected.keySet()).containsAll(actual.keySet());
        Set<String> all = new HashSet<>(expected.keySet());
        all.addAll(actual.keySet());
        for (String k : all) {
            assertThat(actual.getOrDefault(k, BigDecimal.ZERO)).as(k)
                    .isEqualByComparingTo(expected.getOrDefault(k, BigDecimal.ZERO));
        }
        BigDecimal billed = rows.stream().map(Row::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(billed);
    }

    private static BigDecimal total(List<CostRecord> records, String team, String env) {
        return records.stream().filter(r -> r.tags().get("team").equals(team) && r.tags().get("env").equals(env))
                .map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static void assertAtMostTwoGroupings(AzureCostManagementSimulator sim) throws Exception {
        for (String body : sim.queryBodies()) {
            JsonNode grouping = JSON.readTree(body).at("/dataset/grouping");
            assertThat(grouping.size()).as(body).isBetween(1, 2);
        }
    }

    private static AzureCostManagementSimulator simulator(List<Row> rows) {
        return AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET).rows(rows).pageSize(1000).start();
    }

    private static AzureCostManagementProvider provider(AzureCostManagementSimulator sim, String tagKeys, int max) {
        return AzureCostManagementProvider.builder().endpoint(URI.create(sim.endpoint()))
                .authority(URI.create(sim.endpoint())).maxRequestsPerFetch(max)
                .tagKeys(List.of(tagKeys.split(","))).build();
    }

    private static FetchRequest request() {
        return FetchRequest.of(account(SCOPE), FEB_MAR, Granularity.DAILY);
    }

    private static ServiceAccount account(String scope) {
        return new ServiceAccount(ServiceAccountId.of("tags"), ProviderId.of(AzureCostManagementProvider.ID),
                ProjectId.of("project-tags"), Credentials.of(Map.of("tenantId", TENANT, "clientId", CLIENT,
                "clientSecret", SECRET, "scope", scope)), Map.of());
    }
}
