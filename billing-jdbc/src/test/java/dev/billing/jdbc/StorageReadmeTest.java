package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.SyncSummary;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The "Getting started" snippet of docs/cost-store.md, run against the HyperBilling simulator. */
class StorageReadmeTest {
    private static final Logger log = LoggerFactory.getLogger(StorageReadmeTest.class);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void readme_embeddedStoreSyncAndReport() {
        YearMonth first = YearMonth.now(ZoneOffset.UTC).minusMonths(2);
        SimulatorData data = SimulatorData.generator().seed(11).accounts(1).currencies("USD").days(first.atDay(1), 70)
                .rowsPerDay(3).build();
        String account = data.accounts().get(0);
        SimulatorData.ApiUser user = data.userFor(account).orElseThrow();
        try (HyperBillingSimulator sim = HyperBillingSimulator.builder().data(data).start()) {
            String endpoint = sim.endpoint();        // README: "https://hyperbilling.example.com"
            byte[] key = new byte[32];               // README: 32 bytes from the host's secret manager
            String email = user.email();             // README: "ops@example.com"
            String apiKey = user.key();              // README: System.getenv("HB_KEY_PROD")
            Path file = dir.resolve("costs");        // README: Path.of("billing-data/costs")

            // README-BEGIN
            try (JdbcCostStore store = JdbcCostStore.embedded(file);
                 Billing billing = Billing.builder()
                         .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint))
                         .serviceAccountStore(store.serviceAccountStore(SecretStore.aesGcm(key)))
                         .build()) {
                if (billing.serviceAccounts().find("prod-aws").isEmpty()) {
                    billing.serviceAccounts().register("prod-aws", "hyperbilling-aws",
                            Credentials.of(Map.of("account", account, "email", email, "key", apiKey)),
                            "project-web");
                }
                CostSync sync = CostSync.builder(billing)
                        .store(store)
                        .monthsBack(12)                  // first sync: this month and the 12 before it
                        .restatementGraceDays(10)        // later syncs: open months + months closed < 10 days ago
                        .staleAfter(Duration.ofHours(6)) // reports mark older data STALE
                        .listener(e -> log.info("{} {} restated: {} -> {}",
                                e.account(), e.month(), e.oldTotals(), e.newTotals()))
                        .build();
                SyncSummary summary = sync.sync();       // run it on a schedule, e.g. hourly
                summary.accounts().stream().filter(a -> !a.succeeded())
                        .forEach(a -> log.warn("{} not synced: {}", a.account(), a.error()));

                YearMonth thisMonth = YearMonth.now(ZoneOffset.UTC);
                CostReport report = sync.report(CostQuery.of(   // answered by the database, no provider call
                        BillingPeriod.monthsThrough(thisMonth.minusMonths(2), thisMonth)));
                System.out.println("domain total: " + report.totals());
            }
            // README-END

            BillingPeriod period = BillingPeriod.monthsThrough(first, first.plusMonths(2));
            try (JdbcCostStore store = JdbcCostStore.embedded(file);
                 Billing billing = Billing.builder()
                         .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint))
                         .serviceAccountStore(store.serviceAccountStore(SecretStore.aesGcm(key)))
                         .build()) {
                assertThat(billing.serviceAccounts().list()).singleElement()
                        .satisfies(a -> assertThat(a.name()).isEqualTo("prod-aws"));
                int requests = sim.billingRequests(account);
                CostReport report = CostSync.builder(billing).store(store).build().report(CostQuery.of(period));
                assertThat(report.totals()).isNotEmpty().containsExactlyElementsOf(data.totals(data.accounts(), period));
                assertThat(report.coverage()).singleElement()
                        .satisfies(c -> assertThat(c.code()).isEqualTo(CoverageStatus.OK));
                assertThat(sim.billingRequests(account)).as("the report asked no provider").isEqualTo(requests)
                        .isPositive();
            }
        }
    }
}
