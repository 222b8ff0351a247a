package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiveAggregationTest {
    private static final ProviderId PROVIDER = ProviderId.of("fake");
    private static final List<Currency> CURRENCIES = List.of(Currency.getInstance("USD"), Currency.getInstance("KRW"));
    private static final LocalDate START = LocalDate.of(2026, 1, 1);
    private static final CostQuery DAILY = CostQuery.builder(BillingPeriod.monthsThrough(YearMonth.of(2026, 1),
            YearMonth.of(2026, 2))).granularity(Granularity.DAILY).groupBy(Dimension.SERVICE).build();

    /** Partials committed from several threads at once sum, per row and per project, to a BigDecimal reference. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void commit_concurrentPartials_sumExactly(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        LiveAggregation live = new LiveAggregation(DAILY);
        int accounts = 24;
        List<List<CostRecord>> records = new ArrayList<>();
        List<LiveAggregation.Partial> partials = new ArrayList<>();
        Map<String, BigDecimal> rows = new TreeMap<>();
        Map<String, BigDecimal> projects = new TreeMap<>();
        for (int a = 0; a < accounts; a++) {
            ServiceAccount account = account(a);
            List<CostRecord> own = new ArrayList<>();
            for (int i = 0, n = random.nextInt(1, 400); i < n; i++) {
                own.add(record(account, random));
            }
            records.add(own);
            partials.add(live.partial(account));
            boolean failed = a % 7 == 3;
            if (!failed) {
                for (CostRecord r : own) {
                    String currency = r.billedCost().currency().getCurrencyCode();
                    rows.merge(r.chargeDate() + " " + r.service() + " " + currency, r.billedCost().amount(),
                            BigDecimal::add);
                    projects.merge(r.project().value() + " " + currency, r.billedCost().amount(), BigDecimal::add);
                }
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int a = 0; a < accounts; a++) {
                int account = a;
                done.add(threads.submit(() -> {
                    go.await();
                    LiveAggregation.Partial partial = partials.get(account);
                    partial.acceptAll(records.get(account));
                    if (account % 7 != 3) {
                        live.commit(partial);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }

        CostReport report = live.cube().toReport(DAILY, List.of(), List.of());

        Map<String, BigDecimal> got = new TreeMap<>();
        for (CostRow row : report.rows()) {
            got.merge(row.start() + " " + row.keys().get(Dimension.SERVICE) + " "
                    + row.amount().currency().getCurrencyCode(), row.amount().amount(), BigDecimal::add);
        }
        assertThat(normalized(got)).isEqualTo(normalized(rows));
        Map<String, BigDecimal> gotProjects = new TreeMap<>();
        report.projects().forEach((p, summary) -> summary.totals().forEach(m ->
                gotProjects.merge(p.value() + " " + m.currency().getCurrencyCode(), m.amount(), BigDecimal::add)));
        assertThat(normalized(gotProjects)).isEqualTo(normalized(projects));
    }

    @Test
    void commit_afterTheReportWasMade_isRefused() {
        LiveAggregation live = new LiveAggregation(DAILY);
        LiveAggregation.Partial partial = live.partial(account(0));
        partial.accept(record(account(0), new SplittableRandom(7)));
        live.cube();

        assertThatThrownBy(() -> live.commit(partial)).isInstanceOf(IllegalStateException.class);
    }

    private static Map<String, String> normalized(Map<String, BigDecimal> sums) {
        Map<String, String> out = new HashMap<>();
        sums.forEach((k, v) -> out.put(k, v.stripTrailingZeros().toPlainString()));
        return out;
    }

    private static ServiceAccount account(int a) {
        return new ServiceAccount(ServiceAccountId.of("sa-" + a), PROVIDER, ProjectId.of("p-" + a % 5),
                Credentials.of(Map.of("key", "k")), Map.of());
    }

    private static CostRecord record(ServiceAccount account, SplittableRandom random) {
        Currency currency = CURRENCIES.get(random.nextInt(CURRENCIES.size()));
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(-1_000_000, 10_000_000), random.nextInt(0, 7));
        if (random.nextInt(50) == 0) {
            amount = amount.add(BigDecimal.valueOf(Long.MAX_VALUE, 2));
        }
        return CostRecord.builder().chargeDate(START.plusDays(random.nextInt(59))).provider(PROVIDER)
                .billingAccountId("111111111111").serviceAccount(account.id()).project(account.project())
                .service("svc-" + random.nextInt(6)).region("global")
                .billedCost(new Money(amount, currency)).build();
    }
}
