package dev.billing.testkit;

import dev.billing.core.spi.CostStore;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract on the in-memory default, the reference the database stores are held to. It runs here: core
 * cannot depend on the testkit (the testkit depends on core).
 */
class InMemoryCostStoreContractTest extends CostStoreContract {
    private CostStore shared;

    @BeforeEach
    void freshStore() {
        shared = CostStore.inMemory();
    }

    @Override
    protected CostStore newStore() {
        return shared;
    }
}
