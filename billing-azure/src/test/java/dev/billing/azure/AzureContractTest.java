package dev.billing.azure;

import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.ProviderContract;
import java.net.URI;
import java.time.Duration;

/** The provider-neutral contract kit, against the testkit's Azure Cost Management simulator over real HTTP. */
class AzureContractTest extends ProviderContract {

    @Override
    protected ContractTarget start(ContractData data) {
        AzureCostManagementSimulator simulator = AzureCostManagementSimulator.of(data);
        URI url = URI.create(simulator.endpoint());
        return simulator.contractTarget(AzureCostManagementProvider.builder()
                .endpoint(url)
                .authority(url)
                .retryPolicy(new AzureRetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(3)))
                .requestTimeout(Duration.ofSeconds(10))
                .build());
    }
}
