package dev.billing.hyperbilling;

import dev.billing.core.spi.BillingProvider;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.ProviderContractTest;
import java.net.URI;
import java.time.Duration;

/** The provider contract, against the testkit's HyperBilling simulator over real HTTP. */
class HyperBillingContractTest extends ProviderContractTest {

    @Override
    protected BillingProvider createProvider(HyperBillingSimulator simulator) {
        return HyperBillingProvider.builder()
                .endpoint(URI.create(simulator.endpoint()))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5,
                        Duration.ofSeconds(3)))
                .requestTimeout(Duration.ofSeconds(10))
                .build();
    }
}
