package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The snippet of docs/testing.md: a host application's test, compiled and run. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
// README-BEGIN
class MyBillingTest {
    @RegisterExtension
    static final HyperBillingSimulatorExtension HYPERBILLING = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(SimulatorData.generator().seed(42).accounts(2)
                    .currencies("USD", "KRW").build()));

    @Test
    void projectTotal_isExactThroughRetries_andARejectedKeyShowsInCoverage(HyperBillingSimulator simulator) {
        SimulatorData data = simulator.data();
        String account = data.accounts().get(1);
        SimulatorData.ApiUser user = data.userFor(account).orElseThrow();
        BillingPeriod january = BillingPeriod.month(YearMonth.of(2026, 1));
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", simulator.endpoint()))
                .build()) {
            billing.serviceAccounts().register("seoul", "hyperbilling-aws", Credentials.of(Map.of(
                    "account", account, "email", user.email(), "key", user.key())), "project-seoul");

            simulator.fault(account, Fault.throttle(1, Duration.ZERO)); // 429 with Retry-After: 0
            simulator.fault(account, Fault.truncatedBody(1));           // then half an answer, the connection closed
            CostReport report = billing.costs().projectTotal("project-seoul", january);
            assertThat(report.isComplete()).isTrue();                   // both were retried
            assertThat(report.project("project-seoul").totals()).containsExactly(data.total(account, january));

            simulator.fault(account, Fault.rejectedKey());
            assertThat(billing.costs().projectTotal("project-seoul", january).isComplete()).isFalse();
        }
    }
}
// README-END
