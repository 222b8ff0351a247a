package dev.billing.hyperbilling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.FetchListener;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.provider.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one retry loop reports each wait to the {@link FetchListener} of the {@link Billing}, over real HTTP. */
@Timeout(20)
class HyperBillingRetryListenerTest extends HyperBillingTestSupport {
    /** No jitter: the backoff after the 503 is exactly the initial backoff times the multiplier. */
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0,
            0.0, Duration.ofMinutes(1));

    record Retry(String account, Duration delay, boolean throttled) {
    }

    @Test
    void aReport_when429ThenA503ThenOk_tellsTheListenerOfBothWaits_theFirstThrottled() {
        stubSequence(BILLING, error(429, "THROTTLED").withHeader("Retry-After", "2"), error(503, "UNAVAILABLE"),
                ok(page("", row("2026-01-05", "1.25"), row("2026-01-06", "2.5"))));
        List<Retry> retries = new CopyOnWriteArrayList<>();
        FetchListener listener = new FetchListener() {
            @Override
            public void retrying(ServiceAccount account, Duration wait, boolean throttled) {
                retries.add(new Retry(account.name(), wait, throttled));
            }
        };
        Clock clock = Clock.fixed(Instant.parse("2026-02-10T08:00:00Z"), ZoneOffset.UTC);

        try (Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(provider(recordingWaits(POLICY, clock))).listener(listener).build()) {
            billing.serviceAccounts().register("prod-aws", "hyperbilling-aws",
                    Credentials.of(Map.of("account", ACCOUNT_ID, "email", "ops@example.com", "key", KEY)), "project-web");

            CostReport report = billing.costs().domainTotal(BillingPeriod.of(LocalDate.of(2026, 1, 1),
                    LocalDate.of(2026, 1, 31)));

            assertThat(report.isComplete()).isTrue();
            assertThat(report.totals()).containsExactly(Money.of("3.75", "USD"));
        }
        assertThat(retries).containsExactly(new Retry("prod-aws", Duration.ofSeconds(2), true),
                new Retry("prod-aws", Duration.ofMillis(200), false));
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2), Duration.ofMillis(200));
        assertThat(billingRequests()).isEqualTo(3);
    }
}
