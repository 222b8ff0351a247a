package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A live allocated report whose accounts carry many more distinct combinations of the values the rules read (sub
 * account, service, tag) than a partial first makes room for, several accounts in turn (the later ones sized from
 * the earlier ones): every project's daily series, with and without a group-by the rules read, and every move
 * equal a line-by-line {@link BigDecimal} reference of the first matching rule.
 */
class LiveAllocationCombinationsTest {
    private static final Currency USD = Currency.getInstance("USD");
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));
    private static final Map<String, String> PROJECT_OF = Map.of("a0", "p0", "a1", "p1", "a2", "p0", "a3", "p1");

    private static List<String> names(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static final Allocation ALLOCATION = Allocation.builder()
            .rule("teamed", Map.of("service", names("s", 0, 5), "tag:team", List.of("t0", "t1")), "alpha")
            .rule("sub", Map.of("subAccount", List.of("sub-1")), "beta")
            .rule("service-of-p1", Map.of("service", names("s", 5, 10), "project", List.of("p1")), "gamma")
            .build();

    /** @return the project the first matching rule routes a line item to, else its registered project */
    private static String routed(CostRecord r) {
        int service = Integer.parseInt(r.service().substring(1));
        String team = r.tags().getOrDefault("team", "");
        if (service < 5 && (team.equals("t0") || team.equals("t1"))) {
            return "alpha";
        }
        if (r.subAccountId().equals("sub-1")) {
            return "beta";
        }
        if (service >= 5 && service < 10 && r.project().value().equals("p1")) {
            return "gamma";
        }
        return r.project().value();
    }

    @Test
    void everyProjectsDailySeriesAndEveryMoveEqualTheReference() {
        SplittableRandom random = new SplittableRandom(25);
        TestProvider provider = new TestProvider();
        Map<String, Map<LocalDate, BigDecimal>> expected = new TreeMap<>();
        Map<String, BigDecimal> moved = new TreeMap<>();
        for (String account : new TreeMap<>(PROJECT_OF).keySet()) {
            List<CostRecord> items = new ArrayList<>();
            for (int i = 0; i < 1_200; i++) {
                CostRecord r = CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 1 + i * 4 / 1_200))
                        .provider(ProviderId.of(TestProvider.ID)).billingAccountId("123456789012")
                        .serviceAccount(ServiceAccountId.of(account)).project(ProjectId.of(PROJECT_OF.get(account)))
                        .subAccountId("sub-" + random.nextInt(5)).service("s" + random.nextInt(20)).region("global")
                        .tags(Map.of("team", "t" + random.nextInt(8)))
                        .billedCost(new Money(BigDecimal.valueOf(random.nextLong(-1_000, 100_000), 2), USD)).build();
                items.add(r);
                String to = routed(r);
                expected.computeIfAbsent(to, p -> new TreeMap<>()).merge(r.chargeDate(), r.billedCost().amount(),
                        BigDecimal::add);
                if (!to.equals(r.project().value())) {
                    moved.merge(r.project().value() + " -> " + to, r.billedCost().amount(), BigDecimal::add);
                }
            }
            provider.serve(account, items);
        }
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).allocation(ALLOCATION)
                .maxConcurrentFetches(1).build()) {
            PROJECT_OF.forEach((a, p) -> billing.serviceAccounts().register(a, TestProvider.ID,
                    TestProvider.credentials(), p));
            for (CostQuery q : List.of(CostQuery.builder(JAN).granularity(Granularity.DAILY).build(),
                    CostQuery.builder(JAN).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE).build(),
                    CostQuery.builder(JAN).granularity(Granularity.DAILY).groupBy(Dimension.tag("team")).build())) {
                CostReport r = billing.costs().report(q);
                Map<String, Map<LocalDate, BigDecimal>> actual = new TreeMap<>();
                r.projects().forEach((p, s) -> s.series().forEach(point -> {
                    if (point.amount().amount().signum() != 0) {
                        actual.computeIfAbsent(p.value(), x -> new TreeMap<>()).put(point.start(),
                                point.amount().amount());
                    }
                }));
                assertThat(actual).as(q.toString()).usingRecursiveComparison()
                        .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(expected);
                Map<String, BigDecimal> moves = new TreeMap<>();
                r.allocation().orElseThrow().moved().forEach(m -> moves.merge(m.from().value() + " -> "
                        + m.to().value(), m.amount(), BigDecimal::add));
                assertThat(moves).as(q.toString()).usingRecursiveComparison()
                        .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(moved);
            }
        }
    }
}
