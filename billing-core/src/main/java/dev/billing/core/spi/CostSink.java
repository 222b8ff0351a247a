package dev.billing.core.spi;

import dev.billing.core.CostRecord;

/** Where a provider streams the records it fetches. */
@FunctionalInterface
public interface CostSink {

    /** @param record one line item */
    void accept(CostRecord record);
}
