package dev.billing.core;

/** Whether a billing month can still change at the provider. Months are UTC calendar months. */
public enum MonthState {
    /** The month has not ended: its costs grow every day. */
    OPEN,
    /** The month has ended; the provider may still restate it for some days. */
    CLOSED
}
