package dev.billing.testkit;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Money;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What a {@link HyperBillingSummarySimulator} serves: billing accounts (platform, account id, the
 * client e-mail and public key their tokens are checked with, the invoice currency) and their cost
 * rows per vendor project, day, service and region. Immutable.
 */
public final class SummaryData {
    private final Map<String, Account> accounts;
    private final List<Row> rows;

    private SummaryData(Map<String, Account> accounts, List<Row> rows) {
        this.accounts = accounts;
        this.rows = rows;
    }

    /**
     * One billing account of the summary API.
     *
     * @param platform {@code gcp}, {@code alibaba}, {@code tencent} or {@code akamai}
     * @param accountId the vendor billing account id
     * @param clientEmail the e-mail its tokens must name ({@code iss}, {@code sub}, {@code email})
     * @param publicKey the RSA public key its tokens' signatures are checked with
     * @param currency the invoice currency of its rows
     */
    public record Account(String platform, String accountId, String clientEmail, PublicKey publicKey, Currency currency) {
        /** Validates presence. */
        public Account {
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(clientEmail, "clientEmail");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(currency, "currency");
        }
    }

    /**
     * One day's cost of one project, service and region, in the account's currency. Each row is served
     * as its own {@code costs} entry, so rows sharing a day (or service, or region) show several entries.
     *
     * @param accountId the billing account id
     * @param projectId the vendor project, e.g. a GCP project id
     * @param date the usage day
     * @param service the service name, e.g. {@code Compute Engine}
     * @param region the region id, e.g. {@code asia-northeast3}
     * @param finalCost the exact cost after credits, or null to be served as {@code "final_cost": null}
     * @param credit the credits applied, zero or negative: served as {@code credit}, with {@code cost} =
     *     {@code final_cost - credit}
     */
    public record Row(String accountId, String projectId, LocalDate date, String service, String region,
                      BigDecimal finalCost, BigDecimal credit) {
        /** Validates presence (the cost may be null). */
        public Row {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(projectId, "projectId");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(credit, "credit");
            if (credit.signum() > 0) {
                throw new IllegalArgumentException("credit must be zero or negative");
            }
        }

        /** A row without credits. */
        public Row(String accountId, String projectId, LocalDate date, String service, String region, BigDecimal finalCost) {
            this(accountId, projectId, date, service, region, finalCost, BigDecimal.ZERO);
        }

        /** @return the cost before credits, {@code final_cost - credit}, or null when the final cost is */
        public BigDecimal cost() {
            return finalCost == null ? null : finalCost.subtract(credit);
        }
    }

    /**
     * @param accounts the accounts
     * @param rows the rows; each names one of the accounts
     * @return the data
     * @throws IllegalArgumentException when a row names an unknown account, or two accounts share an id
     */
    public static SummaryData of(List<Account> accounts, List<Row> rows) {
        Map<String, Account> byId = new LinkedHashMap<>();
        for (Account a : accounts) {
            if (byId.put(a.accountId(), a) != null) {
                throw new IllegalArgumentException("two accounts with id " + a.accountId());
            }
        }
        for (Row r : rows) {
            if (!byId.containsKey(r.accountId())) {
                throw new IllegalArgumentException("row names unknown account " + r.accountId());
            }
        }
        return new SummaryData(java.util.Collections.unmodifiableMap(byId), List.copyOf(rows));
    }

    /**
     * Random rows for the accounts: a few projects, services and regions, every day of the range,
     * amounts with up to 6 decimals, some negative (credits); Compute Engine's carry a {@code credit}.
     *
     * @param seed the seed
     * @param accounts the accounts
     * @param start the first day
     * @param days how many days
     * @return the data
     */
    public static SummaryData generate(long seed, List<Account> accounts, LocalDate start, int days) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> services = List.of("Compute Engine", "Cloud Storage", "BigQuery", "Cloud SQL");
        List<String> regions = List.of("asia-northeast3", "us-central1", "europe-west1", "global");
        List<Row> rows = new ArrayList<>();
        for (Account a : accounts) {
            for (int d = 0; d < days; d++) {
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    BigDecimal amount = BigDecimal.valueOf(random.nextLong(-50_000_000L, 900_000_000L), 6);
                    String service = services.get(random.nextInt(services.size()));
                    // Compute Engine's positive costs carry a credit of a tenth of their cost before credits
                    BigDecimal credit = service.equals("Compute Engine") && amount.signum() > 0
                            ? amount.divide(BigDecimal.valueOf(9), 6, java.math.RoundingMode.DOWN).negate() : BigDecimal.ZERO;
                    rows.add(new Row(a.accountId(), "project-" + (1 + random.nextInt(2)), start.plusDays(d), service,
                            regions.get(random.nextInt(regions.size())), amount, credit));
                }
            }
        }
        return of(accounts, rows);
    }

    /** @return the accounts, in order */
    public List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    /**
     * @param accountId a billing account id
     * @return the account, if known
     */
    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    /** @return every row */
    public List<Row> rows() {
        return rows;
    }

    /**
     * @param accountId a billing account id
     * @param period a period
     * @return the exact total of its rows in the period (null costs count as zero), in its currency
     * @throws IllegalArgumentException when the account is unknown
     */
    public Money total(String accountId, BillingPeriod period) {
        Account a = account(accountId).orElseThrow(() -> new IllegalArgumentException("unknown account " + accountId));
        BigDecimal sum = BigDecimal.ZERO;
        for (Row r : rows) {
            if (r.accountId().equals(accountId) && period.contains(r.date()) && r.finalCost() != null) {
                sum = sum.add(r.finalCost());
            }
        }
        return Money.of(sum, a.currency());
    }

    /** @return a new 2048-bit RSA key pair, for an account's key */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param key an RSA private key
     * @return it as PEM PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the form the provider takes
     */
    public static String pkcs8Pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /**
     * @param type the PEM type, e.g. {@code PUBLIC KEY}
     * @param der the DER bytes
     * @return the PEM block, 64 characters a line
     */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    @Override
    public String toString() {
        return "SummaryData[" + accounts.size() + " accounts, " + rows.size() + " rows]";
    }
}
