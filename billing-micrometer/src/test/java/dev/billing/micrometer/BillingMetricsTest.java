package dev.billing.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.Credentials;
import dev.billing.core.SyncSummary;
import dev.billing.hyperbilling.HyperBillingProvider;
import dev.billing.provider.HttpSettings;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.RecordingSleeper;
import dev.billing.testkit.SimulatorData;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BillingMetricsTest {
    private static final String WEB_KEY = "web-key-1f2e3d";
    private static final String DATA_KEY = "data-key-7c6b5a";
    private static final BillingPeriod Q1 = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));

    private static SimulatorData data() {
        SimulatorData generated = SimulatorData.generator().seed(7).accounts(2).currencies("USD", "EUR").build();
        return SimulatorData.of(Map.of("111111111111", "USD", "222222222222", "EUR"), List.of(
                new SimulatorData.ApiUser("web@example.com", WEB_KEY, Set.of("111111111111")),
                new SimulatorData.ApiUser("data@example.com", DATA_KEY, Set.of("222222222222"))), generated.rows());
    }

    private static Billing billing(HyperBillingSimulator sim, BillingMetrics metrics, String dataKey) {
        Billing billing = Billing.builder().providerSettings("hyperbilling-aws", Map.of("endpoint", sim.endpoint()))
                .listener(metrics).build();
        billing.serviceAccounts().register("web-prod", "hyperbilling-aws", Credentials.of(Map.of(
                "account", "111111111111", "email", "web@example.com", "key", WEB_KEY)), "p-web");
        billing.serviceAccounts().register("data-prod", "hyperbilling-aws", Credentials.of(Map.of(
                "account", "222222222222", "email", "data@example.com", "key", dataKey)), "p-data");
        return billing;
    }

    @Test
    void aLiveReport_countsFetchesByOutcome_requests_lineItems_andEachAccountsDataAge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BillingMetrics metrics = new BillingMetrics();
        try (HyperBillingSimulator sim = HyperBillingSimulator.start(data());
             Billing billing = billing(sim, metrics, "rejected-key")) {
            metrics.registerAccounts(billing).bindTo(registry);
            assertThat(registry.get("billing.account.data.age").tag("service.account", "web-prod").timeGauge()
                    .value(TimeUnit.SECONDS)).as("never read").isNaN();

            CostReport report = billing.costs().domainTotal(Q1);

            assertThat(registry.get("billing.fetch").tags("provider", "hyperbilling-aws", "outcome", "ok").timer().count())
                    .isEqualTo(1);
            assertThat(registry.get("billing.fetch").tags("outcome", "failed").timer().count()).isEqualTo(1);
            long records = report.coverage().stream().mapToLong(c -> c.stats().records()).sum();
            assertThat(records).isPositive();
            assertThat(registry.get("billing.fetch.line.items").tag("service.account", "web-prod").counter().count())
                    .isEqualTo(records);
            assertThat(registry.get("billing.provider.requests").counter().count())
                    .isEqualTo(report.coverage().stream().mapToLong(c -> c.stats().requests()).sum());
            assertThat(registry.get("billing.account.data.age").tag("service.account", "web-prod").timeGauge()
                    .value(TimeUnit.SECONDS)).isNotNaN().isGreaterThanOrEqualTo(0);
            assertThat(registry.get("billing.account.data.age").tag("service.account", "data-prod").timeGauge()
                    .value(TimeUnit.SECONDS)).as("rejected: never read").isNaN();
            assertNoSecret(registry);
        }
    }

    @Test
    void aSync_isTimed_andCountsTheLineItemsWritten() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BillingMetrics metrics = new BillingMetrics();
        try (HyperBillingSimulator sim = HyperBillingSimulator.start(data());
             Billing billing = billing(sim, metrics, DATA_KEY)) {
            metrics.registerAccounts(billing).bindTo(registry);
            CostSync sync = CostSync.builder(billing).monthsBack(1).build();

            SyncSummary summary = metrics.sync(sync);

            assertThat(registry.get("billing.sync").tag("outcome", summary.isComplete() ? "complete" : "incomplete")
                    .timer().count()).isEqualTo(1);
            double written = registry.find("billing.sync.line.items").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertThat(written).isEqualTo(summary.records());
            assertThat(registry.get("billing.fetch").tags("outcome", "ok").timer().count()).isEqualTo(2);
            assertNoSecret(registry);
        }
    }

    @Test
    void withoutSpring_theMetricsAreTheBillingsListener_boundToAnyRegistry() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (HyperBillingSimulator sim = HyperBillingSimulator.start(data())) {
            String endpoint = sim.endpoint();
            // README-BEGIN
            BillingMetrics metrics = new BillingMetrics();
            Billing billing = Billing.builder()
                    .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint))
                    .listener(metrics)
                    .build();
            billing.serviceAccounts().register("web-prod", "hyperbilling-aws", Credentials.of(Map.of(
                    "account", "111111111111", "email", "web@example.com", "key", WEB_KEY)), "p-web");
            metrics.registerAccounts(billing).bindTo(registry);

            CostSync sync = CostSync.builder(billing).monthsBack(1).build();
            SyncSummary summary = metrics.sync(sync); // timed as billing.sync
            // README-END
            try (billing) {
                assertThat(summary.isComplete()).isTrue();
                assertThat(registry.get("billing.sync").tag("outcome", "complete").timer().count()).isEqualTo(1);
                assertThat(registry.get("billing.account.data.age").tag("service.account", "web-prod").timeGauge()
                        .value(TimeUnit.SECONDS)).isNotNaN();
            }
        }
    }

    @Test
    void aReportThatIsThrottledThenFailsOnce_countsBothRetries_andTheThrottlingWait() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BillingMetrics metrics = new BillingMetrics();
        metrics.bindTo(registry);
        RecordingSleeper sleeper = new RecordingSleeper();
        try (HyperBillingSimulator sim = HyperBillingSimulator.builder().data(data())
                .fault("111111111111", Fault.throttle(1, Duration.ofSeconds(2)))
                .fault("111111111111", Fault.serverError(1, 503)).start();
             Billing billing = Billing.builder().discoverProviders(false)
                     .addProvider(HyperBillingProvider.builder().endpoint(URI.create(sim.endpoint()))
                             .http(HttpSettings.builder().sleeper(sleeper).build()).build())
                     .listener(metrics).build()) {
            billing.serviceAccounts().register("web-prod", "hyperbilling-aws", Credentials.of(Map.of(
                    "account", "111111111111", "email", "web@example.com", "key", WEB_KEY)), "p-web");

            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));

            assertThat(report.isComplete()).isTrue();
        }
        assertThat(sleeper.waits()).hasSize(2).first().isEqualTo(Duration.ofSeconds(2));
        assertThat(registry.get("billing.fetch.retries").tags("provider", "hyperbilling-aws", "reason", "throttled")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("billing.fetch.retries").tags("provider", "hyperbilling-aws", "reason", "failure")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("billing.fetch.throttle.wait").tags("provider", "hyperbilling-aws").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000);
        assertNoSecret(registry);
    }

    private static void assertNoSecret(MeterRegistry registry) {
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getName()).startsWith("billing.");
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getValue()).doesNotContain(WEB_KEY).doesNotContain(DATA_KEY).doesNotContain("rejected-key")
                        .doesNotContain("@example.com").doesNotContain("2026");
            }
        }
    }
}
