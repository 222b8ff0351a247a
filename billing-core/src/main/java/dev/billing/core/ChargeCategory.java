package dev.billing.core;

/** What kind of charge a line item is, after the FOCUS {@code ChargeCategory} column. */
public enum ChargeCategory {
    /** Consumption of a resource. */
    USAGE,
    /** A tax. */
    TAX,
    /** A credit granted by the provider (usually negative). */
    CREDIT,
    /** Money returned (usually negative). */
    REFUND,
    /** A fee such as a support plan or a commitment purchase. */
    FEE,
    /** A correction of earlier charges. */
    ADJUSTMENT
}
