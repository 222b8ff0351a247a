package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.CostCell;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnarStoreTest {
    private static final LocalDate START = LocalDate.of(2025, 11, 20);
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("USD"), Currency.getInstance("EUR"),
            Currency.getInstance("JPY"), Currency.getInstance("KRW"));

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void aggregate_overSeededRandomRows_equalsBigDecimalReferenceExactly(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ColumnarStore store = new ColumnarStore();
        List<CostRecord> committed = new ArrayList<>();
        int segments = 1 + random.nextInt(12);
        for (int s = 0; s < segments; s++) {
            ColumnarStore.Segment segment = store.newSegment();
            List<CostRecord> rows = add(segment, random.nextInt(random.nextBoolean() ? 50 : 3_000),
                    () -> record(random));
            if (random.nextInt(4) > 0) {
                store.commit(segment);
                committed.addAll(rows);
            }
        }
        assertThat(store.size()).isEqualTo(committed.size());
        for (int q = 0; q < 8; q++) {
            ColumnarStore.Selection selection = selection(random);
            assertThat(actual(store.aggregate(selection), selection))
                    .as("seed %d, %s", seed, selection)
                    .isEqualTo(reference(committed, selection));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void replace_overSeededRandomSegments_aggregatesExactlyTheLiveSegments(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ColumnarStore store = new ColumnarStore();
        List<ColumnarStore.Segment> live = new ArrayList<>();
        List<List<CostRecord>> liveRows = new ArrayList<>();
        for (int step = 0; step < 12; step++) {
            ColumnarStore.Segment fresh = store.newSegment();
            List<CostRecord> rows = add(fresh, random.nextInt(random.nextBoolean() ? 40 : 2_000), () -> record(random));
            commitOrReplace(store, random, live, liveRows, fresh, rows);
            assertAggregatesExactly(store, liveRows, random, "seed " + seed + ", step " + step);
        }
    }

    /** Adds {@code n} records to a segment. @return them, in order */
    private static List<CostRecord> add(ColumnarStore.Segment segment, int n, Supplier<CostRecord> records) {
        List<CostRecord> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CostRecord r = records.get();
            rows.add(r);
            segment.add(r);
        }
        return rows;
    }

    /**
     * Commits {@code fresh} beside the live segments, or has it replace one of them at random.
     *
     * @return the segment replaced, or null
     */
    private static ColumnarStore.Segment commitOrReplace(ColumnarStore store, SplittableRandom random,
                                                         List<ColumnarStore.Segment> live,
                                                         List<List<CostRecord>> liveRows,
                                                         ColumnarStore.Segment fresh, List<CostRecord> rows) {
        if (live.isEmpty() || random.nextBoolean()) {
            store.commit(fresh);
            live.add(fresh);
            liveRows.add(rows);
            return null;
        }
        int old = random.nextInt(live.size());
        ColumnarStore.Segment replaced = live.get(old);
        store.replace(replaced, fresh);
        live.set(old, fresh);
        liveRows.set(old, rows);
        return replaced;
    }

    /** Checks the store's size and one random selection's sums against the reference over the live rows. */
    private static void assertAggregatesExactly(ColumnarStore store, List<List<CostRecord>> liveRows,
                                                SplittableRandom random, String what) {
        List<CostRecord> expected = liveRows.stream().flatMap(List::stream).toList();
        assertThat(store.size()).isEqualTo(expected.size());
        ColumnarStore.Selection selection = selection(random);
        assertThat(actual(store.aggregate(selection), selection))
                .as("%s, %s", what, selection)
                .isEqualTo(reference(expected, selection));
    }

    /** Windows of a few line items of one service account each share a chunk per account; replacing one rebuilds it. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void replace_overSmallSegmentsOfOneAccount_aggregatesAndReadsBackExactlyTheLiveSegments(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ColumnarStore store = new ColumnarStore();
        List<ColumnarStore.Segment> live = new ArrayList<>();
        List<List<CostRecord>> liveRows = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
            ColumnarStore.Segment fresh = store.newSegment();
            int sa = random.nextInt(3);
            List<CostRecord> rows = add(fresh, random.nextInt(random.nextInt(8) == 0 ? 400 : 20), () -> {
                CostRecord r = record(random);
                // one service account a segment, billed costs alone: the segments a store shares chunks for
                return CostRecord.builder().chargeDate(r.chargeDate()).tags(r.tags()).provider(r.provider())
                        .billingAccountId(r.billingAccountId()).subAccountId(r.subAccountId())
                        .serviceAccount(ServiceAccountId.of("sa-" + sa)).project(ProjectId.of("project-" + sa))
                        .service(r.service()).region(r.region()).usageType(r.usageType())
                        .chargeCategory(r.chargeCategory()).billedCost(r.billedCost()).build();
            });
            ColumnarStore.Segment replaced = commitOrReplace(store, random, live, liveRows, fresh, rows);
            if (replaced != null) {
                assertThat(store.records(replaced)).isEmpty();
            }
            assertAggregatesExactly(store, liveRows, random, "seed " + seed + ", step " + step);
            for (int k = 0; k < live.size(); k++) {
                List<CostRecord> back = store.records(live.get(k));
                assertThat(live.get(k).size()).isEqualTo(liveRows.get(k).size());
                assertThat(back).hasSameSizeAs(liveRows.get(k));
                for (int i = 0; i < back.size(); i++) {
                    CostRecord was = liveRows.get(k).get(i);
                    CostRecord is = back.get(i);
                    assertThat(is.chargeDate()).isEqualTo(was.chargeDate());
                    assertThat(is.serviceAccount()).isEqualTo(was.serviceAccount());
                    assertThat(is.subAccountId()).isEqualTo(was.subAccountId());
                    assertThat(is.service()).isEqualTo(was.service());
                    assertThat(is.tags()).isEqualTo(was.tags());
                    assertThat(is.billedCost().amount()).isEqualByComparingTo(was.billedCost().amount());
                    assertThat(is.billedCost().currency()).isEqualTo(was.billedCost().currency());
                    assertThat(is.effectiveCostGiven()).isFalse();
                    assertThat(is.listCost()).isEmpty();
                }
            }
        }
    }

    /**
     * Cells by day and five dimensions, filtered, over part of the rows' days: a key space too large for a dense table,
     * the keys made digit by digit and the rows left out masked.
     */
    @Test
    void aggregate_overAKeySpaceTooLargeForADenseTable_equalsBigDecimalReferenceExactly() {
        SplittableRandom random = new SplittableRandom(7);
        ColumnarStore store = new ColumnarStore();
        List<CostRecord> committed = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            ColumnarStore.Segment segment = store.newSegment();
            committed.addAll(add(segment, 400, () -> record(random)));
            store.commit(segment);
        }
        // 85 days x 20 accounts x 3 sub accounts x 8 services x 4 regions x 5 usage types x 4 currencies
        ColumnarStore.Selection selection = new ColumnarStore.Selection(START.plusDays(5), START.plusDays(90),
                Granularity.DAILY, Map.of(Dimension.SERVICE, Set.of("svc-1", "svc-2", "svc-5")), List.of(Dimension.ACCOUNT, Dimension.SUB_ACCOUNT, Dimension.SERVICE, Dimension.REGION,
                Dimension.USAGE_TYPE));
        assertThat(actual(store.aggregate(selection), selection)).isEqualTo(reference(committed, selection));
    }

    @Test
    void replace_givenSegmentsInTheWrongState_isRefusedAndChangesNothing() {
        ColumnarStore store = new ColumnarStore();
        ColumnarStore.Segment committed = store.newSegment();
        committed.add(record(LocalDate.of(2026, 1, 1), "a", "USD", new BigDecimal("1.5")));
        store.commit(committed);
        ColumnarStore.Segment open = store.newSegment();
        open.add(record(LocalDate.of(2026, 1, 1), "a", "USD", new BigDecimal("7")));

        assertThatThrownBy(() -> store.commit(committed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("committed twice");
        assertThatThrownBy(() -> store.replace(open, store.newSegment())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not committed");
        assertThatThrownBy(() -> store.commit(new ColumnarStore().newSegment()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> committed.add(record(LocalDate.of(2026, 1, 1), "a", "USD", BigDecimal.ONE)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.size()).isEqualTo(1);
        store.replace(committed, open);
        Aggregation sums = store.aggregate(new ColumnarStore.Selection(LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 1, 2), null, Map.of(), List.of()));
        assertThat(sums.size()).isEqualTo(1);
        assertThat(sums.sum(0)).isEqualByComparingTo("7");
    }

    @Test
    void cells_forSomeServiceAccounts_keepsOnlyThoseWithinTheQuerysOwnFilter() {
        ColumnarStore store = new ColumnarStore();
        ColumnarStore.Segment segment = store.newSegment();
        for (String sa : List.of("sa-1", "sa-2", "sa-3")) {
            segment.add(CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 3))
                    .provider(ProviderId.of("fake")).billingAccountId("1")
                    .serviceAccount(ServiceAccountId.of(sa)).project(ProjectId.of("project-" + sa))
                    .service("svc").region("global").billedCost(Money.of("1.25", "USD")).build());
        }
        store.commit(segment);
        CostQuery query = CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 1)))
                .filter(Dimension.SERVICE_ACCOUNT, "sa-2", "sa-3").groupBy(Dimension.SERVICE).build();
        List<CostCell> cells = new ArrayList<>();

        store.cells(query, List.of(ServiceAccountId.of("sa-1"), ServiceAccountId.of("sa-2")), cells::add);

        assertThat(cells).containsExactly(new CostCell(LocalDate.of(2026, 1, 1), ProjectId.of("project-sa-2"),
                List.of("svc"), Money.of("1.25", "USD")));
    }

    @Test
    void aggregate_whenCellSumOverflowsLong_continuesExactlyInBigDecimal() {
        ColumnarStore store = new ColumnarStore();
        ColumnarStore.Segment segment = store.newSegment();
        List<CostRecord> rows = new ArrayList<>();
        BigDecimal big = new BigDecimal(Long.MAX_VALUE / 3).movePointLeft(2);
        for (int i = 0; i < 10; i++) {
            rows.add(record(LocalDate.of(2026, 1, 1 + i), "svc", "USD", big));
            rows.add(record(LocalDate.of(2026, 1, 1 + i), "svc", "USD", new BigDecimal("0.01")));
        }
        rows.forEach(segment::add);
        store.commit(segment);
        ColumnarStore.Selection all = new ColumnarStore.Selection(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1),
                Granularity.MONTHLY, Map.of(), List.of(Dimension.SERVICE));

        Aggregation sums = store.aggregate(all);

        assertThat(sums.size()).isEqualTo(1);
        assertThat(sums.sum(0)).isEqualByComparingTo(big.multiply(BigDecimal.TEN).add(new BigDecimal("0.10")));
        assertThat(actual(sums, all)).isEqualTo(reference(rows, all));
    }

    @Test
    void commit_whenLaterSegmentHasFinerScale_rescalesEarlierRowsAndKeepsTooLargeOnesExact() {
        ColumnarStore store = new ColumnarStore();
        List<CostRecord> rows = List.of(
                record(LocalDate.of(2026, 1, 1), "a", "USD", new BigDecimal(Long.MAX_VALUE / 10)),
                record(LocalDate.of(2026, 1, 2), "a", "USD", new BigDecimal("-7")),
                record(LocalDate.of(2026, 1, 3), "b", "USD", new BigDecimal("0.000000000001")),
                record(LocalDate.of(2026, 1, 3), "b", "USD", new BigDecimal("1E-30")),
                record(LocalDate.of(2026, 1, 4), "b", "USD", new BigDecimal("2.50000000000000000000")),
                record(LocalDate.of(2026, 1, 5), "c", "USD", new BigDecimal("123456789012345678901234567890.5")));
        for (CostRecord r : rows) {
            ColumnarStore.Segment segment = store.newSegment();
            segment.add(r);
            store.commit(segment);
        }
        ColumnarStore.Selection byService = new ColumnarStore.Selection(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1),
                Granularity.DAILY, Map.of(), List.of(Dimension.SERVICE));

        assertThat(actual(store.aggregate(byService), byService)).isEqualTo(reference(rows, byService));
    }

    @Test
    void segment_thatIsNotCommitted_leavesNoCost() {
        ColumnarStore store = new ColumnarStore();
        ColumnarStore.Segment kept = store.newSegment();
        kept.add(record(LocalDate.of(2026, 1, 1), "a", "USD", new BigDecimal("1.5")));
        ColumnarStore.Segment dropped = store.newSegment();
        dropped.add(record(LocalDate.of(2026, 1, 1), "a", "USD", new BigDecimal("100")));
        store.commit(kept);

        Aggregation sums = store.aggregate(new ColumnarStore.Selection(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2),
                null, Map.of(), List.of()));

        assertThat(sums.size()).isEqualTo(1);
        assertThat(sums.currency(0)).isEqualTo(Currency.getInstance("USD"));
        assertThat(sums.sum(0)).isEqualTo(new BigDecimal("1.5"));
    }

    private static CostRecord record(LocalDate day, String service, String currency, BigDecimal amount) {
        return CostRecord.builder().chargeDate(day).provider(ProviderId.of("hyperbilling-aws"))
                .billingAccountId("111111111111").serviceAccount(ServiceAccountId.of("sa-1"))
                .project(ProjectId.of("project-a")).service(service).region("global")
                .billedCost(new Money(amount, Currency.getInstance(currency))).build();
    }

    /** Tag maps line items share (as providers do) and make afresh; keys an alias of each other. */
    private static final List<Map<String, String>> SHARED_TAGS = List.of(Map.of(), Map.of("team", "web"),
            Map.of("team", "db", "env", "prod"), Map.of("Team", "web"), Map.of("Team", "ops", "team", "db"));
    private static final List<Dimension> TAGS = List.of(Dimension.tag("team"), Dimension.tag("Team"),
            Dimension.tag("env"), Dimension.tag("absent"));

    private static Map<String, String> tags(SplittableRandom random) {
        if (random.nextBoolean()) {
            return SHARED_TAGS.get(random.nextInt(SHARED_TAGS.size()));
        }
        Map<String, String> tags = new HashMap<>();
        for (String key : List.of("team", "Team", "env")) {
            if (random.nextInt(3) == 0) {
                tags.put(key, "v" + random.nextInt(4));
            }
        }
        return tags;
    }

    /**
     * A random line item with tags, and effective costs (given or not) and list costs: every line item of the
     * provider "fake" carries a list cost, as a provider declaring LIST_COST must; those of "hyperbilling-aws" none.
     */
    private static CostRecord record(SplittableRandom random) {
        int sa = random.nextInt(6);
        Currency currency = CURRENCIES.get(random.nextInt(CURRENCIES.size()));
        return CostRecord.builder().chargeDate(START.plusDays(random.nextInt(100)))
                .tags(tags(random))
                .effectiveCost(random.nextInt(3) == 0 ? new Money(amount(random), currency) : null)
                .listCost(sa >= 4 ? new Money(amount(random), currency) : null)
                .provider(ProviderId.of(sa < 4 ? "hyperbilling-aws" : "fake"))
                .billingAccountId("acct-" + random.nextInt(20)).subAccountId("sub-" + random.nextInt(3))
                .serviceAccount(ServiceAccountId.of("sa-" + sa)).project(ProjectId.of("project-" + sa % 3))
                .service("svc-" + random.nextInt(8)).region("region-" + random.nextInt(4))
                .usageType("usage-" + random.nextInt(5))
                .chargeCategory(ChargeCategory.values()[random.nextInt(ChargeCategory.values().length)])
                .billedCost(new Money(amount(random), currency)).build();
    }

    private static BigDecimal amount(SplittableRandom random) {
        int kind = random.nextInt(100);
        if (kind == 0) {
            return new BigDecimal(BigInteger.valueOf(random.nextLong()).multiply(BigInteger.valueOf(random.nextLong())),
                    random.nextInt(20));
        }
        if (kind == 1) {
            return BigDecimal.valueOf(random.nextLong(), 13 + random.nextInt(6));
        }
        if (kind < 5) {
            return BigDecimal.valueOf(random.nextLong() >> random.nextInt(8), random.nextInt(13));
        }
        return BigDecimal.valueOf(random.nextLong(-100_000_000, 100_000_000), random.nextInt(13));
    }

    private static ColumnarStore.Selection selection(SplittableRandom random) {
        LocalDate from = START.plusDays(random.nextInt(-5, 60));
        LocalDate to = from.plusDays(random.nextInt(1, 80));
        Granularity granularity = random.nextInt(4) == 0 ? null : Granularity.values()[random.nextInt(3)];
        Map<Dimension, Set<String>> filters = new java.util.HashMap<>();
        List<Dimension> dims = new ArrayList<>(Arrays.asList(Dimension.Fixed.values()));
        dims.addAll(TAGS);
        for (int f = random.nextInt(3); f > 0; f--) {
            Dimension d = dims.get(random.nextInt(dims.size()));
            Set<String> values = new LinkedHashSet<>();
            for (int v = random.nextInt(1, 4); v > 0; v--) {
                values.add(sampleValue(d, random));
            }
            filters.put(d, values);
        }
        List<Dimension> keys = new ArrayList<>();
        for (int k = random.nextInt(6); k > 0; k--) {
            Dimension d = dims.remove(random.nextInt(dims.size()));
            keys.add(d);
        }
        TagAliases aliases = random.nextBoolean() ? TagAliases.NONE
                : TagAliases.of(Map.of("team", List.of("Team", "env")));
        return new ColumnarStore.Selection(from, to, granularity, filters, keys,
                Metric.values()[random.nextInt(Metric.values().length)], aliases);
    }

    private static String sampleValue(Dimension d, SplittableRandom random) {
        if (d instanceof Dimension.Tag) {
            int v = random.nextInt(7);
            return v == 0 ? "" : v == 1 ? "web" : v == 2 ? "db" : "v" + random.nextInt(4);
        }
        return switch ((Dimension.Fixed) d) {
            case PROVIDER -> random.nextBoolean() ? "fake" : "hyperbilling-aws";
            case SERVICE -> "svc-" + random.nextInt(9);
            case REGION -> "region-" + random.nextInt(5);
            case ACCOUNT -> "acct-" + random.nextInt(21);
            case SUB_ACCOUNT -> "sub-" + random.nextInt(4);
            case SERVICE_ACCOUNT -> "sa-" + random.nextInt(7);
            case PROJECT -> "project-" + random.nextInt(4);
            case USAGE_TYPE -> "usage-" + random.nextInt(6);
            case CHARGE_CATEGORY -> ChargeCategory.values()[random.nextInt(ChargeCategory.values().length)].name();
        };
    }

    /** Cells as (bucket, key values, currency) mapped to the sum with trailing zeros stripped. */
    private static Map<List<String>, BigDecimal> reference(List<CostRecord> rows, ColumnarStore.Selection s) {
        Map<List<String>, BigDecimal> sums = new HashMap<>();
        for (CostRecord r : rows) {
            if (r.chargeDate().isBefore(s.from()) || !r.chargeDate().isBefore(s.to())) {
                continue;
            }
            boolean accepted = s.filters().entrySet().stream()
                    .allMatch(f -> f.getValue().contains(value(f.getKey(), r, s.aliases())));
            Money cost = s.metric().of(r);
            if (!accepted || cost == null) {
                continue;
            }
            List<String> key = new ArrayList<>();
            key.add(s.granularity() == null ? "-" : s.granularity().bucketStart(r.chargeDate()).toString());
            s.keys().forEach(d -> key.add(value(d, r, s.aliases())));
            key.add(cost.currency().getCurrencyCode());
            sums.merge(key, cost.amount(), BigDecimal::add);
        }
        sums.replaceAll((k, v) -> normalized(v));
        return sums;
    }

    /** The reference's reading of a tag through aliases, written out from the rule, not with TagAliases. */
    private static String value(Dimension d, CostRecord r, TagAliases aliases) {
        if (!(d instanceof Dimension.Tag t)) {
            return d.valueOf(r);
        }
        Map<String, String> tags = r.tags();
        if (aliases.equals(TagAliases.NONE)) {
            return tags.getOrDefault(t.tagKey(), "");
        }
        // team <- Team, env: the canonical key's own value, then the first alias listed; an alias is no key
        return switch (t.tagKey()) {
            case "team" -> tags.containsKey("team") ? tags.get("team")
                    : tags.containsKey("Team") ? tags.get("Team") : tags.getOrDefault("env", "");
            case "Team", "env" -> "";
            default -> tags.getOrDefault(t.tagKey(), "");
        };
    }

    private static Map<List<String>, BigDecimal> actual(Aggregation sums, ColumnarStore.Selection s) {
        Map<List<String>, BigDecimal> cells = new HashMap<>();
        for (int i = 0; i < sums.size(); i++) {
            List<String> key = new ArrayList<>();
            key.add(sums.bucket(i) == null ? "-" : sums.bucket(i).toString());
            for (int k = 0; k < s.keys().size(); k++) {
                key.add(sums.key(i, k));
            }
            key.add(sums.currency(i).getCurrencyCode());
            BigDecimal previous = cells.put(key, normalized(sums.sum(i)));
            assertThat(previous).as("cell %s appears once", key).isNull();
        }
        return cells;
    }

    private static BigDecimal normalized(BigDecimal v) {
        return v.signum() == 0 ? BigDecimal.ZERO : v.stripTrailingZeros();
    }
}
