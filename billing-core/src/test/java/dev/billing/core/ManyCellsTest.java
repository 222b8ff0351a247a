package dev.billing.core;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.reducing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.internal.ColumnarStore;
import dev.billing.core.internal.CostCube;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hundreds of thousands of distinct cells in one bucket (one month, grouped by usage type and region),
 * live and from the columnar store, checked cell by cell against a {@link BigDecimal} reference; amounts
 * include huge ones (longs overflow), ones finer than twelve decimals, negatives, and two currencies.
 */
@Timeout(120)
class ManyCellsTest {
    private static final BillingPeriod MARCH = BillingPeriod.month(YearMonth.of(2026, 3));
    private static final int ACCOUNTS = 4;
    private static final int USAGE_TYPES = 150_000;
    private static List<List<CostRecord>> records;
    private static Map<String, BigDecimal> reference;

    @BeforeAll
    static void generate() {
        SplittableRandom rnd = new SplittableRandom(18);
        records = new ArrayList<>();
        List<CostRecord> all = new ArrayList<>();
        String[] usageTypes = new String[USAGE_TYPES];
        for (int u = 0; u < USAGE_TYPES; u++) {
            usageTypes[u] = "usage-" + u;
        }
        Currency usd = Currency.getInstance("USD");
        Currency krw = Currency.getInstance("KRW");
        for (int a = 0; a < ACCOUNTS; a++) {
            List<CostRecord> mine = new ArrayList<>();
            String name = "sa-" + a;
            for (int i = 0; i < 200_000; i++) {
                // every usage type in every account, plus random repeats, in random order
                String usage = i < USAGE_TYPES ? usageTypes[(i * 7919) % USAGE_TYPES] : usageTypes[rnd.nextInt(USAGE_TYPES)];
                String region = rnd.nextBoolean() ? "us-east-1" : "eu-west-1";
                LocalDate day = MARCH.start().plusDays(rnd.nextInt(31));
                mine.add(CostRecord.builder().chargeDate(day).provider(ProviderId.of(TestProvider.ID))
                        .billingAccountId("111111111111").serviceAccount(ServiceAccountId.of(name))
                        .project(ProjectId.of("project-" + (a % 2))).service("AmazonEC2").region(region)
                        .usageType(usage).billedCost(new Money(amount(rnd), rnd.nextInt(5) == 0 ? krw : usd)).build());
            }
            records.add(mine);
            all.addAll(mine);
        }
        reference = all.stream().collect(groupingBy(ManyCellsTest::key, HashMap::new,
                reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
    }

    private static BigDecimal amount(SplittableRandom rnd) {
        return switch (rnd.nextInt(200)) {
            case 0 -> new BigDecimal(new BigInteger(90, new java.util.Random(rnd.nextLong())), 3);
            case 1 -> new BigDecimal(BigInteger.valueOf(rnd.nextLong(-1_000_000, 1_000_000)), 15);
            case 2 -> BigDecimal.valueOf(rnd.nextLong(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4), 2);
            default -> BigDecimal.valueOf(rnd.nextLong(-1_000_000_000L, 50_000_000_000L), 1 + rnd.nextInt(10));
        };
    }

    private static String key(CostRecord r) {
        return r.usageType() + "|" + r.region() + "|" + r.billedCost().currency().getCurrencyCode();
    }

    private static CostQuery query() {
        return CostQuery.builder(MARCH).groupBy(Dimension.USAGE_TYPE, Dimension.REGION).build();
    }

    private static Map<String, BigDecimal> rows(CostReport report) {
        Map<String, BigDecimal> cells = new HashMap<>();
        for (CostRow row : report.rows()) {
            assertThat(row.period()).isEqualTo("2026-03");
            String k = row.keys().get(Dimension.USAGE_TYPE) + "|" + row.keys().get(Dimension.REGION) + "|"
                    + row.amount().currency().getCurrencyCode();
            assertThat(cells.put(k, row.amount().amount())).as("one row per cell").isNull();
        }
        return cells;
    }

    private static void assertExact(Map<String, BigDecimal> actual) {
        assertThat(reference.size()).isGreaterThan(250_000);
        assertThat(actual.keySet()).isEqualTo(reference.keySet());
        reference.forEach((k, v) -> {
            if (actual.get(k).compareTo(v) != 0) {
                throw new AssertionError(k + ": " + actual.get(k) + " != " + v);
            }
        });
    }

    @Test
    void liveReport_manyCellsInOneBucket_equalTheReference() {
        TestProvider provider = new TestProvider();
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).maxConcurrentFetches(2)
                .build()) {
            for (int a = 0; a < ACCOUNTS; a++) {
                provider.serve("sa-" + a, records.get(a));
                billing.serviceAccounts().register("sa-" + a, TestProvider.ID, TestProvider.credentials(),
                        "project-" + (a % 2));
            }
            CostReport report = billing.costs().report(query());

            assertThat(report.isComplete()).isTrue();
            assertExact(rows(report));
        }
    }

    @Test
    void storeReport_manyCellsInOneBucket_equalTheReference() {
        ColumnarStore store = new ColumnarStore();
        for (List<CostRecord> account : records) {
            ColumnarStore.Segment segment = store.newSegment();
            segment.addAll(account);
            store.commit(segment);
        }
        CostReport report = CostCube.of(store, query()).toReport(query(), List.of(), List.of());

        assertExact(rows(report));
    }
}
