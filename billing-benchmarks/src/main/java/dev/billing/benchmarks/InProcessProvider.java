package dev.billing.benchmarks;

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
import java.util.Currency;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A provider in this process, no HTTP: {@code itemsPerDay} seeded line items per account and day, so
 * that sync throughput measures the store and the sync around it, not a network.
 */
final class InProcessProvider implements BillingProvider {
    static final String ID = "in-process";
    private static final String[] SERVICES = {"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudFront",
            "AmazonDynamoDB", "AmazonEKS", "AmazonSQS"};
    private static final String[] REGIONS = {"us-east-1", "eu-central-1", "ap-northeast-2", "us-west-2"};
    /**
     * Per region and service, its usage type, made once: a provider's parser keeps a page's repeated text once
     * (as the HyperBilling provider's does), it does not build a new string per line item.
     */
    private static final String[][] USAGE_TYPES = new String[REGIONS.length][SERVICES.length];
    private static final ProviderId PROVIDER = ProviderId.of(ID);

    static {
        for (int r = 0; r < REGIONS.length; r++) {
            for (int s = 0; s < SERVICES.length; s++) {
                USAGE_TYPES[r][s] = REGIONS[r] + "-" + SERVICES[s] + "-Usage";
            }
        }
    }

    private final int itemsPerDay;

    InProcessProvider(int itemsPerDay) {
        this.itemsPerDay = itemsPerDay;
    }

    /** @return the exact amount of item {@code k} of {@code day} for the account: the same on every call */
    static BigDecimal amount(String account, LocalDate day, int k) {
        SplittableRandom r = new SplittableRandom(account.hashCode() * 31L + day.toEpochDay() * 1_000 + k);
        return BigDecimal.valueOf(r.nextLong(-1_000, 10_000_000_000L), r.nextInt(9));
    }

    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        ServiceAccount a = request.account();
        Currency currency = Currency.getInstance(Math.floorMod(a.name().hashCode(), 3) == 0 ? "EUR" : "USD");
        long n = 0;
        for (LocalDate day = request.period().start(); day.isBefore(request.period().end()); day = day.plusDays(1)) {
            request.cancellation().throwIfCancelled(a.name());
            for (int k = 0; k < itemsPerDay; k++) {
                int s = k % SERVICES.length;
                int r = (k / SERVICES.length) % REGIONS.length;
                sink.accept(CostRecord.builder().chargeDate(day).provider(PROVIDER)
                        .billingAccountId("123456789012").serviceAccount(a.id()).project(a.project())
                        .service(SERVICES[s]).region(REGIONS[r]).usageType(USAGE_TYPES[r][s])
                        .billedCost(new Money(amount(a.name(), day, k), currency)).build());
                n++;
            }
        }
        return FetchStats.builder().records(n).requests(1).pages(1).build();
    }

    @Override
    public ProviderId id() {
        return PROVIDER;
    }

    @Override
    public String displayName() {
        return "In-process benchmark provider";
    }

    @Override
    public CredentialSchema credentialSchema() {
        return CredentialSchema.of(CredentialField.text("account", "Account"));
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DAILY, Capability.MONTHLY);
    }

    @Override
    public void verify(ServiceAccount account) {
        // nothing to verify
    }
}
