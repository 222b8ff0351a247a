package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Allocation;
import dev.billing.core.AllocationProvenance;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
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

/**
 * The Java snippet of docs/allocation.md, compiled and run against the HyperBilling simulator: web spends 10 USD
 * a day on EC2 and 1 on support, ops 20 a day on EC2; support goes to ops, and ops is split 70/30 between web and
 * data.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AllocationDocTest {
    private static final String WEB = "111111111111";
    private static final String OPS = "222222222222";

    @RegisterExtension
    static final HyperBillingSimulatorExtension HYPERBILLING = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(data()));

    private static SimulatorData data() {
        List<SimulatorData.Row> rows = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2026, 1, 1); d.isBefore(LocalDate.of(2026, 2, 1)); d = d.plusDays(1)) {
            rows.add(new SimulatorData.Row(WEB, d, "APN2", "AmazonEC2", "APN2-BoxUsage", null, new BigDecimal("10"),
                    null));
            rows.add(new SimulatorData.Row(WEB, d, "USE1", "AWSSupportBusiness", "Support", null, BigDecimal.ONE,
                    null));
            rows.add(new SimulatorData.Row(OPS, d, "APN2", "AmazonEC2", "APN2-BoxUsage", null, new BigDecimal("20"),
                    null));
        }
        return SimulatorData.of(Map.of(WEB, "USD", OPS, "USD"), List.of(), rows);
    }

    private static Credentials credentials(String account) {
        return Credentials.of(Map.of("account", account, "email", SimulatorData.DEFAULT_EMAIL,
                "key", SimulatorData.DEFAULT_KEY));
    }

    @Test
    void allocate(HyperBillingSimulator simulator) {
        String endpoint = simulator.endpoint();
        Credentials webCredentials = credentials(WEB);
        Credentials opsCredentials = credentials(OPS);
        List<String> moved = new ArrayList<>();
        // README-BEGIN
        Allocation allocation = Allocation.builder()
                .rule("support to ops", Map.of("service", List.of("AWSSupportBusiness")), "project-ops")
                .fixedSplit("platform", Map.of("project", List.of("project-ops")),
                        List.of("project-web", "project-data"), List.of("70", "30"))
                .build();                                    // an invalid one is refused here, naming the rule
        try (Billing billing = Billing.builder().allocation(allocation)
                .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint)).build()) {
            billing.serviceAccounts().register("web-prod", "hyperbilling-aws", webCredentials, "project-web");
            billing.serviceAccounts().register("ops-prod", "hyperbilling-aws", opsCredentials, "project-ops");
            CostReport january = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            Money data = january.project("project-data").total(Money.currency("USD"));    // 30 % of ops
            for (AllocationProvenance.Move m : january.allocation().orElseThrow().moved()) {
                moved.add(m.by() + ": " + m.from() + " -> " + m.to() + " " + m.amount().toPlainString());
            }
            CostReport raw = billing.costs().report(CostQuery.builder(january.period()).rawCosts(true).build());
            // README-END
            assertThat(data.amount()).isEqualByComparingTo("195.3");
            assertThat(january.project("project-web").total(Money.currency("USD")).amount())
                    .isEqualByComparingTo("765.7");
            assertThat(january.project("project-ops").totals()).isEmpty();
            assertThat(raw.project("project-ops").total(Money.currency("USD")).amount()).isEqualByComparingTo("620");
            assertThat(january.total(Money.currency("USD"))).isEqualTo(raw.total(Money.currency("USD")));
            assertThat(moved).hasSize(3);
            assertThat(moved.get(0)).isEqualTo("platform: project-ops -> project-data 195.3000000000");
            assertThat(moved.get(1)).isEqualTo("platform: project-ops -> project-web 455.7000000000");
            assertThat(moved.get(2)).matches("support to ops: project-web -> project-ops 31(\\.0+)?");
        }
    }
}
