package dev.billing.gcp;

import dev.billing.core.Credentials;
import dev.billing.core.spi.BillingProvider;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.Fault;
import dev.billing.testkit.ProviderContract;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;

/**
 * The provider-neutral contract kit against the testkit's BigQuery simulator over real HTTP: each kit
 * account is a Cloud Billing account of one export table, its sub accounts GCP projects.
 */
class GcpContractTest extends ProviderContract {
    private static final String EMAIL = "contract@billing-admin-project.iam.gserviceaccount.com";

    @Override
    protected ContractTarget start(ContractData data) {
        List<ExportRow> rows = data.rows().stream().map(r -> new ExportRow(r.account(), "p-" + r.subAccount(),
                r.service(), r.service() + " usage", r.region(), r.date().atStartOfDay().toInstant(ZoneOffset.UTC)
                .plusSeconds(3600), "regular", r.currency(), r.amount(), List.of())).toList();
        BigQueryBillingExportSimulator sim = BigQueryBillingExportSimulator.builder().rows(rows)
                .pageSize(data.pageSize()).pendingPolls(1).start();
        String key = sim.serviceAccountKey(EMAIL);
        String untrusted = sim.untrustedServiceAccountKey(EMAIL);
        GcpBillingExportProvider provider = GcpBillingExportProvider.builder().endpoint(URI.create(sim.endpoint()))
                .http(HttpSettings.builder().requestTimeout(Duration.ofSeconds(10))
                        .retryPolicy(RetryPolicy.defaults().withMaxAttempts(3)
                                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))).build())
                .build();
        return new ContractTarget() {
            @Override
            public BillingProvider provider() {
                return provider;
            }

            @Override
            public Credentials credentials(String account) {
                return Credentials.of(Map.of("serviceAccountKey", key, "table", sim.table(), "billingAccountId", account));
            }

            @Override
            public Credentials rejectedCredentials(String account) {
                return Credentials.of(Map.of("serviceAccountKey", untrusted, "table", sim.table(),
                        "billingAccountId", account));
            }

            @Override
            public void fault(String account, Fault fault) {
                sim.fault(account, fault);
            }

            @Override
            public int costRequests(String account) {
                return sim.queryRequests(); // every account's: the contract waits for one more
            }

            @Override
            public void close() {
                provider.close();
                sim.close();
            }
        };
    }
}
