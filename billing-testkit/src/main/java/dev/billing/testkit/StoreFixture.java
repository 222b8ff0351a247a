package dev.billing.testkit;

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

/**
 * For store tests: a domain of three service accounts ({@code web-aws} and {@code web-eu} in {@code project-web},
 * {@code web-eu} in EUR; {@code ops-aws} in {@code project-ops}) on a {@link StoreTestProvider}, in a
 * {@link Billing}, and a clock tests move by hand (first at 2026-03-05T12:00:00Z).
 */
public final class StoreFixture implements AutoCloseable {
    private final StoreTestProvider provider;
    private final Billing billing;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-05T12:00:00Z"));

    /**
     * @param seed the seed of the provider's line items
     * @param recordsPerMonth about how many line items each window has
     */
    public StoreFixture(long seed, int recordsPerMonth) {
        this(seed, recordsPerMonth, Allocation.NONE);
    }

    /**
     * The same domain, its reports made with an allocation.
     *
     * @param seed the seed of the provider's line items
     * @param recordsPerMonth about how many line items each window has
     * @param allocation the allocation every report applies
     */
    public StoreFixture(long seed, int recordsPerMonth, Allocation allocation) {
        provider = new StoreTestProvider(seed, recordsPerMonth);
        billing = Billing.builder().discoverProviders(false).addProvider(provider).allocation(allocation).build();
        register("web-aws", "project-web", "USD");
        register("web-eu", "project-web", "EUR");
        register("ops-aws", "project-ops", "USD");
    }

    /** @return the provider serving the accounts */
    public StoreTestProvider provider() {
        return provider;
    }

    /** @return the billing instance holding the three accounts */
    public Billing billing() {
        return billing;
    }

    /** @return the clock */
    public MutableClock clock() {
        return clock;
    }

    private void register(String name, String project, String currency) {
        billing.serviceAccounts().register(name, StoreTestProvider.ID,
                Credentials.of(Map.of("account", "111", "key", "s3cr3t-" + name)), project, Map.of("currency", currency));
    }

    /**
     * @param name a service account's name
     * @return the registered account
     */
    public ServiceAccount account(String name) {
        return billing.serviceAccounts().get(name);
    }

    /**
     * @param accounts service account names
     * @param first the first month
     * @param last the last month, inclusive
     * @return the exact billed totals per currency (sorted by code) the provider serves now, over those accounts
     *     and months
     */
    public List<Money> reference(List<String> accounts, YearMonth first, YearMonth last) {
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
    public static final class MutableClock extends Clock {
        private volatile Instant now;

        /** @param now the time it starts at */
        public MutableClock(Instant now) {
            this.now = now;
        }

        /** @param instant the new time, for example {@code 2026-03-05T18:00:01Z} */
        public void set(String instant) {
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
