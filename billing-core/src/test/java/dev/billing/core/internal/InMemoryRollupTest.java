package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory store's roll-up by project (whole-month dashboard queries) against a BigDecimal reference over the
 * latest version of every window: amounts that overflow a long, finer than 18 decimals or of 19+ digits, windows
 * of two projects, windows replaced many times (dead roll-up rows, compaction), project and account filters,
 * a subset of accounts, MONTHLY and YEARLY; and the same sums from the columnar kernel (group-by forces it), each
 * also handed on in columns ({@link CostStore#aggregateColumns}, the store's and the SPI's default).
 */
class InMemoryRollupTest {
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("USD"), Currency.getInstance("EUR"),
            Currency.getInstance("JPY"), Currency.getInstance("KRW"));
    private static final YearMonth FIRST = YearMonth.of(2025, 11);
    private static final int MONTHS = 4;
    private static final ProviderId PROVIDER = ProviderId.of("test");

    private record Cell(LocalDate month, String project, Currency currency) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void wholeMonthDashboards_equalTheBigDecimalReference_afterManyReplacements(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        InMemoryCostStore store = new InMemoryCostStore();
        List<ServiceAccount> accounts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            accounts.add(new ServiceAccount(ServiceAccountId.of("sa-" + i), PROVIDER, ProjectId.of("p-" + i % 3),
                    Credentials.of(Map.of("k", "v")), Map.of()));
        }
        Map<ServiceAccountId, Map<YearMonth, List<CostRecord>>> latest = new HashMap<>();
        // enough replacements that dead roll-up rows outnumber live ones past the compaction threshold
        for (int round = 0; round < 14; round++) {
            for (ServiceAccount a : accounts) {
                for (int m = 0; m < MONTHS; m++) {
                    if (round > 0 && random.nextInt(3) == 0) {
                        continue;
                    }
                    YearMonth month = FIRST.plusMonths(m);
                    List<CostRecord> window = window(random, a, month);
                    assertThat(store.replaceWindow(a, month, Instant.EPOCH, sink -> {
                        sink.acceptAll(window);
                        return FetchStats.EMPTY;
                    })).isPresent();
                    latest.computeIfAbsent(a.id(), k -> new HashMap<>()).put(month, window);
                }
            }
        }
        BillingPeriod all = BillingPeriod.monthsThrough(FIRST, FIRST.plusMonths(MONTHS - 1));
        List<ServiceAccountId> ids = accounts.stream().map(ServiceAccount::id).toList();
        List<ServiceAccountId> some = ids.subList(5, 31);
        check(store, latest, CostQuery.of(all), ids, r -> true);
        check(store, latest, CostQuery.of(all), some, r -> some.contains(r.serviceAccount()));
        check(store, latest, CostQuery.of(BillingPeriod.monthsThrough(FIRST.plusMonths(1), FIRST.plusMonths(2))), ids,
                r -> !YearMonth.from(r.chargeDate()).equals(FIRST) && !YearMonth.from(r.chargeDate()).equals(
                        FIRST.plusMonths(3)));
        check(store, latest, CostQuery.builder(all).project("p-1").build(), ids, r -> r.project().value().equals("p-1"));
        check(store, latest, CostQuery.builder(all).filter(Dimension.SERVICE_ACCOUNT, "sa-3", "sa-4", "sa-99").build(),
                some, r -> false);
        check(store, latest, CostQuery.builder(all).filter(Dimension.SERVICE_ACCOUNT, "sa-3", "sa-7").build(), ids,
                r -> Set.of("sa-3", "sa-7").contains(r.serviceAccount().value()));
        check(store, latest, CostQuery.builder(all).granularity(Granularity.YEARLY).build(), ids, r -> true);
    }

    /** The store's cells, folded to (month, project, currency), equal the reference and the kernel's answer. */
    private static void check(InMemoryCostStore store, Map<ServiceAccountId, Map<YearMonth, List<CostRecord>>> latest,
                              CostQuery query, List<ServiceAccountId> accounts, Predicate<CostRecord> kept) {
        Map<Cell, BigDecimal> expected = new HashMap<>();
        latest.values().forEach(months -> months.values().forEach(window -> window.forEach(r -> {
            if (kept.test(r) && accounts.contains(r.serviceAccount()) && query.period().contains(r.chargeDate())) {
                expected.merge(new Cell(r.chargeDate().withDayOfMonth(1), r.project().value(), r.billedCost().currency()),
                        r.billedCost().amount(), BigDecimal::add);
            }
        })));
        Map<Cell, BigDecimal> rolledUp = new HashMap<>();
        store.aggregate(query, accounts, c -> rolledUp.merge(new Cell(c.bucket(), c.project().value(),
                c.amount().currency()), c.amount().amount(), BigDecimal::add));
        Map<Cell, BigDecimal> scanned = new HashMap<>();
        store.aggregate(query.toBuilder().granularity(Granularity.MONTHLY).groupBy(Dimension.PROVIDER).build(), accounts,
                c -> scanned.merge(new Cell(c.bucket(), c.project().value(), c.amount().currency()),
                        c.amount().amount(), BigDecimal::add));
        assertThat(normalized(rolledUp)).as(query.toString()).isEqualTo(normalized(expected));
        assertThat(normalized(scanned)).as("kernel " + query).isEqualTo(normalized(expected));
        CostQuery byProvider = query.toBuilder().granularity(Granularity.MONTHLY).groupBy(Dimension.PROVIDER).build();
        for (CostQuery q : List.of(query, byProvider)) {
            assertThat(normalized(columns(store, q, accounts))).as("columns " + q).isEqualTo(normalized(expected));
            // the SPI's default: the cells of aggregate, in blocks
            assertThat(normalized(columns(new CellsOnly(store), q, accounts))).as("default columns " + q)
                    .isEqualTo(normalized(expected));
        }
    }

    /** The cells of {@link CostStore#aggregateColumns}, each sum read as its long and scale when it has them. */
    private static Map<Cell, BigDecimal> columns(CostStore store, CostQuery query, List<ServiceAccountId> accounts) {
        Map<Cell, BigDecimal> cells = new HashMap<>();
        store.aggregateColumns(query, accounts, block -> {
            for (int i = 0; i < block.size(); i++) {
                long units = block.units(i);
                BigDecimal sum = units == Long.MIN_VALUE ? block.sum(i) : BigDecimal.valueOf(units, block.scale(i));
                assertThat(sum).isEqualByComparingTo(block.sum(i));
                cells.merge(new Cell(block.bucket(i), block.value(0, block.code(i, 0)), block.currency(i)), sum,
                        BigDecimal::add);
            }
        });
        return cells;
    }

    /** A store that has only {@link CostStore#aggregate}: every other way of summing is the SPI's default. */
    record CellsOnly(CostStore store) implements CostStore {
        @Override
        public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                         WindowSource source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
            store.aggregate(query, accounts, sink);
        }

        @Override
        public void markSynced(ServiceAccountId account, Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<ServiceAccountId, Instant> lastSyncs() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<StoredWindow> windows(ServiceAccountId account) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static Map<Cell, BigDecimal> normalized(Map<Cell, BigDecimal> sums) {
        Map<Cell, BigDecimal> out = new HashMap<>();
        sums.forEach((c, v) -> out.put(c, v.signum() == 0 ? BigDecimal.ZERO : v.stripTrailingZeros()));
        return out;
    }

    private static List<CostRecord> window(SplittableRandom random, ServiceAccount a, YearMonth month) {
        List<CostRecord> out = new ArrayList<>();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            LocalDate day = month.atDay(1 + random.nextInt(month.lengthOfMonth()));
            // now and then a line item of another project in the same window
            ProjectId project = random.nextInt(8) == 0 ? ProjectId.of("p-shared") : a.project();
            out.add(CostRecord.builder().chargeDate(day).provider(PROVIDER).billingAccountId("acct")
                    .serviceAccount(a.id()).project(project).service("svc-" + random.nextInt(3))
                    .region("region").usageType("usage")
                    .billedCost(new Money(amount(random), CURRENCIES.get(random.nextInt(4)))).build());
        }
        return out;
    }

    /** @return an amount: one that overflows a long, one finer than 18 decimals, one of 25 digits, or a small one */
    static BigDecimal amount(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            // near Long.MAX_VALUE units: window and query sums overflow a long
            case 0 -> BigDecimal.valueOf(Long.MAX_VALUE - random.nextInt(1000), 2).negate().abs();
            // finer than 18 decimals: kept as BigDecimal
            case 1 -> new BigDecimal(BigInteger.valueOf(random.nextLong(1, 1_000_000_000L)), 20);
            // 25 digits
            case 2 -> new BigDecimal(new BigInteger(80, new java.util.Random(random.nextLong())), 3);
            case 3 -> BigDecimal.valueOf(random.nextLong(-5_000, 5_000_000), random.nextInt(7)).negate();
            default -> BigDecimal.valueOf(random.nextLong(-5_000, 5_000_000), random.nextInt(7));
        };
    }
}
