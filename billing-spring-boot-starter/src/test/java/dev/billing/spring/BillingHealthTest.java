package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountStatus;
import dev.billing.core.AccountSyncResult;
import dev.billing.core.Billing;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.SyncSummary;
import dev.billing.testkit.FakeBillingProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cached results: a sync's failures and staleness, judged on an injected clock. */
class BillingHealthTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    @Test
    void anAccountWhoseLastSuccessfulSyncIsTooOld_isStale_andAFailedOneKeepsItsReason() {
        FakeBillingProvider provider = FakeBillingProvider.builder().build();
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build()) {
            Credentials credentials = Credentials.of(Map.of("account", "111111111111", "email", "a@example.com",
                    "key", "k"));
            billing.serviceAccounts().register("a", provider.id().value(), credentials, "p-a");
            billing.serviceAccounts().register("b", provider.id().value(), credentials, "p-b");
            BillingHealth health = new BillingHealth(billing, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(6));
            assertThat(health.accounts().get("a")).containsEntry("status", "UNVERIFIED");
            assertThat(health.healthy()).isTrue();

            health.recordSync(new SyncSummary(NOW.minus(Duration.ofHours(7)), List.of(
                    ok("a"), new AccountSyncResult(ServiceAccountId.of("b"), List.of(), List.of(), 0,
                            new AccountStatus.Failed(new CredentialsRejectedException("credentials rejected", "b", 401)),
                            null)), List.of()));

            assertThat(health.accounts().get("a")).containsEntry("status", "STALE").containsKey("reason");
            assertThat(health.accounts().get("b")).containsEntry("status", "FAILED")
                    .containsEntry("reason", "sync failed: credentials rejected");
            assertThat(health.healthy()).isFalse();

            health.recordSync(new SyncSummary(NOW.minus(Duration.ofHours(1)), List.of(ok("a"), ok("b")), List.of()));
            assertThat(health.accounts().values()).allSatisfy(d -> assertThat(d).containsEntry("status", "OK"));
            assertThat(health.healthy()).isTrue();
        }
    }

    private static AccountSyncResult ok(String name) {
        return new AccountSyncResult(ServiceAccountId.of(name), List.of(), List.of(), 0, AccountStatus.Ok.INSTANCE, null);
    }
}
