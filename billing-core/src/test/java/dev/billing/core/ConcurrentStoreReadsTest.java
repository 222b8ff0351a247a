package dev.billing.core;

import static dev.billing.core.Records.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.CostStore;
import dev.billing.core.spi.FetchStats;
import dev.billing.core.spi.RollupSink;
import dev.billing.core.spi.StoredWindow;
import dev.billing.core.spi.WindowCoverage;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CostSync#report} from a store that asks for its coverage and sums to be read at the same time
 * ({@link CostStore#concurrentReads}): the sums on another thread, the same report as read one after the other, and
 * no cell of an account coverage finds never synced.
 */
@Timeout(10)
class ConcurrentStoreReadsTest {
    private static final YearMonth JAN = YearMonth.of(2026, 1);
    private static final YearMonth FEB = YearMonth.of(2026, 2);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-20T12:00:00Z"), ZoneOffset.UTC);

    private final TestProvider provider = new TestProvider()
            .serve("web-prod", List.of(
                    of("web-prod", "web", "2026-01-03", "Compute", "eu-west-1", ChargeCategory.USAGE, "10.0000000001", "USD"),
                    of("web-prod", "web", "2026-01-04", "Storage", "us-east-1", ChargeCategory.TAX, "1.1", "USD")))
            .serve("web-dev", List.of(
                    of("web-dev", "web", "2026-01-15", "Compute", "eu-west-1", ChargeCategory.USAGE, "0.25", "USD")))
            .serve("data-prod", List.of(
                    of("data-prod", "data", "2026-01-31", "Storage", "us-east-1", ChargeCategory.CREDIT, "-5.005", "EUR")));

    private final Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build();

    ConcurrentStoreReadsTest() {
        billing.serviceAccounts().register("web-prod", TestProvider.ID, TestProvider.credentials(), "web");
        billing.serviceAccounts().register("web-dev", TestProvider.ID, TestProvider.credentials(), "web");
        billing.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");
    }

    @AfterEach
    void close() {
        billing.close();
    }

    private CostSync synced(Recording store) {
        CostSync sync = CostSync.builder(billing).store(store).clock(CLOCK).monthsBack(0).build();
        sync.sync();
        return sync;
    }

    private static void assertSameReport(CostReport actual, CostReport expected) {
        assertThat(actual.totals()).isNotEmpty().isEqualTo(expected.totals());
        assertThat(actual.domain()).isEqualTo(expected.domain());
        assertThat(actual.projects()).isEqualTo(expected.projects());
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.coverage()).extracting(c -> c.name() + "=" + c.code())
                .isEqualTo(expected.coverage().stream().map(c -> c.name() + "=" + c.code()).toList());
    }

    @Test
    void report_everyAccountSynced_readsTheSumsOnceOnAnotherThread_theSameReport() {
        Recording serial = new Recording(false);
        Recording concurrent = new Recording(true);
        CostQuery query = CostQuery.builder(BillingPeriod.month(JAN)).groupBy(Dimension.SERVICE).build();

        CostReport expected = synced(serial).report(query);
        CostReport actual = synced(concurrent).report(query);

        assertSameReport(actual, expected);
        String caller = Thread.currentThread().getName();
        assertThat(serial.sums).containsExactly(caller + " [web-prod, web-dev, data-prod]");
        assertThat(concurrent.sums).hasSize(1);
        assertThat(concurrent.sums.get(0)).doesNotStartWith(caller + " ").endsWith(" [web-prod, web-dev, data-prod]");
    }

    /**
     * An account never synced holding a window of a month after the current one, inside the period: its cells were
     * in the sums read before coverage answered, so they are read again over the synced accounts.
     */
    @Test
    void report_anAccountNeverSynced_readsTheSumsAgainOverTheSyncedOnes_theSameReport() {
        provider.fail("data-prod", TestProvider.Failure.UNAVAILABLE, 0);
        Recording serial = new Recording(false);
        Recording concurrent = new Recording(true);
        ServiceAccount data = billing.serviceAccounts().get("data-prod");
        CostQuery query = CostQuery.of(BillingPeriod.monthsThrough(JAN, FEB));
        for (Recording store : List.of(serial, concurrent)) {
            store.replaceWindow(data, FEB, CLOCK.instant(), sink -> {
                sink.accept(of("data-prod", "data", "2026-02-02", "Storage", "us-east-1", ChargeCategory.USAGE, "7",
                        "USD"));
                return FetchStats.EMPTY;
            });
        }

        CostReport expected = synced(serial).report(query);
        CostReport actual = synced(concurrent).report(query);

        assertSameReport(actual, expected);
        assertThat(actual.coverage()).extracting(c -> c.name() + "=" + c.code())
                .containsExactly("web-prod=OK", "web-dev=OK", "data-prod=FAILED");
        assertThat(actual.totals()).containsExactly(Money.of("11.3500000001", "USD"));
        assertThat(concurrent.sums).hasSize(2);
        assertThat(concurrent.sums.get(0)).endsWith(" [web-prod, web-dev, data-prod]");
        assertThat(concurrent.sums.get(1)).isEqualTo(Thread.currentThread().getName() + " [web-prod, web-dev]");
    }

    @Test
    void report_sumsFailing_throwsAsWhenReadOneAfterTheOther() {
        Recording serial = new Recording(false);
        Recording concurrent = new Recording(true);
        CostQuery query = CostQuery.of(BillingPeriod.month(JAN));
        CostSync serialSync = synced(serial);
        CostSync concurrentSync = synced(concurrent);
        serial.failSums = new InvalidRequestException("this store cannot sum that");
        concurrent.failSums = serial.failSums;

        assertThatThrownBy(() -> serialSync.report(query)).isSameAs(serial.failSums);
        assertThatThrownBy(() -> concurrentSync.report(query)).isSameAs(serial.failSums);
    }

    /** The in-memory store, asking or not for its two reads at the same time, and recording each read of the sums. */
    private static final class Recording implements CostStore {
        private final CostStore inner = CostStores.inMemory();
        private final boolean concurrent;
        /** Each read of the sums: its thread's name and its accounts. */
        final List<String> sums = new CopyOnWriteArrayList<>();
        volatile RuntimeException failSums;

        Recording(boolean concurrent) {
            this.concurrent = concurrent;
        }

        @Override
        public boolean concurrentReads() {
            return concurrent;
        }

        @Override
        public void aggregateRollups(CostQuery query, Collection<ServiceAccountId> accounts, RollupSink sink) {
            sums.add(Thread.currentThread().getName() + " " + accounts);
            if (failSums != null) {
                throw failSums;
            }
            inner.aggregateRollups(query, accounts, sink);
        }

        @Override
        public Optional<WindowReplacement> replaceWindow(ServiceAccount account, YearMonth month, Instant syncedAt,
                                                         WindowSource source) {
            return inner.replaceWindow(account, month, syncedAt, source);
        }

        @Override
        public void aggregate(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
            inner.aggregate(query, accounts, sink);
        }

        @Override
        public Map<ServiceAccountId, WindowCoverage> windowCoverage(Collection<ServiceAccountId> accounts,
                                                                    YearMonth first, YearMonth last) {
            return inner.windowCoverage(accounts, first, last);
        }

        @Override
        public void markSynced(ServiceAccountId account, Instant at) {
            inner.markSynced(account, at);
        }

        @Override
        public Map<ServiceAccountId, Instant> lastSyncs() {
            return inner.lastSyncs();
        }

        @Override
        public List<StoredWindow> windows(ServiceAccountId account) {
            return inner.windows(account);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
