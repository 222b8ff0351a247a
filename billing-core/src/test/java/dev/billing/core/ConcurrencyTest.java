package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConcurrencyTest {
    private static final java.util.Currency USD = java.util.Currency.getInstance("USD");
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));
    private static final int WRITERS = 8;
    private static final int PER_WRITER = 40;
    private static final int READERS = 4;

    @Test
    @Timeout(30)
    void manyThreadsRegisteringAndQueryingAtOnce_loseNothing() throws Exception {
        TestProvider provider = new TestProvider();
        Map<String, BigDecimal> expected = new ConcurrentHashMap<>();
        AtomicInteger sharedWins = new AtomicInteger();
        AtomicInteger sharedDuplicates = new AtomicInteger();
        AtomicInteger reportsChecked = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
                .maxConcurrentFetches(4).build()) {
            ServiceAccountRegistry registry = billing.serviceAccounts();
            provider.serve("shared", List.of(Records.usdRecord("shared", "p0", "2026-01-01", "0.0000000001")));
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int j = 0; j < PER_WRITER; j++) {
                        String name = "w" + writer + "-" + j;
                        String project = "p" + (j % 5);
                        BigDecimal a = BigDecimal.valueOf(writer * 1000L + j, 3);
                        BigDecimal b = new BigDecimal("-0.0000000007").multiply(BigDecimal.valueOf(j));
                        provider.serve(name, List.of(
                                Records.usdRecord(name, project, "2026-01-" + (10 + j % 20), a.toPlainString()),
                                Records.usdRecord(name, project, "2026-01-02", b.toPlainString())));
                        expected.put(name, a.add(b));
                        registry.register(name, TestProvider.ID, TestProvider.credentials(), project);
                        String temp = "tmp-" + name;
                        registry.register(temp, TestProvider.ID, TestProvider.credentials(), project);
                        assertThat(registry.remove(temp)).isTrue();
                        if (j % 10 == 0) {
                            try {
                                registry.register("shared", TestProvider.ID, TestProvider.credentials(), "p0");
                                sharedWins.incrementAndGet();
                            } catch (DuplicateServiceAccountException e) {
                                sharedDuplicates.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                int reader = r;
                readers.add(pool.submit(() -> {
                    go.await();
                    while (writing.get()) {
                        CostReport report;
                        try {
                            report = reader % 2 == 0 ? billing.costs().domainTotal(JAN)
                                    : billing.costs().projectTotal("p" + reader, JAN);
                        } catch (InvalidRequestException e) {
                            // the project's accounts are not registered yet
                            assertThat(e).hasMessageContaining("project 'p" + reader + "'");
                            continue;
                        }
                        assertThat(report.isComplete()).isTrue();
                        BigDecimal sum = BigDecimal.ZERO;
                        for (AccountCoverage c : report.coverage()) {
                            assertThat(c.name().startsWith("tmp-") || expected.containsKey(c.name())
                                    || c.name().equals("shared")).isTrue();
                            sum = sum.add(c.name().equals("shared") ? new BigDecimal("0.0000000001")
                                    : expected.getOrDefault(c.name(), BigDecimal.ZERO));
                        }
                        // every report equals the sum over exactly the accounts it covers (the provider serves
                        // nothing for the short-lived tmp- accounts, so they add zero)
                        assertThat(report.total(USD).amount()).isEqualByComparingTo(sum);
                        registry.list();
                        registry.listByProject("p" + reader);
                        reportsChecked.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : writers) {
                f.get(25, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : readers) {
                f.get(25, TimeUnit.SECONDS);
            }

            assertThat(sharedWins).hasValue(1);
            assertThat(sharedDuplicates).hasValue(WRITERS * (PER_WRITER / 10) - 1);
            assertThat(reportsChecked.get()).isPositive();
            List<ServiceAccount> all = registry.list();
            assertThat(all).hasSize(WRITERS * PER_WRITER + 1);
            assertThat(all).extracting(ServiceAccount::name).doesNotHaveDuplicates().noneMatch(n -> n.startsWith("tmp-"));
            expected.keySet().forEach(name -> assertThat(registry.get(name).name()).isEqualTo(name));
            int byProject = 0;
            for (int p = 0; p < 5; p++) {
                byProject += registry.listByProject("p" + p).size();
            }
            assertThat(byProject).isEqualTo(all.size());
            CostReport finalReport = billing.costs().domainTotal(JAN);
            BigDecimal total = expected.values().stream().reduce(new BigDecimal("0.0000000001"), BigDecimal::add);
            assertThat(finalReport.totals()).containsExactly(new Money(total, USD));
            assertThat(finalReport.coverage()).hasSize(all.size());
        } finally {
            pool.shutdownNow();
        }
    }
}
