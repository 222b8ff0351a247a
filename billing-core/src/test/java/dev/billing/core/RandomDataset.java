package dev.billing.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A seeded random domain: accounts in projects, each with records in several currencies, with amounts of up to
 * 10 decimals, negative ones and very large ones, some dated outside the period.
 */
final class RandomDataset {
    private static final List<String> CURRENCIES = List.of("USD", "EUR", "JPY", "KRW", "CHF");
    private static final List<String> SERVICES = List.of("AmazonEC2", "AmazonS3", "AWSLambda", "AmazonRDS");
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-northeast-2", "global");
    private static final List<String> BILLING_ACCOUNTS = List.of("111111111111", "222222222222", "333333333333");
    private static final List<String> SUB_ACCOUNTS = List.of("", "444444444444", "555555555555");
    private static final List<String> USAGE_TYPES = List.of("", "BoxUsage:t3.micro", "TimedStorage-ByteHrs");

    /** One service account and the records its provider serves. */
    record Account(String name, String project, List<CostRecord> records) {
    }

    final long seed;
    final BillingPeriod period;
    final List<Account> accounts;

    private RandomDataset(long seed, BillingPeriod period, List<Account> accounts) {
        this.seed = seed;
        this.period = period;
        this.accounts = accounts;
    }

    static RandomDataset generate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LocalDate start = LocalDate.of(2025, 6, 1).plusDays(rnd.nextInt(400));
        BillingPeriod period = BillingPeriod.of(start, start.plusDays(1 + rnd.nextInt(500)));
        List<String> currencies = new ArrayList<>(CURRENCIES);
        Collections.shuffle(currencies, new Random(seed));
        currencies = currencies.subList(0, 1 + rnd.nextInt(3));
        int projects = 1 + rnd.nextInt(4);
        int accountCount = 1 + rnd.nextInt(8);
        List<Account> accounts = new ArrayList<>();
        for (int a = 0; a < accountCount; a++) {
            String name = "sa-" + seed + "-" + a;
            String project = "project-" + rnd.nextInt(projects);
            int n = rnd.nextInt(250);
            List<CostRecord> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // a few days either side of the period, to prove records outside it never count
                LocalDate day = period.start().plusDays(rnd.nextLong(-5, period.days() + 5));
                records.add(CostRecord.builder().chargeDate(day).provider(ProviderId.of(TestProvider.ID))
                        .billingAccountId(pick(rnd, BILLING_ACCOUNTS)).subAccountId(pick(rnd, SUB_ACCOUNTS))
                        .serviceAccount(ServiceAccountId.of(name)).project(ProjectId.of(project))
                        .service(pick(rnd, SERVICES)).region(pick(rnd, REGIONS))
                        .usageType(pick(rnd, USAGE_TYPES))
                        .chargeCategory(ChargeCategory.values()[rnd.nextInt(ChargeCategory.values().length)])
                        .billedCost(Money.of(amount(rnd), Currency.getInstance(pick(rnd, currencies)))).build());
            }
            accounts.add(new Account(name, project, List.copyOf(records)));
        }
        return new RandomDataset(seed, period, List.copyOf(accounts));
    }

    private static BigDecimal amount(SplittableRandom rnd) {
        int scale = rnd.nextInt(11);
        BigInteger unscaled = switch (rnd.nextInt(10)) {
            case 0 -> new BigInteger(100, new Random(rnd.nextLong())); // up to about 1.3e30
            case 1 -> BigInteger.valueOf(rnd.nextLong(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2));
            case 2 -> BigInteger.ZERO;
            default -> BigInteger.valueOf(rnd.nextLong(-1_000_000_000L, 10_000_000_000L));
        };
        return new BigDecimal(unscaled, scale);
    }

    private static String pick(SplittableRandom rnd, List<String> values) {
        return values.get(rnd.nextInt(values.size()));
    }

    /** @return every record the providers serve */
    List<CostRecord> allRecords() {
        return accounts.stream().flatMap(a -> a.records().stream()).toList();
    }

    /** @return the records a report over the period must count */
    List<CostRecord> recordsInPeriod() {
        return allRecords().stream().filter(r -> period.contains(r.chargeDate())).toList();
    }

    /** @return a provider serving this data set */
    TestProvider provider() {
        TestProvider p = new TestProvider();
        accounts.forEach(a -> p.serve(a.name(), a.records()));
        return p;
    }

    /**
     * @param shuffle whether to register accounts and serve each account's records in a seeded random order
     * @param maxConcurrentFetches the fetch bound
     * @return an SDK instance with every account registered
     */
    Billing billing(boolean shuffle, int maxConcurrentFetches) {
        TestProvider p = new TestProvider();
        List<Account> order = new ArrayList<>(accounts);
        Random shuffler = new Random(~seed);
        if (shuffle) {
            Collections.shuffle(order, shuffler);
        }
        Billing billing = Billing.builder().discoverProviders(false).addProvider(p)
                .maxConcurrentFetches(maxConcurrentFetches).build();
        for (Account a : order) {
            List<CostRecord> records = new ArrayList<>(a.records());
            if (shuffle) {
                Collections.shuffle(records, shuffler);
            }
            p.serve(a.name(), records);
            billing.serviceAccounts().register(a.name(), TestProvider.ID, TestProvider.credentials(), a.project());
        }
        return billing;
    }

    /** @return the seeds the property tests run over */
    static IntStream seeds() {
        return IntStream.rangeClosed(1, 30);
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + accounts.size() + " accounts, " + allRecords().size() + " records, " + period;
    }
}
