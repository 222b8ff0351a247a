package dev.billing.testkit;

import dev.billing.core.spi.BillingProvider;

class FakeBillingProviderContractTest extends ProviderContractTest {

    @Override
    protected BillingProvider createProvider(HyperBillingSimulator simulator) {
        return FakeBillingProvider.builder().simulator(simulator).build();
    }
}
