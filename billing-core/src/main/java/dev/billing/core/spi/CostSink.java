package dev.billing.core.spi;

import dev.billing.core.CostRecord;
import java.util.List;

/** Where a provider streams the records it fetches. */
@FunctionalInterface
public interface CostSink {

    /** @param record one line item */
    void accept(CostRecord record);

    /**
     * Passes several line items at once, for example one page of an answer: the same as calling
     * {@link #accept} for each in order, but the SDK then checks cancellation and hands records on once
     * per batch instead of once per record. Providers that hold a page of records should prefer it.
     * The sink reads the list during the call only and keeps no reference to it, so a provider may reuse it.
     *
     * @param records line items, in order
     */
    default void acceptAll(List<CostRecord> records) {
        for (CostRecord r : records) {
            accept(r);
        }
    }
}
