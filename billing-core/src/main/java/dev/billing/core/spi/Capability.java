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
    USAGE_QUANTITY
}
