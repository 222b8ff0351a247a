package dev.billing.hyperbilling;

import dev.billing.provider.RetryPolicy;
import dev.billing.provider.HttpSettings;
import dev.billing.hyperbilling.internal.ServiceNames;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.ProviderContract;
import dev.billing.testkit.SimulatorData;
import java.net.URI;
import java.time.Duration;

/** The provider-neutral contract kit, against the testkit's HyperBilling simulator over real HTTP. */
class HyperBillingContractTest extends ProviderContract {

    @Override
    protected ContractTarget start(ContractData data) {
        HyperBillingSimulator simulator = HyperBillingSimulator.builder().data(SimulatorData.of(data))
                .pageSize(data.pageSize()).start();
        return simulator.contractTarget(HyperBillingProvider.builder()
                .endpoint(URI.create(simulator.endpoint()))
                .http(HttpSettings.builder().requestTimeout(Duration.ofSeconds(10))
                        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5,
                                Duration.ofSeconds(3))).build())
                .build());
    }

    /** hyperbilling-aws reports services by Cost Explorer's names. */
    @Override
    protected String expectedService(String service) {
        return ServiceNames.of(service);
    }
}
