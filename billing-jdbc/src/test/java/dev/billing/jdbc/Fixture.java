package dev.billing.jdbc;

import dev.billing.core.Allocation;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A domain of three accounts (two projects, one in EUR) on the test provider, and a movable clock. */
final class Fixture implements AutoCloseable {
    final TestProvider provider;
    final Billing billing;
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-05T12:00:00Z"));

    Fixture(long seed, int recordsPerMonth) {
        this(seed, recordsPerMonth, Allocation.NONE);
    }

    /** The same domain, its reports made with an allocation. */
    Fixture(long seed, int recordsPerMonth, Allocation allocation) {
        provider = new TestProvider(seed, recordsPerMonth);
        billing = Billing.builder().discoverProviders(false).addProvider(provider).allocation(allocation).build();
        register("web-aws", "project-web", "USD");
        register("web-eu", "project-web", "EUR");
        register("ops-aws", "project-ops", "USD");
    }

    private void register(String name, String project, String currency) {
        billing.serviceAccounts().register(name, TestProvider.ID,
                Credentials.of(Map.of("account", "111", "key", "s3cr3t-" + name)), project, Map.of("currency", currency));
    }

    ServiceAccount account(String name) {
        return billing.serviceAccounts().get(name);
    }

    /** The exact totals per currency the provider serves now, over the given accounts and months. */
    List<Money> reference(List<String> accounts, YearMonth first, YearMonth last) {
        Map<Currency, BigDecimal> sums = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        BillingPeriod period = BillingPeriod.monthsThrough(first, last);
        for (String a : accounts) {
            for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                for (CostRecord r : provider.records(account(a), m)) {
                    if (period.contains(r.chargeDate())) {
                        sums.merge(r.billedCost().currency(), r.billedCost().amount(), BigDecimal::add);
                    }
                }
            }
        }
        return sums.entrySet().stream().map(e -> new Money(e.getValue(), e.getKey())).toList();
    }

    @Override
    public void close() {
        billing.close();
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
