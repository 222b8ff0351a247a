package dev.billing.testkit;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Money;
import dev.billing.testkit.internal.DataFiles;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What a {@link HyperBillingSimulator} serves: AWS accounts and their currencies, daily cost rows,
 * and the API users (email + key) linked to accounts. Immutable.
 *
 * <p>Made by {@link #generator()} (deterministic for a seed), by {@link #of}, or read from a file
 * by {@link #load(Path)}. {@link #total(String, BillingPeriod)} gives the exact expected totals.
 */
public final class SimulatorData {
    /** The API user's email when a data file names none. */
    public static final String DEFAULT_EMAIL = "simulator@example.com";
    /** The API user's key when a data file names none. */
    public static final String DEFAULT_KEY = "simulator-key";

    private final Map<String, Currency> currencies;
    private final List<ApiUser> users;
    private final List<Row> rows;

    private SimulatorData(Map<String, Currency> currencies, List<ApiUser> users, List<Row> rows) {
        this.currencies = currencies;
        this.users = users;
        this.rows = rows;
    }

    /**
     * One daily cost line of one AWS account, as HyperBilling groups it.
     *
     * @param account the AWS account id
     * @param date the usage day
     * @param region the billing region prefix such as {@code APN2}, {@code global}, or {@code null}
     * @param service the service code such as {@code AmazonEC2}
     * @param usageType the usage type, or {@code null}
     * @param instanceType the instance type, or {@code null}
     * @param cost the exact cost in the account's currency
     * @param quantity the usage quantity, or {@code null}
     */
    public record Row(String account, LocalDate date, String region, String service, String usageType,
                      String instanceType, BigDecimal cost, BigDecimal quantity) {
        /** Validates presence of account, date, service and cost. */
        public Row {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(cost, "cost");
        }
    }

    /**
     * A HyperBilling API user: the {@code X-Client-Id} (email), the {@code X-Client-Secret} (key)
     * and the AWS accounts it may read.
     *
     * @param email the email
     * @param key the secret key; never shown by {@link #toString()}
     * @param accounts the linked AWS account ids
     */
    public record ApiUser(String email, String key, Set<String> accounts) {
        /** Validates presence and copies the accounts, keeping their order. */
        public ApiUser {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(key, "key");
            accounts = Collections.unmodifiableSet(new LinkedHashSet<>(accounts));
        }

        @Override
        public String toString() {
            return "ApiUser[email=" + email + ", key=***, accounts=" + accounts + "]";
        }
    }

    /**
     * @param currencies each AWS account id and its currency code, in order
     * @param users the API users; when empty, one user {@link #DEFAULT_EMAIL} / {@link #DEFAULT_KEY}
     *     linked to every account
     * @param rows the cost rows; every row's account must be one of {@code currencies}
     * @return the data
     * @throws IllegalArgumentException when a row or user names an unknown account, or a currency is unknown
     */
    public static SimulatorData of(Map<String, String> currencies, List<ApiUser> users, List<Row> rows) {
        Map<String, Currency> cur = new LinkedHashMap<>();
        currencies.forEach((account, code) -> cur.put(account, Currency.getInstance(code)));
        List<ApiUser> userList = users.isEmpty()
                ? List.of(new ApiUser(DEFAULT_EMAIL, DEFAULT_KEY, cur.keySet()))
                : List.copyOf(users);
        for (ApiUser u : userList) {
            for (String a : u.accounts()) {
                requireKnown(cur, a, "API user " + u.email());
            }
        }
        for (Row r : rows) {
            requireKnown(cur, r.account(), "row dated " + r.date());
        }
        return new SimulatorData(Collections.unmodifiableMap(cur), userList, List.copyOf(rows));
    }

    /**
     * @param contract the provider-neutral kit's rows
     * @return the same rows as HyperBilling data: each kit account an AWS account with its currency, region
     *     codes kept as they are, served to {@link #DEFAULT_EMAIL} / {@link #DEFAULT_KEY}
     */
    public static SimulatorData of(ContractData contract) {
        Map<String, String> currencies = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (ContractData.Row r : contract.rows()) {
            currencies.putIfAbsent(r.account(), r.currency());
            rows.add(new Row(r.account(), r.date(), r.region(), r.service(), "", null, r.amount(), null));
        }
        return of(currencies, List.of(), rows);
    }

    private static void requireKnown(Map<String, Currency> currencies, String account, String where) {
        if (!currencies.containsKey(account)) {
            throw new IllegalArgumentException(where + " names account " + account
                    + " which has no currency; known accounts: " + currencies.keySet());
        }
    }

    /**
     * Reads data from a file: {@code .json} or {@code .csv}.
     *
     * <p>JSON: {@code {"accounts": [{"id", "currency"}], "users": [{"email", "key", "accounts": [...]}],
     * "rows": [{"account", "date", "service", "region", "usageType", "instanceType", "cost", "quantity"}]}};
     * {@code cost} and {@code quantity} are JSON numbers or decimal strings, read exactly;
     * {@code users} may be left out.
     *
     * <p>CSV: a header line {@code account,currency,date,service,region,usageType,instanceType,cost,quantity}
     * then one row per line; values hold no commas; empty means none. The API user is
     * {@link #DEFAULT_EMAIL} / {@link #DEFAULT_KEY}, linked to every account.
     *
     * @param file the file
     * @return the data
     * @throws IllegalArgumentException naming the file, line and field when the content is malformed
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static SimulatorData load(Path file) {
        return DataFiles.load(file);
    }

    /** @return a generator of deterministic data */
    public static Generator generator() {
        return new Generator();
    }

    /** @return the AWS account ids, in order */
    public List<String> accounts() {
        return List.copyOf(currencies.keySet());
    }

    /**
     * @param account an AWS account id
     * @return its currency
     * @throws IllegalArgumentException when the account is unknown
     */
    public Currency currency(String account) {
        Currency c = currencies.get(account);
        if (c == null) {
            throw new IllegalArgumentException("unknown account " + account);
        }
        return c;
    }

    /** @return every row */
    public List<Row> rows() {
        return rows;
    }

    /** @return the API users */
    public List<ApiUser> users() {
        return users;
    }

    /**
     * @param account an AWS account id
     * @return the first API user linked to it
     */
    public Optional<ApiUser> userFor(String account) {
        return users.stream().filter(u -> u.accounts().contains(account)).findFirst();
    }

    /**
     * @param account an AWS account id
     * @param period a period
     * @return the account's rows dated in the period, in data order
     */
    public List<Row> rows(String account, BillingPeriod period) {
        return rows.stream().filter(r -> r.account().equals(account) && period.contains(r.date())).toList();
    }

    /**
     * @param account an AWS account id
     * @param period a period
     * @return the exact sum of the account's costs in the period, in its currency
     */
    public Money total(String account, BillingPeriod period) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Row r : rows(account, period)) {
            sum = sum.add(r.cost());
        }
        return Money.of(sum, currency(account));
    }

    /**
     * @param accounts AWS account ids
     * @param period a period
     * @return the exact sums over those accounts, one per currency that has rows, sorted by currency code
     */
    public List<Money> totals(Collection<String> accounts, BillingPeriod period) {
        Map<String, Money> byCode = new TreeMap<>();
        for (String account : new LinkedHashSet<>(accounts)) {
            if (!rows(account, period).isEmpty()) {
                Money t = total(account, period);
                byCode.merge(t.currency().getCurrencyCode(), t, Money::plus);
            }
        }
        return List.copyOf(byCode.values());
    }

    /**
     * @param more rows to add, for example a restatement of a closed month
     * @return a copy of this data with those rows appended
     */
    public SimulatorData withRows(List<Row> more) {
        List<Row> all = new ArrayList<>(rows);
        all.addAll(more);
        Map<String, String> codes = new LinkedHashMap<>();
        currencies.forEach((a, c) -> codes.put(a, c.getCurrencyCode()));
        return of(codes, users, all);
    }

    @Override
    public String toString() {
        return "SimulatorData[accounts=" + currencies.keySet() + ", users=" + users.size() + ", rows=" + rows.size()
                + "]";
    }

    /**
     * Builds deterministic data: the same settings give the same rows, to the last digit.
     * Defaults: seed 1, 3 accounts, currencies USD, 5 services, 4 regions, 90 days from
     * 2026-01-01, 4 rows per account and day. Costs are below 1000 (below 1,000,000 in
     * currencies without minor units such as KRW) with up to 10 decimals; some are tiny (written
     * with an exponent) and some negative (credits).
     */
    public static final class Generator {
        private long seed = 1;
        private int accounts = 3;
        private List<String> currencies = List.of("USD");
        private List<String> services = List.of("AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudFront");
        private List<String> regions = List.of("APN2", "USE1", "EUC1", "global");
        private LocalDate start = LocalDate.of(2026, 1, 1);
        private int days = 90;
        private int rowsPerDay = 4;

        private Generator() {
        }

        /**
         * @param seed the random seed
         * @return this generator
         */
        public Generator seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param accounts how many AWS accounts, 1 to 999
         * @return this generator
         */
        public Generator accounts(int accounts) {
            if (accounts < 1 || accounts > 999) {
                throw new IllegalArgumentException("accounts must be 1 to 999, got " + accounts);
            }
            this.accounts = accounts;
            return this;
        }

        /**
         * @param codes currency codes, given to the accounts in turn
         * @return this generator
         */
        public Generator currencies(String... codes) {
            for (String c : codes) {
                Currency.getInstance(c);
            }
            this.currencies = nonEmpty(codes, "currencies");
            return this;
        }

        /**
         * @param codes service codes rows are spread over
         * @return this generator
         */
        public Generator services(String... codes) {
            this.services = nonEmpty(codes, "services");
            return this;
        }

        /**
         * @param prefixes billing region prefixes rows are spread over
         * @return this generator
         */
        public Generator regions(String... prefixes) {
            this.regions = nonEmpty(prefixes, "regions");
            return this;
        }

        /**
         * @param start the first day with data
         * @param days how many days have data, at least 1
         * @return this generator
         */
        public Generator days(LocalDate start, int days) {
            if (days < 1) {
                throw new IllegalArgumentException("days must be at least 1, got " + days);
            }
            this.start = Objects.requireNonNull(start, "start");
            this.days = days;
            return this;
        }

        /**
         * @param rowsPerDay rows per account and day, at least 1
         * @return this generator
         */
        public Generator rowsPerDay(int rowsPerDay) {
            if (rowsPerDay < 1) {
                throw new IllegalArgumentException("rowsPerDay must be at least 1, got " + rowsPerDay);
            }
            this.rowsPerDay = rowsPerDay;
            return this;
        }

        /** @return the data; each account has its own API user {@code user<N>@example.com} */
        public SimulatorData build() {
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, String> cur = new LinkedHashMap<>();
            List<ApiUser> users = new ArrayList<>();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                String account = accountId(i);
                cur.put(account, currencies.get(i % currencies.size()));
                users.add(new ApiUser("user" + (i + 1) + "@example.com",
                        "key-" + Long.toHexString(random.nextLong()), Set.of(account)));
                for (int d = 0; d < days; d++) {
                    for (int k = 0; k < rowsPerDay; k++) {
                        rows.add(row(random, account, Currency.getInstance(cur.get(account)), start.plusDays(d)));
                    }
                }
            }
            rows.sort(Comparator.comparing(Row::account).thenComparing(Row::date));
            return of(cur, users, rows);
        }

        private Row row(SplittableRandom random, String account, Currency currency, LocalDate date) {
            String service = services.get(random.nextInt(services.size()));
            String region = regions.get(random.nextInt(regions.size()));
            String instanceType = service.equals("AmazonEC2") ? "t3.micro" : null;
            String usageType = random.nextInt(10) == 0 ? "" : region + "-" + service + "-Usage";
            int kind = random.nextInt(20);
            BigDecimal cost;
            if (kind == 0) {
                cost = BigDecimal.valueOf(-random.nextLong(1, 100_000), 4);
            } else if (kind == 1) {
                cost = BigDecimal.valueOf(random.nextLong(1, 100), 9);
            } else {
                int scale = random.nextInt(11);
                cost = BigDecimal.valueOf(random.nextLong(0, BigDecimal.TEN.pow(scale + 3).longValueExact()), scale);
            }
            if (currency.getDefaultFractionDigits() == 0) {
                cost = cost.scaleByPowerOfTen(3);
            }
            BigDecimal quantity = random.nextInt(5) == 0 ? null : BigDecimal.valueOf(random.nextInt(1, 100));
            return new Row(account, date, region, service, usageType, instanceType, cost, quantity);
        }

        private static String accountId(int i) {
            return i < 9 ? String.valueOf(i + 1).repeat(12) : String.format("%012d", 100_000_000_000L + i);
        }

        private static List<String> nonEmpty(String[] values, String what) {
            if (values.length == 0) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return List.of(values);
        }
    }
}
