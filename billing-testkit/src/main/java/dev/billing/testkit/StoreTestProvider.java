package dev.billing.testkit;

import dev.billing.core.BillingException;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic provider for store tests ({@link CostStoreContract}, {@link StoreFixture}): each (account,
 * month, version) has its own seeded line items. Switches restate a month (new version), fail a window half way,
 * or block a window half way until released.
 */
public final class StoreTestProvider implements BillingProvider {
    /** Its provider id. */
    public static final String ID = "test-cloud";
    private static final String[] SERVICES = {"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "Tax"};
    private static final String[] REGIONS = {"us-east-1", "eu-west-1", "ap-northeast-2", "global"};

    private final long seed;
    private final int recordsPerMonth;
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    private final Map<String, Integer> failAfter = new ConcurrentHashMap<>();
    private volatile Block block;

    /**
     * Blocks one window after some records until released.
     *
     * @param account the service account's name
     * @param month the window's month
     * @param after how many records pass before the fetch blocks
     * @param reached counted down when the fetch blocks
     * @param release the fetch waits for it (at most 30 s)
     */
    public record Block(String account, YearMonth month, int after, CountDownLatch reached, CountDownLatch release) {
    }

    /**
     * @param seed the seed of every window's line items
     * @param recordsPerMonth about how many line items a window has (up to a quarter more)
     */
    public StoreTestProvider(long seed, int recordsPerMonth) {
        this.seed = seed;
        this.recordsPerMonth = recordsPerMonth;
    }

    /**
     * Changes a month's data: later fetches return a new version.
     *
     * @param account the service account's name
     * @param month the month
     */
    public void restate(String account, YearMonth month) {
        versions.merge(key(account, month), 1, Integer::sum);
    }

    /**
     * Sets a month's data version (0 is the original).
     *
     * @param account the service account's name
     * @param month the month
     * @param version the version
     */
    public void version(String account, YearMonth month, int version) {
        versions.put(key(account, month), version);
    }

    /**
     * The next fetches of that window throw a retryable failure after {@code n} records.
     *
     * @param account the service account's name
     * @param month the window's month
     * @param n records passed before the failure
     */
    public void failAfter(String account, YearMonth month, int n) {
        failAfter.put(key(account, month), n);
    }

    /**
     * Undoes {@link #failAfter}.
     *
     * @param account the service account's name
     * @param month the window's month
     */
    public void heal(String account, YearMonth month) {
        failAfter.remove(key(account, month));
    }

    /**
     * The next fetch of that window blocks after {@code n} records until released.
     *
     * @param account the service account's name
     * @param month the window's month
     * @param n records passed before blocking
     * @return the block: await {@link Block#reached()}, then count down {@link Block#release()}
     */
    public Block blockAfter(String account, YearMonth month, int n) {
        Block b = new Block(account, month, n, new CountDownLatch(1), new CountDownLatch(1));
        block = b;
        return b;
    }

    private static String key(String account, YearMonth month) {
        return account + "/" + month;
    }

    /**
     * @param account the service account
     * @param month the window's month
     * @return the records the provider serves now for that window
     */
    public List<CostRecord> records(ServiceAccount account, YearMonth month) {
        int version = versions.getOrDefault(key(account.name(), month), 0);
        SplittableRandom r = new SplittableRandom(seed ^ (account.name().hashCode() * 31L + month.hashCode()) * 1_000_003L
                + version * 7919L);
        Currency currency = Currency.getInstance(account.labels().getOrDefault("currency", "USD"));
        int n = recordsPerMonth + r.nextInt(recordsPerMonth / 4 + 1);
        List<CostRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            LocalDate day = month.atDay(1 + r.nextInt(month.lengthOfMonth()));
            String service = SERVICES[r.nextInt(SERVICES.length)];
            ChargeCategory category = service.equals("Tax") ? ChargeCategory.TAX
                    : r.nextInt(10) == 0 ? ChargeCategory.CREDIT : ChargeCategory.USAGE;
            BigDecimal amount = BigDecimal.valueOf(r.nextLong(1, 5_000_000_000_000L), r.nextInt(11));
            if (category == ChargeCategory.CREDIT) {
                amount = amount.negate();
            }
            out.add(CostRecord.builder().chargeDate(day).provider(ProviderId.of(ID))
                    .billingAccountId("acct-" + account.name()).serviceAccount(account.id())
                    .project(account.project()).service(service).region(REGIONS[r.nextInt(REGIONS.length)])
                    .usageType("usage-" + r.nextInt(3)).chargeCategory(category)
                    .billedCost(new Money(amount, currency))
                    .usageQuantity(BigDecimal.valueOf(r.nextInt(1000), 2)).build());
        }
        return out;
    }

    @Override
    public ProviderId id() {
        return ProviderId.of(ID);
    }

    @Override
    public String displayName() {
        return "Test Cloud";
    }

    @Override
    public CredentialSchema credentialSchema() {
        return CredentialSchema.of(CredentialField.text("account", "Account"), CredentialField.secret("key", "Key"));
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DAILY, Capability.MONTHLY);
    }

    @Override
    public void verify(ServiceAccount account) {
    }

    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        String name = request.account().name();
        request.account().credentials().get("key");    // as a real provider does: throws when it cannot be opened
        long count = 0;
        for (YearMonth m = YearMonth.from(request.period().start()); m.atDay(1).isBefore(request.period().end());
             m = m.plusMonths(1)) {
            Integer failAt = failAfter.get(key(name, m));
            Block b = block;
            for (CostRecord r : records(request.account(), m)) {
                if (!request.period().contains(r.chargeDate())) {
                    continue;
                }
                if (failAt != null && count == failAt) {
                    throw new BillingException("test-cloud is unavailable for '" + name + "'", name, 503, true, null);
                }
                if (b != null && b.account().equals(name) && b.month().equals(m) && count == b.after()) {
                    b.reached().countDown();
                    try {
                        if (!b.release().await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("block never released");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                sink.accept(r);
                count++;
            }
        }
        return FetchStats.builder().records(count).requests(1).pages(1).build();
    }
}
