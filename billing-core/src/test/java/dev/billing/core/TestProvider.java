package dev.billing.core;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only provider: serves the records it is given per service account name, can fail for chosen
 * accounts (after emitting some records), can hold fetches until a number of them are in flight together,
 * and counts the fetches in flight.
 */
class TestProvider implements BillingProvider {
    static final String ID = "test-cloud";

    /** How a failing account fails. */
    enum Failure {
        /** Throws a {@link ProviderUnavailableException} after emitting the given number of records. */
        UNAVAILABLE,
        /** Throws an {@link IllegalStateException} whose message holds the account's key. */
        UNEXPECTED
    }

    private final ProviderId id;
    private final Map<String, String> settings;
    private final Map<String, List<CostRecord>> records = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Integer> recordsBeforeFailure = new ConcurrentHashMap<>();
    private volatile CountDownLatch meeting;
    private final AtomicBoolean missedMeeting = new AtomicBoolean();
    private volatile boolean withinPeriod;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger verifications = new AtomicInteger();

    TestProvider() {
        this(ID, Map.of());
    }

    TestProvider(String id, Map<String, String> settings) {
        this.id = ProviderId.of(id);
        this.settings = Map.copyOf(settings);
    }

    /** The schema: a 12-digit account, an e-mail address and a secret key of at least 16 letters or digits. */
    static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.text("account", "account id").matching("\\d{12}", "be exactly 12 digits"),
            CredentialField.text("email", "e-mail").satisfying(v -> v.contains("@"), "be an e-mail address"),
            CredentialField.secret("key", "API key").matching("[A-Za-z0-9]{16,}", "be at least 16 letters or digits"),
            CredentialField.text("region", "home region").optional());

    /** Valid credentials with the given secret key. */
    static Credentials credentials(String key) {
        return Credentials.of(Map.of("account", "123456789012", "email", "ops@example.com", "key", key));
    }

    static Credentials credentials() {
        return credentials("K3yAbcdefghijklmnop");
    }

    TestProvider serve(String account, List<CostRecord> accountRecords) {
        records.put(account, List.copyOf(accountRecords));
        return this;
    }

    TestProvider fail(String account, Failure failure, int afterRecords) {
        failures.put(account, failure);
        recordsBeforeFailure.put(account, afterRecords);
        return this;
    }

    /** Serves only the records inside the requested period (as real providers do), for syncs. */
    TestProvider withinPeriod() {
        this.withinPeriod = true;
        return this;
    }

    /**
     * Holds each fetch until {@code n} fetches are in flight together; from then on every fetch passes.
     * A bound below {@code n} keeps them from meeting: {@link #met()} then says so.
     */
    TestProvider meetAt(int n) {
        this.meeting = new CountDownLatch(n);
        return this;
    }

    /** @return whether every held fetch saw the meeting (false: one gave up after 10 s, the others never came) */
    boolean met() {
        return meeting != null && meeting.getCount() == 0 && !missedMeeting.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    int fetches() {
        return fetches.get();
    }

    int verifications() {
        return verifications.get();
    }

    Map<String, String> settings() {
        return settings;
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Test Cloud";
    }

    @Override
    public CredentialSchema credentialSchema() {
        return SCHEMA;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY);
    }

    @Override
    public void verify(ServiceAccount account) {
        verifications.incrementAndGet();
        if (failures.containsKey(account.name())) {
            throw new CredentialsRejectedException("service account '" + account.name() + "': credentials refused",
                    account.name(), 401);
        }
    }

    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        fetches.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch m = meeting;
            if (m != null) {
                m.countDown();
                if (!await(m)) {
                    missedMeeting.set(true);
                }
            }
            String name = request.account().name();
            Failure failure = failures.get(name);
            int failAfter = recordsBeforeFailure.getOrDefault(name, Integer.MAX_VALUE);
            long sent = 0;
            for (CostRecord r : records.getOrDefault(name, List.of())) {
                if (failure != null && sent == failAfter) {
                    break;
                }
                if (withinPeriod && !request.period().contains(r.chargeDate())) {
                    continue;
                }
                sink.accept(r);
                sent++;
            }
            if (failure == Failure.UNAVAILABLE) {
                throw new ProviderUnavailableException("service account '" + name + "': test-cloud answered HTTP 503",
                        name, 503, null);
            }
            if (failure == Failure.UNEXPECTED) {
                throw new IllegalStateException("boom with key " + request.account().credentials().get("key").orElse(""));
            }
            return FetchStats.builder().records(sent).requests(1).pages(1).build();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
