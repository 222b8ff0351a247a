package dev.billing.testkit;

import dev.billing.core.BillingPeriod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The crafted cost rows {@link ProviderContract} asks a provider's simulator to serve: several accounts,
 * each in one currency, over several months, with negative amounts (credits), many decimals and two
 * identical rows (two real charges).
 *
 * @param rows the rows
 * @param pageSize how many rows a page of the simulator should hold, small so that every long fetch pages
 */
public record ContractData(List<Row> rows, int pageSize) {

    /**
     * One line of cost as the vendor would serve it.
     *
     * @param account the account the kit names (a 12-digit id; a target maps it to its vendor's account,
     *     subscription or billing account)
     * @param date the UTC day
     * @param subAccount the sub account inside it (a 12-digit id: linked account, subscription, project)
     * @param service the service name
     * @param region the region code
     * @param currency the account's currency code
     * @param amount the exact amount, up to 6 decimals, possibly negative
     */
    public record Row(String account, LocalDate date, String subAccount, String service, String region,
                      String currency, BigDecimal amount) {
        /** Validates presence. */
        public Row {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(subAccount, "subAccount");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(region, "region");
            Currency.getInstance(currency);
            Objects.requireNonNull(amount, "amount");
        }
    }

    /** Validates and copies the rows. */
    public ContractData {
        rows = List.copyOf(rows);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
        }
    }

    /** The first day with data. */
    public static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);
    /** How many days have data. */
    public static final int DAYS = 74;

    /**
     * @param seed the random seed
     * @return three accounts in USD, KRW and EUR, {@value #DAYS} days from {@link #FIRST_DAY}, three rows a day,
     *     the first row repeated; pages of 40 rows
     */
    public static ContractData generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] accounts = {"111111111111", "222222222222", "333333333333"};
        String[] currencies = {"USD", "KRW", "EUR"};
        String[] services = {"AmazonEC2", "AmazonS3", "AWSLambda", "AmazonRDS"};
        String[] regions = {"us-east-1", "ap-northeast-2", "eu-west-1"};
        List<Row> rows = new ArrayList<>();
        for (int a = 0; a < accounts.length; a++) {
            String[] subs = {accounts[a], String.valueOf(444444444444L + 111111111111L * a)};
            for (int d = 0; d < DAYS; d++) {
                for (int k = 0; k < 3; k++) {
                    long units = random.nextLong(-2_000_000L, 90_000_000L);
                    BigDecimal amount = BigDecimal.valueOf(units, 6).setScale(random.nextInt(7), RoundingMode.DOWN);
                    rows.add(new Row(accounts[a], FIRST_DAY.plusDays(d), subs[random.nextInt(2)],
                            services[random.nextInt(services.length)], regions[random.nextInt(regions.length)],
                            currencies[a], amount));
                }
            }
        }
        rows.add(rows.get(0));
        return new ContractData(rows, 40);
    }

    /** @return the accounts, in the order they first appear */
    public List<String> accounts() {
        return rows.stream().map(Row::account).distinct().toList();
    }

    /**
     * @param account an account
     * @return its currency
     */
    public Currency currency(String account) {
        return rows.stream().filter(r -> r.account().equals(account)).findFirst()
                .map(r -> Currency.getInstance(r.currency()))
                .orElseThrow(() -> new IllegalArgumentException("no rows for account " + account));
    }

    /**
     * @param account an account
     * @param period a period
     * @return the account's rows dated in the period
     */
    public List<Row> rows(String account, BillingPeriod period) {
        return rows.stream().filter(r -> r.account().equals(account) && period.contains(r.date())).toList();
    }

    /**
     * @param account an account
     * @param period a period
     * @return the exact sum of the account's rows in the period
     */
    public BigDecimal total(String account, BillingPeriod period) {
        return rows(account, period).stream().map(Row::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * @param account an account
     * @param period a period
     * @return the exact sum per (day, service) of the account's rows in the period
     */
    public Map<String, BigDecimal> totalsByDayAndService(String account, BillingPeriod period) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        rows(account, period).forEach(r -> m.merge(r.date() + " " + r.service(), r.amount(), BigDecimal::add));
        return m;
    }
}
