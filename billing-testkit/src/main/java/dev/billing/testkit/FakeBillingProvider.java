package dev.billing.testkit;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.internal.SimulatorState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A provider that serves {@link SimulatorData} in process, without HTTP: for testing host code
 * that registers accounts and reads reports. It takes the same credentials as HyperBilling
 * ({@code account}, {@code email}, {@code key}) and checks them against the data's API users.
 *
 * <p>Faults: {@link Fault.RejectedKey} fails verification and fetches with
 * {@link CredentialsRejectedException}; {@link Fault.Hang} waits until the fetch is cancelled; throttling and server errors are absorbed as a retrying
 * client would (they count as extra requests); rows outside the period are never emitted.
 *
 * <pre>{@code
 * Billing billing = Billing.builder().discoverProviders(false)
 *         .addProvider(FakeBillingProvider.builder().data(SimulatorData.generator().build()).build())
 *         .build();
 * }</pre>
 *
 * <p>Not installed through ServiceLoader: add it explicitly. Thread-safe.
 */
public final class FakeBillingProvider implements BillingProvider {
    /** The default provider id. */
    public static final String DEFAULT_ID = "fake";

    private final ProviderId id;
    private final SimulatorState state;
    private final CredentialSchema schema = CredentialSchema.of(
            CredentialField.text("account", "AWS account id").matching("\\d{12}", "be exactly 12 digits"),
            CredentialField.text("email", "API user email"),
            CredentialField.secret("key", "API key"));

    private FakeBillingProvider(ProviderId id, SimulatorState state) {
        this.id = id;
        this.state = state;
    }

    /** @return a builder; id {@value #DEFAULT_ID}, generated default data */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Fake billing (" + id.value() + ")";
    }

    @Override
    public CredentialSchema credentialSchema() {
        return schema;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY, Capability.USAGE_QUANTITY);
    }

    @Override
    public void verify(ServiceAccount account) {
        authorize(account);
    }

    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        ServiceAccount account = request.account();
        String awsAccount = authorize(account);
        state.countBillingRequest(awsAccount);
        for (int waited = 0; state.faults().has(awsAccount, Fault.Hang.class) && waited < 30_000; waited += 20) {
            request.throwIfCancelled();
            state.faults().awaitRelease(Duration.ofMillis(20));
        }
        int failedRequests = state.faults().absorbTransient(awsAccount);
        SimulatorData data = state.data();
        long records = 0;
        for (SimulatorData.Row r : data.rows(awsAccount, request.period())) {
            sink.accept(CostRecord.builder().chargeDate(r.date()).provider(id).billingAccountId(awsAccount)
                    .subAccountId(awsAccount).serviceAccount(account.id()).project(account.project())
                    .service(r.service())
                    .region(r.region() == null || r.region().isEmpty() ? "us-east-1" : r.region())
                    .usageType(r.usageType() == null ? "" : r.usageType())
                    .chargeCategory(r.cost().signum() < 0 ? ChargeCategory.CREDIT : ChargeCategory.USAGE)
                    .billedCost(Money.of(r.cost(), data.currency(awsAccount))).usageQuantity(r.quantity()).build());
            records++;
        }
        int pages = (int) Math.max(1, (records + state.pageSize() - 1) / state.pageSize());
        return FetchStats.builder().records(records).requests(failedRequests + pages).pages(pages).build();
    }

    /** Checks the credentials as the simulator would; returns the AWS account id. */
    private String authorize(ServiceAccount account) {
        Credentials c = account.credentials();
        String awsAccount = c.get("account").orElse("");
        String email = c.get("email").orElse("");
        byte[] key = c.get("key").orElse("").getBytes(StandardCharsets.UTF_8);
        boolean accepted = !state.faults().has(awsAccount, Fault.RejectedKey.class) && state.data().users().stream()
                .anyMatch(u -> u.email().equals(email) && u.accounts().contains(awsAccount)
                        && MessageDigest.isEqual(u.key().getBytes(StandardCharsets.UTF_8), key));
        if (!accepted) {
            throw new CredentialsRejectedException("credentials of service account '" + account.name()
                    + "' rejected by " + id.value() + " for account " + awsAccount, account.name(), 401);
        }
        return awsAccount;
    }

    @Override
    public String toString() {
        return "FakeBillingProvider[" + id.value() + ", " + state.data() + "]";
    }

    /** Builds a {@link FakeBillingProvider}. */
    public static final class Builder {
        private String id = DEFAULT_ID;
        private SimulatorData data = SimulatorData.generator().build();
        private SimulatorState shared;
        private final List<Map.Entry<String, Fault>> faults = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param id the provider id (default {@value #DEFAULT_ID})
         * @return this builder
         */
        public Builder id(String id) {
            this.id = ProviderId.of(id).value();
            return this;
        }

        /**
         * @param data the data to serve
         * @return this builder
         */
        public Builder data(SimulatorData data) {
            this.data = Objects.requireNonNull(data, "data");
            this.shared = null;
            return this;
        }

        /**
         * Serves what a running simulator serves, with its faults, as they change.
         *
         * @param simulator the simulator
         * @return this builder
         */
        public Builder simulator(HyperBillingSimulator simulator) {
            this.shared = simulator.state();
            return this;
        }

        /**
         * @param account an AWS account id
         * @param fault a fault for it
         * @return this builder
         */
        public Builder fault(String account, Fault fault) {
            faults.add(Map.entry(Objects.requireNonNull(account), Objects.requireNonNull(fault)));
            return this;
        }

        /** @return the provider */
        public FakeBillingProvider build() {
            SimulatorState state = shared != null ? shared : new SimulatorState(data, Integer.MAX_VALUE, 0, 0);
            faults.forEach(f -> state.faults().add(f.getKey(), f.getValue()));
            return new FakeBillingProvider(ProviderId.of(id), state);
        }
    }
}
