package dev.billing.azure;

import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.ProviderContract;
import java.net.URI;
import java.time.Duration;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;

/** The provider-neutral contract kit, against the testkit's Azure Cost Management simulator over real HTTP. */
class AzureContractTest extends ProviderContract {

    @Override
    protected ContractTarget start(ContractData data) {
        AzureCostManagementSimulator simulator = AzureCostManagementSimulator.of(data);
        URI url = URI.create(simulator.endpoint());
        return simulator.contractTarget(AzureCostManagementProvider.builder()
                .endpoint(url)
                .authority(url)
                .http(HttpSettings.builder().requestTimeout(Duration.ofSeconds(10))
                        .retryPolicy(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5,
                                Duration.ofSeconds(3))).build())
                .build());
    }
}
