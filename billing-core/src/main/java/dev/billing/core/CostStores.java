package dev.billing.core;

import dev.billing.core.internal.InMemoryCostStore;
import dev.billing.core.spi.CostStore;

/**
 * The cost stores the core gives. {@code billing-jdbc}'s {@code JdbcCostStore} keeps costs in an embedded
 * database file or a shared PostgreSQL.
 */
public final class CostStores {
    private CostStores() {
    }

    /**
     * @return a new store that keeps costs in memory, lost when the process ends (the default of
     *     {@link CostSync.Builder#store(CostStore)})
     */
    public static CostStore inMemory() {
        return new InMemoryCostStore();
    }
}
