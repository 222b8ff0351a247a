package dev.billing.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Granularity;
import dev.billing.core.spi.Capability;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Billed and effective cost from one request per query, tags by the {@code tagKeys} plan, and the request count the
 * docs state, against the testkit's Cost Explorer simulator.
 */
@Timeout(60)
class AwsTagsAndEffectiveCostTest extends AwsTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BillingPeriod TWO_MONTHS = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 1));
    private AwsCostExplorerSimulator sim;
    private AwsCostExplorerProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        sim.close();
    }

    private static List<Row> randomRows(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] services = {"Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "AWS Lambda"};
        String[] regions = {"us-east-1", "eu-west-1", "NoRegion"};
        String[] types = {"Usage", "Usage", "DiscountedUsage", "RIFee", "Tax", "Credit"};
        String[] teams = {"web", "data", ""};
        String[] envs = {"prod", "dev", ""};
        List<Row> rows = new ArrayList<>();
        for (LocalDate d = TWO_MONTHS.start(); d.isBefore(TWO_MONTHS.end()); d = d.plusDays(1)) {
            for (String linked : new String[] {LINKED_A, LINKED_B}) {
                for (int i = 0; i < 3; i++) {
                    String type = types[random.nextInt(types.length)];
                    BigDecimal amount = new BigDecimal(random.nextLong(1, 100_000_000L)).movePointLeft(random.nextInt(0, 9));
                    BigDecimal amortized = type.equals("RIFee") ? BigDecimal.ZERO
                            : amount.add(new BigDecimal(random.nextLong(0, 1000)).movePointLeft(3));
                    if (type.equals("Credit")) {
                        amount = amount.negate();
                        amortized = amount;
                    }
                    Map<String, String> tags = new HashMap<>();
                    String team = teams[random.nextInt(teams.length)];
                    String env = envs[random.nextInt(envs.length)];
                    if (!team.isEmpty()) {
                        tags.put("team", team);
                    }
                    if (!env.isEmpty()) {
                        tags.put("env", env);
                    }
                    rows.add(new Row(PAYER, d, linked, services[random.nextInt(services.length)], regions[random.nextInt(3)],
                            type, "USD", amount).withAmortized(amortized).withTags(tags));
                }
            }
        }
        return rows;
    }

    private void start(List<Row> rows, List<String> tagKeys) {
        sim = AwsCostExplorerSimulator.builder().account(PAYER, KEY_ID, SECRET).rows(rows).pageSize(1_000_000).start();
        provider = provider(sim.endpoint()).tagKeys(tagKeys).build();
    }

    /** The key a record and a row share: linked account, service, region, category and the tags of {@code keys}. */
    private static String key(String linked, String service, String region, ChargeCategory category, Map<String, String> tags,
            List<String> keys) {
        return linked + "|" + service + "|" + region + "|" + category + "|"
                + keys.stream().map(k -> k + "=" + tags.getOrDefault(k, "")).collect(Collectors.joining(","));
    }

    private static Map<String, BigDecimal> expected(List<Row> rows, List<String> keys, Function<Row, BigDecimal> metric) {
        Map<String, BigDecimal> out = new TreeMap<>();
        for (Row r : rows) {
            String region = r.region().equals("NoRegion") ? "global" : r.region();
            out.merge(key(r.linkedAccount(), r.service(), region, dev.billing.aws.internal.RecordTypes.category(r.recordType()),
                    r.tags(), keys), metric.apply(r), BigDecimal::add);
        }
        out.replaceAll((k, v) -> v.stripTrailingZeros());
        return out;
    }

    private static Map<String, BigDecimal> actual(List<CostRecord> records, List<String> keys,
            Function<CostRecord, BigDecimal> metric) {
        Map<String, BigDecimal> out = new TreeMap<>();
        for (CostRecord c : records) {
            out.merge(key(c.subAccountId(), c.service(), c.region(), c.chargeCategory(), c.tags(), keys), metric.apply(c),
                    BigDecimal::add);
        }
        out.replaceAll((k, v) -> v.stripTrailingZeros());
        return out;
    }

    /**
     * The request count docs/aws-cost-explorer.md states, per month: 1 discovery request; one detail request per
     * linked account, or per (linked account, record type) when it has several; with tag keys K1..Kn, per (linked
     * account, record type, service): 1 request for K1, then for each further key one per combination of the values
     * (an absent tag counting as a value) of the keys before it.
     */
    private static int documentedRequests(List<Row> rows, List<String> tagKeys) {
        int n = 0;
        Map<YearMonth, List<Row>> byMonth = rows.stream().collect(Collectors.groupingBy(r -> YearMonth.from(r.date())));
        for (List<Row> month : byMonth.values()) {
            n++;
            Map<String, Set<String>> types = month.stream().collect(Collectors.groupingBy(Row::linkedAccount,
                    Collectors.mapping(Row::recordType, Collectors.toSet())));
            n += types.values().stream().mapToInt(t -> Math.max(1, t.size())).sum();
            if (tagKeys.isEmpty()) {
                continue;
            }
            Map<String, List<Row>> cells = month.stream().collect(Collectors.groupingBy(r -> r.linkedAccount() + "|"
                    + r.recordType() + "|" + r.service()));
            for (List<Row> cell : cells.values()) {
                for (int level = 0; level < tagKeys.size(); level++) {
                    List<String> before = tagKeys.subList(0, level);
                    n += (int) cell.stream().map(r -> before.stream().map(k -> r.tags().getOrDefault(k, ""))
                            .collect(Collectors.joining("\u0000"))).distinct().count();
                }
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 11})
    void fetch_withTwoTagKeys_givesExactBilledAndEffectiveCostPerTagValue_andCountsTheDocumentedRequests(long seed)
            throws Exception {
        List<Row> rows = randomRows(seed);
        List<String> keys = List.of("team", "env");
        start(rows, keys);

        Result r = fetch(provider, request(account("prod-aws"), TWO_MONTHS, Granularity.DAILY));

        assertThat(actual(r.records(), keys, c -> c.billedCost().amount())).isEqualTo(expected(rows, keys, Row::amount));
        assertThat(actual(r.records(), keys, c -> c.effectiveCost().amount()))
                .isEqualTo(expected(rows, keys, Row::amortizedAmount));
        assertThat(r.records()).allSatisfy(c -> assertThat(c.tags()).doesNotContainValue("")
                .containsOnlyKeys(c.tags().keySet().stream().filter(keys::contains).toList()));
        for (String body : sim.costRequestBodies()) {
            JsonNode req = JSON.readTree(body);
            assertThat(req.path("GroupBy").size()).isBetween(1, 2);
            assertThat(req.get("Metrics").toString()).isEqualTo("[\"UnblendedCost\",\"AmortizedCost\"]");
        }
        int sent = sim.costRequests(PAYER);
        assertThat(sent).isEqualTo(documentedRequests(rows, keys));
        assertThat(r.stats().billedRequests()).isEqualTo(sent);
        assertThat(r.stats().requests()).isEqualTo(sent);
        assertThat(r.stats().requestCharges()).isEqualTo(new BigDecimal("0.01").multiply(BigDecimal.valueOf(sent)));
        assertThat(provider.capabilities()).contains(Capability.TAGS, Capability.EFFECTIVE_COST)
                .doesNotContain(Capability.LIST_COST);
    }

    @Test
    void fetch_withOneTagKey_monthly_givesExactTotalsPerValue_andUntaggedLinesHaveNoTag() {
        List<Row> rows = randomRows(5);
        List<String> keys = List.of("team");
        start(rows, keys);

        Result r = fetch(provider, request(account("prod-aws"), TWO_MONTHS, Granularity.MONTHLY));

        assertThat(actual(r.records(), keys, c -> c.billedCost().amount())).isEqualTo(expected(rows, keys, Row::amount));
        Map<String, BigDecimal> perTeam = new LinkedHashMap<>();
        r.records().forEach(c -> perTeam.merge(c.tags().getOrDefault("team", "(none)"), c.billedCost().amount(), BigDecimal::add));
        assertThat(perTeam.keySet()).containsExactlyInAnyOrder("web", "data", "(none)");
        assertThat(sim.costRequests(PAYER)).isEqualTo(documentedRequests(rows, keys));
    }

    @Test
    void fetch_withoutTagKeys_asksForBothMetricsInTheSameRequests_andDeclaresNoTags() {
        List<Row> rows = randomRows(7);
        start(rows, List.of());

        Result r = fetch(provider, request(account("prod-aws"), TWO_MONTHS, Granularity.DAILY));

        assertThat(actual(r.records(), List.of(), c -> c.billedCost().amount())).isEqualTo(expected(rows, List.of(), Row::amount));
        assertThat(actual(r.records(), List.of(), c -> c.effectiveCost().amount()))
                .isEqualTo(expected(rows, List.of(), Row::amortizedAmount));
        assertThat(r.records()).allSatisfy(c -> assertThat(c.tags()).isEmpty());
        assertThat(sim.costRequests(PAYER)).isEqualTo(documentedRequests(rows, List.of()));
        assertThat(sim.costRequestBodies()).allSatisfy(b -> assertThat(b).doesNotContain("\"TAG\""));
        assertThat(provider.capabilities()).containsExactlyInAnyOrder(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY,
                Capability.EFFECTIVE_COST);
    }

    @Test
    void fetch_withANetCostMetric_readsNetAmortizedCostAsEffectiveCost() {
        List<Row> rows = randomRows(9);
        sim = AwsCostExplorerSimulator.builder().account(PAYER, KEY_ID, SECRET).rows(rows).start();
        provider = provider(sim.endpoint()).costMetric(CostMetric.NET_UNBLENDED_COST).build();

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.MONTHLY));

        assertThat(sim.costRequestBodies()).allSatisfy(b -> assertThat(JSON.readTree(b).get("Metrics").toString())
                .isEqualTo("[\"NetUnblendedCost\",\"NetAmortizedCost\"]"));
        List<Row> january = rows.stream().filter(x -> x.date().getMonthValue() == 1).toList();
        assertThat(r.records().stream().map(c -> c.effectiveCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(january.stream().map(Row::amortizedAmount).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    /**
     * One crafted line of every RECORD_TYPE, each under its own service so that each becomes one record: its charge
     * category as AWS defines the line item type, billed cost the unblended and effective cost the amortized amount
     * (as AWS's own FOCUS export derives BilledCost and EffectiveCost).
     */
    @Test
    void everyRecordType_becomesItsChargeCategory_withBilledAndEffectiveCost() {
        record Line(String type, ChargeCategory category, String unblended, String amortized) {
        }
        List<Line> lines = List.of(
                new Line("Usage", ChargeCategory.USAGE, "10.00", "10.00"),
                new Line("DiscountedUsage", ChargeCategory.USAGE, "0", "6.25"),
                new Line("SavingsPlanCoveredUsage", ChargeCategory.USAGE, "8.00", "5.50"),
                new Line("SavingsPlanNegation", ChargeCategory.USAGE, "-8.00", "0"),
                new Line("RIFee", ChargeCategory.PURCHASE, "6.25", "0"),
                new Line("SavingsPlanRecurringFee", ChargeCategory.PURCHASE, "5.50", "0"),
                new Line("SavingsPlanUpfrontFee", ChargeCategory.PURCHASE, "1200", "0"),
                new Line("Fee", ChargeCategory.PURCHASE, "29.00", "29.00"),
                new Line("Tax", ChargeCategory.TAX, "1.9", "1.9"),
                new Line("Credit", ChargeCategory.CREDIT, "-3.333", "-3.333"),
                new Line("Refund", ChargeCategory.CREDIT, "-0.01", "-0.01"));
        List<Row> rows = new ArrayList<>();
        for (Line l : lines) {
            rows.add(new Row(PAYER, LocalDate.of(2026, 1, 7), LINKED_A, "svc-" + l.type(), "us-east-1", l.type(), "USD",
                    new BigDecimal(l.unblended())).withAmortized(new BigDecimal(l.amortized())));
        }
        start(rows, List.of());

        Result r = fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY));

        assertThat(r.records()).hasSize(lines.size());
        for (Line l : lines) {
            assertThat(r.records()).filteredOn(c -> c.service().equals("svc-" + l.type())).singleElement().satisfies(c -> {
                assertThat(c.chargeCategory()).as(l.type()).isEqualTo(l.category());
                assertThat(c.billedCost().amount()).as(l.type()).isEqualByComparingTo(l.unblended());
                assertThat(c.effectiveCost().amount()).as(l.type()).isEqualByComparingTo(l.amortized());
                assertThat(c.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 7));
            });
        }
    }
}
