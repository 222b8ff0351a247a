package dev.billing.aws;

import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.ProviderContract;
import java.net.URI;
import java.time.Duration;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;

/** The provider-neutral contract kit against the testkit's Cost Explorer simulator. */
class AwsCostExplorerContractTest extends ProviderContract {

    @Override
    protected ContractTarget start(ContractData data) {
        AwsCostExplorerSimulator simulator = AwsCostExplorerSimulator.forContract(data).start();
        return simulator.contractTarget(AwsCostExplorerProvider.builder()
                .endpoint(URI.create(simulator.endpoint()))
                .http(HttpSettings.builder().requestTimeout(Duration.ofSeconds(10)).retryPolicy(RetryPolicy.defaults()
                        .withMaxAttempts(3).withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))).build())
                .build());
    }
}
