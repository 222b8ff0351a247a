package dev.billing.core.spi;

/** Writes one window's line items into the sink the store gives, usually by fetching them from a provider. */
@FunctionalInterface
public interface WindowSource {

    /**
     * @param sink where the line items go; called from the calling thread
     * @return what the fetch did
     * @throws dev.billing.core.BillingException when fetching fails; the store then keeps the old window
     */
    FetchStats writeTo(CostSink sink);
}
