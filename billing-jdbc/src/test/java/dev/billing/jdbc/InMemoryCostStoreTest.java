package dev.billing.jdbc;

import dev.billing.core.CostStores;
import dev.billing.core.spi.CostStore;
import org.junit.jupiter.api.BeforeEach;

/** The store contract on the in-memory default, the reference the database stores are held to. */
class InMemoryCostStoreTest extends CostStoreContract {
    private CostStore shared;

    @BeforeEach
    void freshStore() {
        shared = CostStores.inMemory();
    }

    @Override
    CostStore newStore() {
        return shared;
    }
}
