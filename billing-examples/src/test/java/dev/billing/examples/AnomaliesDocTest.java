package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Anomaly;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.AnomalyReport;
import dev.billing.core.AnomalySettings;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java snippet of docs/anomalies.md, compiled and run: EC2 at 100 USD a day, 350.5 on February 14. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnomaliesDocTest {
    private static final String ACCOUNT = "111111111111";

    @RegisterExtension
    static final HyperBillingSimulatorExtension HYPERBILLING = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(data()));

    private static SimulatorData data() {
        List<SimulatorData.Row> rows = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2026, 1, 10); d.isBefore(LocalDate.of(2026, 3, 1)); d = d.plusDays(1)) {
            rows.add(new SimulatorData.Row(ACCOUNT, d, "APN2", "AmazonEC2", "APN2-BoxUsage", null,
                    new BigDecimal("100"), null));
        }
        rows.add(new SimulatorData.Row(ACCOUNT, LocalDate.of(2026, 2, 14), "USE1", "AmazonEC2", "USE1-BoxUsage", null,
                new BigDecimal("250.5"), null));
        return SimulatorData.of(Map.of(ACCOUNT, "USD"), List.of(), rows);
    }

    @Test
    void detect(HyperBillingSimulator simulator) {
        List<String> alerts = new ArrayList<>();
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", simulator.endpoint())).build()) {
            billing.serviceAccounts().register("web-prod", "hyperbilling-aws", Credentials.of(Map.of("account", ACCOUNT,
                    "email", SimulatorData.DEFAULT_EMAIL, "key", SimulatorData.DEFAULT_KEY)), "project-web");
            // README-BEGIN
            AnomalySettings settings = new AnomalySettings(new BigDecimal("3"), new BigDecimal("20"),
                    Map.of(Money.currency("USD"), new BigDecimal("10")), List.of());
            AnomalyDetector detector = AnomalyDetector.builder()
                    .settings(settings)
                    .listener(a -> alerts.add(a.day() + " " + a.series() + " rose by " + a.increase()))
                    .build();                                         // .alerts(costStore.alerts()) to persist
            AnomalyReport february = detector.detect(BillingPeriod.month(YearMonth.of(2026, 2)),
                    billing.costs()::report);                         // or costSync::report
            for (Anomaly a : february.anomalies()) {
                // a.day(), a.series(), a.cost(), a.baseline(), a.spread(), a.drivers(): exact
            }
            // README-END

            assertThat(february.anomalies()).hasSize(2);
            Anomaly project = february.anomalies().get(0);
            assertThat(project.cost()).isEqualByComparingTo("350.5");
            assertThat(project.baseline()).isEqualByComparingTo("100");
            assertThat(project.drivers()).extracting(d -> d.dimension().key()).containsExactly("region", "usageType");
            assertThat(alerts).containsExactly("2026-02-14 project-web USD rose by 250.5",
                    "2026-02-14 project-web / Amazon Elastic Compute Cloud - Compute USD rose by 250.5");
        }
    }
}
