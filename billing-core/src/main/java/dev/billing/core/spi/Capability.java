package dev.billing.core.spi;

/** What a provider can do. */
public enum Capability {
    /** Serves costs per day. */
    DAILY,
    /** Serves costs per month. */
    MONTHLY,
    /** Can check credentials without fetching costs. */
    VERIFY,
    /** Reports usage quantities. */
    USAGE_QUANTITY,
    /**
     * Fills {@link dev.billing.core.CostRecord#tags()}: a provider declares it when its line items carry
     * the vendor's tags (or labels).
     */
    TAGS,
    /**
     * Fills {@link dev.billing.core.CostRecord#effectiveCost()} with the vendor's amortized cost: a
     * provider declares it when it does. Without it, a report of effective costs fails the provider's
     * accounts rather than showing billed costs under that name.
     */
    EFFECTIVE_COST,
    /**
     * Fills {@link dev.billing.core.CostRecord#listCost()} with the vendor's cost at public prices: a
     * provider declares it when it does. Without it, a report of list costs fails the provider's accounts.
     */
    LIST_COST
}
