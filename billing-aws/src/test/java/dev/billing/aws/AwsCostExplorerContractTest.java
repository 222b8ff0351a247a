package dev.billing.aws;

import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.ProviderContract;
import java.net.URI;
import java.time.Duration;

/** The provider-neutral contract kit against the testkit's Cost Explorer simulator. */
class AwsCostExplorerContractTest extends ProviderContract {

    @Override
    protected ContractTarget start(ContractData data) {
        AwsCostExplorerSimulator simulator = AwsCostExplorerSimulator.forContract(data).start();
        return simulator.contractTarget(AwsCostExplorerProvider.builder()
                .endpoint(URI.create(simulator.endpoint()))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .requestTimeout(Duration.ofSeconds(10))
                .build());
    }
}
