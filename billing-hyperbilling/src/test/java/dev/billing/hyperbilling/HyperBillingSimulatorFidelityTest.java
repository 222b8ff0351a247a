package dev.billing.hyperbilling;

import dev.billing.provider.HttpSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Granularity;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The points where the real service differs from the first spec, end to end against the simulator. */
@Timeout(30)
class HyperBillingSimulatorFidelityTest {

    @Test
    void projectTotal_over100DaysWithNullCostsAndTheNewRegions_isExactAndCountsTheNullCosts() {
        SimulatorData data = SimulatorData.generator().seed(11).accounts(1)
                .regions("CPT", "UGW1", "UGE1", "APS4", "APS5", "EUC2", "EUS2", "MEC1", "ILC1", "CAW1")
                .days(LocalDate.of(2026, 1, 1), 100).build();
        String accountId = data.accounts().get(0);
        BillingPeriod period = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 11));
        try (HyperBillingSimulator sim = HyperBillingSimulator.builder().data(data).pageSize(200)
                .fault(accountId, Fault.nullCosts()).start()) {
            HyperBillingProvider provider = HyperBillingProvider.builder().endpoint(URI.create(sim.endpoint()))
                    .http(HttpSettings.builder().retryPolicy(HyperBillingTestSupport.FAST)
                            .requestTimeout(Duration.ofSeconds(10)).build()).build();
            SimulatorData.ApiUser user = data.userFor(accountId).orElseThrow();
            ServiceAccount account = new ServiceAccount(dev.billing.core.ServiceAccountId.of("prod"),
                    dev.billing.core.ProviderId.of(HyperBillingProvider.ID), dev.billing.core.ProjectId.of("web"),
                    dev.billing.core.Credentials.of(Map.of("account", accountId, "email", user.email(),
                            "key", user.key())), Map.of());
            List<CostRecord> records = new ArrayList<>();

            FetchStats stats = provider.fetch(FetchRequest.of(account, period, Granularity.DAILY), records::add);

            BigDecimal total = records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(total).isEqualTo(data.total(accountId, period).amount());
            // one window of at most 30 days per request, each answer with one null-cost row (in us-east-1)
            assertThat(stats.nullCosts()).isEqualTo(4);
            assertThat(stats.droppedRows()).isZero();
            assertThat(records).extracting(CostRecord::region).containsOnly("af-south-1", "us-gov-west-1",
                    "us-gov-east-1", "ap-southeast-3", "ap-south-2", "eu-central-2", "eu-south-2", "me-central-1",
                    "il-central-1", "ca-west-1", "us-east-1");
        }
    }
}
