package dev.billing.testkit;

/** The contract kit, against the in-process fake reading a simulator's data and faults. */
class FakeBillingProviderContractTest extends ProviderContract {

    @Override
    protected ContractTarget start(ContractData data) {
        HyperBillingSimulator simulator = HyperBillingSimulator.builder().data(SimulatorData.of(data))
                .pageSize(data.pageSize()).start();
        return simulator.contractTarget(FakeBillingProvider.builder().simulator(simulator).build());
    }
}
