package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.spi.CostStore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded series with spikes, dips, gaps, flat and growing stretches, in two currencies and several accounts per
 * project: the detector, live and from a store, finds exactly the anomalies, baselines, spreads and drivers a
 * plain BigDecimal implementation of the rule (written here, from the line items alone) finds, to the digit.
 * Flat and slowly growing series give none.
 */
@Timeout(60)
class AnomalyPropertyTest {
    private static final LocalDate START = LocalDate.parse("2026-03-01");
    private static final LocalDate END = LocalDate.parse("2026-04-01");
    private static final LocalDate READ = START.minusDays(14);
    private static final BillingPeriod PERIOD = BillingPeriod.of(START, END);
    private static final String[][] ACCOUNTS = {
        {"web-usd", "project-web", "USD"}, {"web-krw", "project-web", "KRW"},
        {"data-usd", "project-data", "USD"}, {"data-usd2", "project-data", "USD"}};
    private static final List<String> SERVICES = List.of("Compute", "Storage", "Gpu");
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-northeast-2");
    private static final List<String> BILLING_ACCOUNTS = List.of("111111111111", "222222222222");
    private static final List<String> SUB_ACCOUNTS = List.of("", "444444444444");
    private static final List<String> USAGE_TYPES = List.of("", "BoxUsage", "TimedStorage");

    // ---------------------------------------------------------------- data

    private static CostRecord item(String[] account, LocalDate day, String service, SplittableRandom rnd,
                                   BigDecimal amount) {
        return CostRecord.builder().chargeDate(day).provider(ProviderId.of(TestProvider.ID))
                .billingAccountId(pick(rnd, BILLING_ACCOUNTS)).subAccountId(pick(rnd, SUB_ACCOUNTS))
                .serviceAccount(ServiceAccountId.of(account[0])).project(ProjectId.of(account[1])).service(service)
                .region(pick(rnd, REGIONS)).usageType(pick(rnd, USAGE_TYPES)).chargeCategory(ChargeCategory.USAGE)
                .billedCost(new Money(amount, Money.currency(account[2]))).build();
    }

    private static String pick(SplittableRandom rnd, List<String> values) {
        return values.get(rnd.nextInt(values.size()));
    }

    private static BigDecimal level(SplittableRandom rnd, String currency) {
        return currency.equals("KRW") ? BigDecimal.valueOf(rnd.nextLong(1_000, 100_000))
                : BigDecimal.valueOf(rnd.nextLong(100, 10_000_000), 2 + rnd.nextInt(3));
    }

    /** Splits a day's value into 1 to 3 line items with random dimensions, exactly. */
    private static void split(List<CostRecord> out, String[] account, LocalDate day, String service, BigDecimal value,
                              SplittableRandom rnd) {
        int parts = 1 + rnd.nextInt(3);
        BigDecimal rest = value;
        for (int k = 1; k < parts; k++) {
            BigDecimal part = value.multiply(BigDecimal.valueOf(rnd.nextInt(1, 60), 2));
            out.add(item(account, day, service, rnd, part));
            rest = rest.subtract(part);
        }
        out.add(item(account, day, service, rnd, rest));
    }

    /** Random series: flat, noisy, linear growth, spikes, dips and gaps, each from its own first day. */
    private static Map<String, List<CostRecord>> mixed(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, List<CostRecord>> served = new LinkedHashMap<>();
        for (String[] account : ACCOUNTS) {
            List<CostRecord> records = new ArrayList<>();
            for (String service : SERVICES) {
                if (rnd.nextInt(5) == 0) {
                    continue;
                }
                BigDecimal level = level(rnd, account[2]);
                int shape = rnd.nextInt(5);
                LocalDate first = READ.minusDays(5).plusDays(rnd.nextInt(30));
                for (LocalDate d = first; d.isBefore(END); d = d.plusDays(1)) {
                    long t = d.toEpochDay() - first.toEpochDay();
                    BigDecimal noise = level.multiply(BigDecimal.valueOf(rnd.nextInt(-20, 21), 2));
                    BigDecimal value = switch (shape) {
                        case 0 -> level;
                        case 1 -> level.add(noise);
                        case 2 -> level.add(level.movePointLeft(2).multiply(BigDecimal.valueOf(t)));
                        case 3 -> rnd.nextInt(12) == 0 ? level.multiply(BigDecimal.valueOf(rnd.nextInt(3, 20)))
                                : level.add(noise);
                        default -> rnd.nextInt(8) == 0 ? level.movePointLeft(1) : level.add(noise);
                    };
                    if (shape != 0 && rnd.nextInt(15) == 0) {
                        continue; // a day without cost
                    }
                    split(records, account, d, service, value, rnd);
                    if (rnd.nextInt(30) == 0) {
                        records.add(item(account, d, service, rnd, level.movePointLeft(1).negate()));
                    }
                }
            }
            served.put(account[0], records);
        }
        // one spike that must be found: a flat new service, then 50 times its level
        List<CostRecord> web = new ArrayList<>(served.get("web-usd"));
        web.removeIf(r -> r.service().equals("Gpu"));
        LocalDate spike = START.plusDays(rnd.nextInt(20));
        for (LocalDate d = READ; d.isBefore(END); d = d.plusDays(1)) {
            web.add(item(ACCOUNTS[0], d, "Gpu", rnd, new BigDecimal(d.equals(spike) ? "5000.5" : "100.01")));
        }
        served.put("web-usd", web);
        return served;
    }

    private static AnomalySettings settings(SplittableRandom rnd) {
        BigDecimal[] sensitivities = {new BigDecimal("3"), new BigDecimal("2.5"), BigDecimal.ONE};
        BigDecimal[] percents = {new BigDecimal("20"), BigDecimal.ZERO, new BigDecimal("35.5")};
        Map<java.util.Currency, BigDecimal> minimum = new HashMap<>();
        if (rnd.nextBoolean()) {
            minimum.put(Money.currency("USD"), new BigDecimal("5"));
            minimum.put(Money.currency("KRW"), new BigDecimal("5000"));
        }
        return new AnomalySettings(sensitivities[rnd.nextInt(3)], percents[rnd.nextInt(3)], minimum, List.of());
    }

    // ---------------------------------------------------------------- the reference, from line items alone

    private static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal median14(List<BigDecimal> values) {
        assertThat(values).hasSize(14);
        List<BigDecimal> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(6).add(sorted.get(7)).divide(new BigDecimal("2"));
    }

    private static List<BigDecimal> fourteen(Map<LocalDate, BigDecimal> daily, LocalDate day) {
        List<BigDecimal> out = new ArrayList<>();
        for (int back = 14; back >= 1; back--) {
            out.add(daily.getOrDefault(day.minusDays(back), BigDecimal.ZERO));
        }
        return out;
    }

    private static String dimensionValue(CostRecord r, String dimension) {
        return switch (dimension) {
            case "service" -> r.service();
            case "region" -> r.region();
            case "account" -> r.billingAccountId();
            case "subAccount" -> r.subAccountId();
            default -> r.usageType();
        };
    }

    /** The anomalies as lines: day project service currency cost baseline spread [drivers]. */
    private static List<String> reference(Map<String, List<CostRecord>> served, AnomalySettings s) {
        List<CostRecord> read = new ArrayList<>();
        served.values().forEach(list -> list.stream()
                .filter(r -> !r.chargeDate().isBefore(READ) && r.chargeDate().isBefore(END)).forEach(read::add));
        // series key "project\tservice\tcurrency"; service "" for the whole project (sorts first)
        Map<String, List<CostRecord>> series = new TreeMap<>();
        for (CostRecord r : read) {
            String p = r.project().value();
            String c = r.billedCost().currency().getCurrencyCode();
            series.computeIfAbsent(p + "\t\t" + c, k -> new ArrayList<>()).add(r);
            series.computeIfAbsent(p + "\t" + r.service() + "\t" + c, k -> new ArrayList<>()).add(r);
        }
        BigDecimal factor = new BigDecimal("1.4826");
        TreeMap<String, String> lines = new TreeMap<>();
        for (Map.Entry<String, List<CostRecord>> e : series.entrySet()) {
            String[] key = e.getKey().split("\t", -1);
            Map<LocalDate, BigDecimal> daily = new HashMap<>();
            LocalDate first = null;
            for (CostRecord r : e.getValue()) {
                daily.merge(r.chargeDate(), r.billedCost().amount(), BigDecimal::add);
                first = first == null || r.chargeDate().isBefore(first) ? r.chargeDate() : first;
            }
            for (LocalDate d = START; d.isBefore(END); d = d.plusDays(1)) {
                if (d.isBefore(first.plusDays(14))) {
                    continue;
                }
                List<BigDecimal> window = fourteen(daily, d);
                BigDecimal baseline = median14(window);
                List<BigDecimal> deviations = new ArrayList<>();
                window.forEach(v -> deviations.add(v.subtract(baseline).abs()));
                BigDecimal spread = factor.multiply(median14(deviations));
                BigDecimal cost = daily.getOrDefault(d, BigDecimal.ZERO);
                BigDecimal up = cost.subtract(baseline);
                boolean anomaly = up.compareTo(s.sensitivity().multiply(spread)) > 0
                        && up.compareTo(s.minimumIncrease(Money.currency(key[2]))) > 0
                        && (baseline.signum() == 0
                        || up.multiply(new BigDecimal("100")).compareTo(baseline.multiply(s.minimumPercent())) > 0);
                if (!anomaly) {
                    continue;
                }
                StringBuilder line = new StringBuilder(d + " " + key[0] + " " + (key[1].isEmpty() ? "-" : key[1]) + " "
                        + key[2] + " " + plain(cost) + " " + plain(baseline) + " " + plain(spread) + " [");
                List<String> dims = key[1].isEmpty() ? List.of("service", "region", "account", "subAccount", "usageType")
                        : List.of("region", "account", "subAccount", "usageType");
                for (String dim : dims) {
                    Map<String, Map<LocalDate, BigDecimal>> byValue = new TreeMap<>();
                    for (CostRecord r : e.getValue()) {
                        if (!r.chargeDate().isBefore(d.minusDays(14)) && !r.chargeDate().isAfter(d)) {
                            byValue.computeIfAbsent(dimensionValue(r, dim), v -> new HashMap<>())
                                    .merge(r.chargeDate(), r.billedCost().amount(), BigDecimal::add);
                        }
                    }
                    if (byValue.size() < 2) {
                        continue;
                    }
                    List<Object[]> rising = new ArrayList<>();
                    for (Map.Entry<String, Map<LocalDate, BigDecimal>> v : byValue.entrySet()) {
                        BigDecimal vc = v.getValue().getOrDefault(d, BigDecimal.ZERO);
                        BigDecimal vb = median14(fourteen(v.getValue(), d));
                        if (vc.subtract(vb).signum() > 0) {
                            rising.add(new Object[] {v.getKey(), vc, vb, vc.subtract(vb)});
                        }
                    }
                    rising.sort((a, b) -> {
                        int c = ((BigDecimal) b[3]).compareTo((BigDecimal) a[3]);
                        return c != 0 ? c : ((String) a[0]).compareTo((String) b[0]);
                    });
                    BigDecimal sum = BigDecimal.ZERO;
                    for (int k = 0; k < Math.min(5, rising.size()); k++) {
                        Object[] v = rising.get(k);
                        line.append(dim).append('=').append(v[0]).append(' ').append(plain((BigDecimal) v[1])).append(' ')
                                .append(plain((BigDecimal) v[2])).append("; ");
                        sum = sum.add((BigDecimal) v[3]);
                        if (sum.compareTo(up.multiply(new BigDecimal("0.8"))) >= 0) {
                            break;
                        }
                    }
                }
                lines.put(d + "\t" + key[0] + "\t" + key[1] + "\t" + key[2], line.append(']').toString());
            }
        }
        return new ArrayList<>(lines.values());
    }

    private static List<String> lines(AnomalyReport report) {
        List<String> out = new ArrayList<>();
        for (Anomaly a : report.anomalies()) {
            StringBuilder line = new StringBuilder(a.day() + " " + a.series().project().value() + " "
                    + a.series().serviceName().orElse("-") + " " + a.series().currency().getCurrencyCode() + " "
                    + plain(a.cost()) + " " + plain(a.baseline()) + " " + plain(a.spread()) + " [");
            for (Anomaly.Driver d : a.drivers()) {
                line.append(d.dimension().key()).append('=').append(d.value()).append(' ').append(plain(d.cost()))
                        .append(' ').append(plain(d.baseline())).append("; ");
            }
            out.add(line.append(']').toString());
        }
        return out;
    }

    // ---------------------------------------------------------------- runs

    private static Billing billing(TestProvider provider) {
        Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build();
        for (String[] a : ACCOUNTS) {
            billing.serviceAccounts().register(a[0], TestProvider.ID, TestProvider.credentials(), a[1]);
        }
        return billing;
    }

    private static TestProvider provider(Map<String, List<CostRecord>> served) {
        TestProvider provider = new TestProvider().withinPeriod();
        served.forEach(provider::serve);
        return provider;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
    void liveAndStoredAnomalies_equalThePlainReference_toTheDigit(long seed) {
        Map<String, List<CostRecord>> served = mixed(seed);
        AnomalySettings settings = settings(new SplittableRandom(seed * 31));
        List<String> expected = reference(served, settings);
        assertThat(expected).as("the forced spike at least").isNotEmpty();
        AnomalyDetector detector = AnomalyDetector.builder().settings(settings).build();
        try (Billing billing = billing(provider(served)); CostStore store = CostStores.inMemory()) {
            AnomalyReport live = detector.detect(PERIOD, billing.costs()::report);
            assertThat(lines(live)).as("live, seed %d", seed).containsExactlyElementsOf(expected);
            assertThat(live.isComplete()).isTrue();

            CostSync sync = CostSync.builder(billing).store(store).monthsBack(3)
                    .clock(Clock.fixed(Instant.parse("2026-04-10T00:00:00Z"), ZoneOffset.UTC)).build();
            assertThat(sync.sync().isComplete()).isTrue();
            Function<CostQuery, CostReport> stored = sync::report;
            assertThat(lines(detector.detect(PERIOD, stored))).as("stored, seed %d", seed)
                    .containsExactlyElementsOf(expected);
        }
    }

    /**
     * Flat, linearly (0 to 3 % of the first day's cost a day) and slowly (at most 2 % a day, compounded) growing
     * series, all from one random first day, so that each project's sum grows steadily too.
     */
    private static Map<String, List<CostRecord>> steady(long seed, boolean linearOnly) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LocalDate first = READ.minusDays(10).plusDays(rnd.nextInt(30));
        Map<String, List<CostRecord>> served = new LinkedHashMap<>();
        for (String[] account : ACCOUNTS) {
            List<CostRecord> records = new ArrayList<>();
            for (String service : SERVICES) {
                BigDecimal level = level(rnd, account[2]);
                int shape = rnd.nextInt(linearOnly ? 2 : 3);
                BigDecimal rate = BigDecimal.ONE.add(BigDecimal.valueOf(rnd.nextInt(0, 201), 4));
                BigDecimal step = level.movePointLeft(2).multiply(BigDecimal.valueOf(rnd.nextInt(0, 4)));
                BigDecimal value = level;
                for (LocalDate d = first; d.isBefore(END); d = d.plusDays(1)) {
                    split(records, account, d, service, value, rnd);
                    value = switch (shape) {
                        case 0 -> value;
                        case 1 -> value.add(step);
                        default -> value.multiply(rate).setScale(account[2].equals("KRW") ? 0 : 6, RoundingMode.HALF_EVEN);
                    };
                }
            }
            served.put(account[0], records);
        }
        return served;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void flatAndSlowlyGrowingSeries_haveNoAnomaly(long seed) {
        Map<String, List<CostRecord>> served = steady(seed, false);
        assertThat(reference(served, AnomalySettings.DEFAULTS)).isEmpty();
        try (Billing billing = billing(provider(served))) {
            assertThat(AnomalyDetector.builder().build().detect(PERIOD, billing.costs()::report).anomalies()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void flatAndLinearGrowth_haveNoAnomaly_evenWithoutAMinimumPercent(long seed) {
        Map<String, List<CostRecord>> served = steady(seed, true);
        AnomalySettings spreadOnly = new AnomalySettings(new BigDecimal("3"), BigDecimal.ZERO, Map.of(), List.of());
        try (Billing billing = billing(provider(served))) {
            assertThat(AnomalyDetector.builder().settings(spreadOnly).build().detect(PERIOD, billing.costs()::report)
                    .anomalies()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 9})
    void theReferenceItselfFindsInjectedSpikes(long seed) {
        // guards the reference against finding nothing: a seeded domain has several anomalies
        assertThat(reference(mixed(seed), AnomalySettings.DEFAULTS).size()).isGreaterThan(1);
        assertThat(new TreeSet<>(reference(mixed(seed), AnomalySettings.DEFAULTS))).hasSizeGreaterThan(1);
    }
}
