package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Allocation over seeded random domains (rules on fixed columns and tags, projects from tags, even, fixed and
 * proportional splits, several currencies and days, failing accounts), checked against a straightforward
 * {@link BigDecimal} reference written here, line item by line item, from the contract.
 */
@Timeout(60)
class AllocationPropertyTest {
    private static final List<String> PROJECTS = List.of("p0", "p1", "p2", "p3");
    private static final List<String> SERVICES = List.of("Compute", "Storage", "Support");
    private static final List<String> SUBS = List.of("", "111111111111", "222222222222");
    private static final List<String> TEAMS = List.of("web", "data", "p2", "", "not a project!");
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("USD"),
            Currency.getInstance("EUR"), Currency.getInstance("JPY"));

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 40);
    }

    /** A random domain and allocation. */
    record Domain(BillingPeriod period, Map<String, String> projectOf, Map<String, List<CostRecord>> records,
                  Set<String> failing, Allocation allocation) {
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyTotalSeriesPointRowAndMoveEqualsTheReference_DailyAndMonthly(int seed) {
        Domain d = generate(seed);
        TestProvider provider = new TestProvider();
        d.records.forEach(provider::serve);
        d.failing.forEach(a -> provider.fail(a, TestProvider.Failure.UNAVAILABLE, 0));
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                .allocation(d.allocation).build()) {
            d.projectOf.forEach((a, p) -> billing.serviceAccounts().register(a, TestProvider.ID,
                    TestProvider.credentials(), p));
            List<String> ok = d.projectOf.keySet().stream().filter(a -> !d.failing.contains(a)).toList();
            Reference ref = reference(d, ok);
            for (Granularity g : List.of(Granularity.DAILY, Granularity.MONTHLY)) {
                CostReport r = billing.costs().report(CostQuery.builder(d.period).granularity(g)
                        .groupBy(Dimension.PROJECT).build());
                CostReport raw = billing.costs().report(CostQuery.builder(d.period).granularity(g).rawCosts(true)
                        .build());
                String what = "seed " + seed + " " + g + " " + d.allocation.rules() + " " + d.allocation.splits();
                assertThat(raw.allocation()).isEmpty();
                assertThat(nonZero(series(r.domain()))).as(what).isEqualTo(nonZero(series(raw.domain())));
                assertThat(nonZero(totals(r.domain()))).as(what).isEqualTo(nonZero(totals(raw.domain())));
                Set<String> projects = new TreeSet<>(ref.byProject.keySet());
                r.projects().keySet().forEach(p -> projects.add(p.value()));
                Map<List<Object>, BigDecimal> rowsByProject = new HashMap<>();
                for (CostRow row : r.rows()) {
                    rowsByProject.merge(List.of(row.keys().get(Dimension.PROJECT), row.start(),
                            row.amount().currency()), row.amount().amount(), BigDecimal::add);
                }
                for (String p : projects) {
                    Map<List<Object>, BigDecimal> expected = ref.series(p, g);
                    CostSummary summary = r.projects().get(ProjectId.of(p));
                    assertThat(summary).as(what + " project " + p + " listed").isNotNull();
                    assertThat(nonZero(series(summary))).as(what + " " + p).isEqualTo(expected);
                    assertThat(nonZero(totals(summary))).as(what + " " + p).isEqualTo(ref.totals(p));
                    Map<List<Object>, BigDecimal> rows = new HashMap<>();
                    rowsByProject.forEach((k, v) -> {
                        if (k.get(0).equals(p)) {
                            rows.put(List.of(k.get(1), k.get(2)), v);
                        }
                    });
                    assertThat(nonZero(rows)).as(what + " rows of " + p).isEqualTo(expected);
                }
                assertThat(r.allocation().isPresent()).isEqualTo(!d.allocation.isEmpty());
                Map<List<Object>, BigDecimal> moved = new HashMap<>();
                r.allocation().ifPresent(applied -> applied.moved().forEach(m -> moved.put(List.of(m.by(),
                        m.from().value(), m.to().value(), m.currency()), m.amount())));
                assertThat(nonZero(moved)).as(what).isEqualTo(nonZero(ref.moved));
                r.allocation().ifPresent(applied -> assertThat(applied.fingerprint())
                        .isEqualTo(d.allocation.fingerprint()));
                assertThat(r.isComplete()).isEqualTo(d.failing.isEmpty());
                Reference whole = reference(d, List.copyOf(d.projectOf.keySet()));
                for (String p : projects) {
                    if (!whole.series(p, Granularity.DAILY).equals(ref.series(p, Granularity.DAILY))) {
                        assertThat(r.isComplete(p)).as(what + " " + p + " misses a failed account's costs").isFalse();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rowsByProjectAndServiceAddUpBothWays(int seed) {
        Domain d = generate(seed);
        TestProvider provider = new TestProvider();
        d.records.forEach(provider::serve);
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                .allocation(d.allocation).build()) {
            d.projectOf.forEach((a, p) -> billing.serviceAccounts().register(a, TestProvider.ID,
                    TestProvider.credentials(), p));
            Reference ref = reference(d, List.copyOf(d.projectOf.keySet()));
            CostReport r = billing.costs().report(CostQuery.builder(d.period).granularity(Granularity.MONTHLY)
                    .groupBy(Dimension.PROJECT, Dimension.SERVICE).build());
            CostReport raw = billing.costs().report(CostQuery.builder(d.period).granularity(Granularity.MONTHLY)
                    .groupBy(Dimension.SERVICE).rawCosts(true).build());
            Map<List<Object>, BigDecimal> byProject = new HashMap<>();
            Map<List<Object>, BigDecimal> byService = new HashMap<>();
            for (CostRow row : r.rows()) {
                byProject.merge(List.of(row.keys().get(Dimension.PROJECT), row.start(), row.amount().currency()),
                        row.amount().amount(), BigDecimal::add);
                byService.merge(List.of(row.keys().get(Dimension.SERVICE), row.start(), row.amount().currency()),
                        row.amount().amount(), BigDecimal::add);
            }
            Map<List<Object>, BigDecimal> rawByService = new HashMap<>();
            raw.rows().forEach(row -> rawByService.put(List.of(row.keys().get(Dimension.SERVICE), row.start(),
                    row.amount().currency()), row.amount().amount()));
            assertThat(nonZero(byService)).isEqualTo(nonZero(rawByService));
            Map<List<Object>, BigDecimal> expected = new HashMap<>();
            ref.byProject.keySet().forEach(p -> ref.series(p, Granularity.MONTHLY).forEach((k, v) ->
                    expected.put(List.of(p, k.get(0), k.get(1)), v)));
            assertThat(nonZero(byProject)).isEqualTo(expected);
            CostReport filtered = billing.costs().report(CostQuery.builder(d.period).granularity(Granularity.MONTHLY)
                    .filter(Dimension.SERVICE, "Support").groupBy(Dimension.PROJECT, Dimension.SERVICE).build());
            List<CostRow> support = r.rows().stream().filter(row -> row.keys().get(Dimension.SERVICE)
                    .equals("Support")).toList();
            assertThat(filtered.rows()).isEqualTo(support);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fromTheInMemoryStore_everyQueryEqualsTheLiveReport(int seed) {
        Domain d = generate(seed);
        TestProvider provider = new TestProvider().withinPeriod();
        d.records.forEach(provider::serve);
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                .allocation(d.allocation).build()) {
            d.projectOf.forEach((a, p) -> billing.serviceAccounts().register(a, TestProvider.ID,
                    TestProvider.credentials(), p));
            CostSync sync = CostSync.builder(billing).store(CostStores.inMemory()).monthsBack(8)
                    .clock(Clock.fixed(Instant.parse("2026-06-15T00:00:00Z"), ZoneOffset.UTC)).build();
            assertThat(sync.sync().isComplete()).isTrue();
            for (CostQuery q : List.of(
                    CostQuery.builder(d.period).granularity(Granularity.DAILY).groupBy(Dimension.PROJECT).build(),
                    CostQuery.builder(d.period).granularity(Granularity.MONTHLY).build(),
                    CostQuery.builder(d.period).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE).build(),
                    CostQuery.builder(d.period).groupBy(Dimension.tag("team"), Dimension.SUB_ACCOUNT).build(),
                    CostQuery.builder(d.period).filter(Dimension.SERVICE, "Support").groupBy(Dimension.PROJECT)
                            .build())) {
                CostReport live = billing.costs().report(q);
                CostReport stored = sync.report(q);
                String what = "seed " + seed + " " + q + " " + d.allocation.rules() + " " + d.allocation.splits();
                assertThat(stored.domain()).as(what).isEqualTo(live.domain());
                assertThat(stored.projects()).as(what).isEqualTo(live.projects());
                assertThat(stored.rows()).as(what).isEqualTo(live.rows());
                assertThat(stored.allocation()).as(what).isEqualTo(live.allocation());
            }
        }
    }

    /**
     * A window whose line items each have their own sub account, read by more rules than a bitset word holds (the
     * first match in either word decides), a rule taking projects from a tag and a proportional split.
     */
    @org.junit.jupiter.api.Test
    void fromTheInMemoryStore_valuesSpreadWide_equalsTheLiveReport() {
        BillingPeriod period = BillingPeriod.month(java.time.YearMonth.of(2026, 3));
        List<CostRecord> records = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 3_000; i++) {
            records.add(CostRecord.builder().chargeDate(period.start().plusDays(rnd.nextInt(31)))
                    .provider(ProviderId.of(TestProvider.ID)).billingAccountId("123456789012")
                    .subAccountId(String.format("%012d", i)).serviceAccount(ServiceAccountId.of("sa-0"))
                    .project(ProjectId.of("p0")).service("service-" + (i * 7919 % 3_000)).region("global")
                    .tags(i % 3 == 0 ? Map.of() : Map.of("team", pick(rnd, TEAMS)))
                    .billedCost(new Money(BigDecimal.valueOf(rnd.nextLong(1, 90_000), 3), CURRENCIES.get(0))).build());
        }
        Allocation.Builder rules = Allocation.builder();
        for (int k = 0; k < 70; k++) {
            int rule = k;
            rules.rule("subs " + k, Map.of("subAccount", IntStream.range(0, 3_000).filter(i -> i % 4 == 0 && i % 70
                    == rule).mapToObj(i -> String.format("%012d", i)).toList()), PROJECTS.get(1 + k % 3));
        }
        Allocation allocation = rules
                .rule("odd subs", Map.of("subAccount", IntStream.range(0, 3_000).filter(i -> i % 2 == 1)
                        .mapToObj(i -> String.format("%012d", i)).toList()), "p1")
                .ruleFromTag("teams", Map.of("service", IntStream.range(0, 1_000)
                        .mapToObj(i -> "service-" + i).toList()), "team")
                .split("shared", Map.of("service", List.of("service-2999", "service-17", "service-5")),
                        List.of("p2", "p3"), Allocation.Method.PROPORTIONAL)
                .build();
        TestProvider provider = new TestProvider().withinPeriod().serve("sa-0", records);
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                .allocation(allocation).build()) {
            billing.serviceAccounts().register("sa-0", TestProvider.ID, TestProvider.credentials(), "p0");
            CostSync sync = CostSync.builder(billing).store(CostStores.inMemory()).monthsBack(4)
                    .clock(Clock.fixed(Instant.parse("2026-06-15T00:00:00Z"), ZoneOffset.UTC)).build();
            assertThat(sync.sync().isComplete()).isTrue();
            for (CostQuery q : List.of(CostQuery.builder(period).granularity(Granularity.DAILY).build(),
                    CostQuery.builder(period).groupBy(Dimension.SERVICE).build())) {
                CostReport live = billing.costs().report(q);
                CostReport stored = sync.report(q);
                assertThat(live.allocation().orElseThrow().moved()).extracting(m -> m.by())
                        .contains("subs 2", "subs 68", "odd subs", "teams", "shared");
                assertThat(stored.projects()).isEqualTo(live.projects());
                assertThat(stored.rows()).isEqualTo(live.rows());
                assertThat(stored.allocation()).isEqualTo(live.allocation());
            }
        }
    }

    /** The reference: per project, day and currency, what it has after the allocation; and what moved. */
    static final class Reference {
        final Map<String, Map<List<Object>, BigDecimal>> byProject = new TreeMap<>();
        final Map<List<Object>, BigDecimal> moved = new HashMap<>();

        void add(String project, LocalDate day, Currency c, BigDecimal v) {
            byProject.computeIfAbsent(project, p -> new HashMap<>()).merge(List.of(day, c), v, BigDecimal::add);
        }

        Map<List<Object>, BigDecimal> series(String project, Granularity g) {
            Map<List<Object>, BigDecimal> out = new HashMap<>();
            byProject.getOrDefault(project, Map.of()).forEach((k, v) ->
                    out.merge(List.of(g.bucketStart((LocalDate) k.get(0)), k.get(1)), v, BigDecimal::add));
            return nonZero(out);
        }

        Map<Currency, BigDecimal> totals(String project) {
            Map<Currency, BigDecimal> out = new HashMap<>();
            byProject.getOrDefault(project, Map.of()).forEach((k, v) -> out.merge((Currency) k.get(1), v,
                    BigDecimal::add));
            return nonZero(out);
        }
    }

    static Reference reference(Domain d, List<String> accounts) {
        Allocation a = d.allocation;
        Reference ref = new Reference();
        Map<List<Object>, BigDecimal> weight = new HashMap<>();
        Map<List<Object>, BigDecimal> source = new LinkedHashMap<>();
        for (String account : accounts) {
            String registered = d.projectOf.get(account);
            for (CostRecord r : d.records.get(account)) {
                if (!d.period.contains(r.chargeDate())) {
                    continue;
                }
                String routed = registered;
                String byRule = null;
                for (Allocation.Rule rule : a.rules()) {
                    boolean all = rule.when().entrySet().stream().allMatch(e -> e.getValue().contains(
                            e.getKey() == Dimension.PROJECT ? registered : e.getKey().valueOf(r)));
                    String to = rule.project() != null ? rule.project().value()
                            : validProject(r.tags().getOrDefault(rule.projectFromTag(), ""));
                    if (all && to != null) {
                        routed = to;
                        byRule = rule.name();
                        break;
                    }
                }
                Currency c = r.billedCost().currency();
                BigDecimal v = r.billedCost().amount();
                if (byRule != null && !routed.equals(registered)) {
                    ref.moved.merge(List.of(byRule, registered, routed, c), v, BigDecimal::add);
                }
                int split = -1;
                for (int s = 0; s < a.splits().size() && split < 0; s++) {
                    String p = routed;
                    if (a.splits().get(s).from().entrySet().stream().allMatch(e -> e.getValue().contains(
                            e.getKey() == Dimension.PROJECT ? p : e.getKey().valueOf(r)))) {
                        split = s;
                    }
                }
                if (split < 0) {
                    ref.add(routed, r.chargeDate(), c, v);
                    weight.merge(List.of(r.chargeDate(), c, routed), v, BigDecimal::add);
                } else {
                    source.merge(List.of(split, r.chargeDate(), c, routed), v, BigDecimal::add);
                }
            }
        }
        source.forEach((k, s) -> {
            Allocation.Split split = a.splits().get((Integer) k.get(0));
            LocalDate day = (LocalDate) k.get(1);
            Currency c = (Currency) k.get(2);
            String from = (String) k.get(3);
            List<BigDecimal> w = new ArrayList<>();
            for (int i = 0; i < split.to().size(); i++) {
                w.add(switch (split.method()) {
                    case EVEN -> BigDecimal.ONE;
                    case FIXED -> split.percents().get(i);
                    case PROPORTIONAL -> weight.getOrDefault(List.of(day, c, split.to().get(i).value()),
                            BigDecimal.ZERO).max(BigDecimal.ZERO);
                });
            }
            if (w.stream().allMatch(x -> x.signum() == 0)) {
                w.replaceAll(x -> BigDecimal.ONE);
            }
            BigDecimal sum = w.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            int largest = 0;
            for (int i = 1; i < w.size(); i++) {
                if (w.get(i).compareTo(w.get(largest)) > 0) {
                    largest = i;
                }
            }
            BigDecimal left = s;
            for (int i = 0; i < w.size(); i++) {
                if (i != largest) {
                    BigDecimal share = s.multiply(w.get(i)).divide(sum, 10, RoundingMode.HALF_EVEN);
                    left = left.subtract(share);
                    give(ref, split.name(), from, split.to().get(i).value(), day, c, share);
                }
            }
            give(ref, split.name(), from, split.to().get(largest).value(), day, c, left);
        });
        return ref;
    }

    private static void give(Reference ref, String by, String from, String to, LocalDate day, Currency c,
                             BigDecimal v) {
        ref.add(to, day, c, v);
        if (!from.equals(to)) {
            ref.moved.merge(List.of(by, from, to, c), v, BigDecimal::add);
        }
    }

    private static String validProject(String v) {
        return v.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}") ? v : null;
    }

    private static Map<List<Object>, BigDecimal> series(CostSummary s) {
        Map<List<Object>, BigDecimal> out = new HashMap<>();
        s.series().forEach(p -> out.merge(List.of(p.start(), p.amount().currency()), p.amount().amount(),
                BigDecimal::add));
        return out;
    }

    private static Map<Currency, BigDecimal> totals(CostSummary s) {
        Map<Currency, BigDecimal> out = new HashMap<>();
        s.totals().forEach(m -> out.merge(m.currency(), m.amount(), BigDecimal::add));
        return out;
    }

    /** Zero amounts dropped and the rest stripped of trailing zeros, so maps compare by value. */
    private static <K> Map<K, BigDecimal> nonZero(Map<K, BigDecimal> m) {
        Map<K, BigDecimal> out = new HashMap<>();
        m.forEach((k, v) -> {
            if (v.signum() != 0) {
                out.put(k, v.stripTrailingZeros());
            }
        });
        return out;
    }

    static Domain generate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LocalDate start = LocalDate.of(2026, 1, 1).plusDays(rnd.nextInt(60));
        BillingPeriod period = BillingPeriod.of(start, start.plusDays(1 + rnd.nextInt(70)));
        List<Currency> currencies = CURRENCIES.subList(0, 1 + rnd.nextInt(CURRENCIES.size()));
        Map<String, String> projectOf = new LinkedHashMap<>();
        Map<String, List<CostRecord>> records = new LinkedHashMap<>();
        Set<String> failing = new TreeSet<>();
        int accounts = 1 + rnd.nextInt(6);
        for (int a = 0; a < accounts; a++) {
            String name = "sa-" + a;
            String project = pick(rnd, PROJECTS);
            projectOf.put(name, project);
            if (accounts > 1 && rnd.nextInt(5) == 0) {
                failing.add(name);
            }
            List<CostRecord> list = new ArrayList<>();
            for (int i = rnd.nextInt(120); i > 0; i--) {
                Map<String, String> tags = new HashMap<>();
                if (rnd.nextBoolean()) {
                    tags.put("team", pick(rnd, TEAMS));
                }
                if (rnd.nextInt(3) == 0) {
                    tags.put("env", "prod");
                }
                BigDecimal amount = BigDecimal.valueOf(rnd.nextLong(-2_000, 50_000), rnd.nextInt(7));
                list.add(CostRecord.builder().chargeDate(period.start().plusDays(rnd.nextLong(-2, period.days() + 2)))
                        .provider(ProviderId.of(TestProvider.ID)).billingAccountId("123456789012")
                        .subAccountId(pick(rnd, SUBS)).serviceAccount(ServiceAccountId.of(name))
                        .project(ProjectId.of(project)).service(pick(rnd, SERVICES)).region("global")
                        .tags(Map.copyOf(tags)).billedCost(new Money(amount, pick(rnd, currencies))).build());
            }
            records.put(name, list);
        }
        return new Domain(period, projectOf, records, failing, allocation(rnd));
    }

    private static Allocation allocation(SplittableRandom rnd) {
        Allocation.Builder b = Allocation.builder();
        List<String> targets = new ArrayList<>(List.of("p0", "p1", "p2", "p3", "p-new"));
        for (int r = rnd.nextInt(5); r > 0; r--) {
            Map<String, List<String>> when = new HashMap<>();
            if (rnd.nextBoolean()) {
                when.put("subAccount", List.of(pick(rnd, SUBS)));
            }
            if (rnd.nextInt(3) == 0) {
                when.put("tag:team", List.of(pick(rnd, TEAMS), pick(rnd, TEAMS)));
            }
            if (rnd.nextInt(3) == 0) {
                when.put("project", List.of(pick(rnd, PROJECTS)));
            }
            if (rnd.nextInt(4) == 0) {
                b.ruleFromTag("rule-" + r, when, "team");
            } else {
                b.rule("rule-" + r, when, pick(rnd, targets));
            }
        }
        int splits = rnd.nextInt(4);
        List<Map<String, List<String>>> froms = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (int s = 0; s < splits; s++) {
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    String source = pick(rnd, PROJECTS);
                    sources.add(source);
                    froms.add(Map.of("project", List.of(source)));
                }
                case 1 -> froms.add(Map.of("service", List.of("Support")));
                default -> froms.add(Map.of("tag:env", List.of("prod")));
            }
        }
        List<String> allowed = new ArrayList<>(targets);
        allowed.removeAll(sources);
        for (int s = 0; s < splits; s++) {
            List<String> to = new ArrayList<>();
            for (int t = 1 + rnd.nextInt(3); t > 0; t--) {
                to.add(pick(rnd, allowed));
            }
            to = to.stream().distinct().toList();
            switch (rnd.nextInt(3)) {
                case 0 -> b.split("split-" + s, froms.get(s), to, Allocation.Method.EVEN);
                case 1 -> b.split("split-" + s, froms.get(s), to, Allocation.Method.PROPORTIONAL);
                default -> {
                    List<String> percents = new ArrayList<>();
                    int left = 10_000;
                    for (int t = 0; t < to.size() - 1; t++) {
                        int p = rnd.nextInt(left + 1);
                        percents.add(BigDecimal.valueOf(p, 2).toPlainString());
                        left -= p;
                    }
                    percents.add(BigDecimal.valueOf(left, 2).toPlainString());
                    b.fixedSplit("split-" + s, froms.get(s), to, percents);
                }
            }
        }
        return b.build();
    }

    private static <T> T pick(SplittableRandom rnd, List<T> values) {
        return values.get(rnd.nextInt(values.size()));
    }
}
