package dev.billing.core;

/**
 * What kind of charge a line item is: the FOCUS {@code ChargeCategory} column. Whether it corrects an
 * earlier invoiced period (FOCUS {@code ChargeClass}) is {@link CostRecord#correction()}.
 */
public enum ChargeCategory {
    /** Consumption of a resource (FOCUS {@code Usage}), including usage a commitment covers. */
    USAGE,
    /** A purchase: a commitment, a support plan, a marketplace subscription (FOCUS {@code Purchase}). */
    PURCHASE,
    /** A tax (FOCUS {@code Tax}). */
    TAX,
    /** A credit or a refund: money the provider gives back (FOCUS {@code Credit}; usually negative). */
    CREDIT,
    /** Any other change the provider makes, such as a rounding adjustment (FOCUS {@code Adjustment}). */
    ADJUSTMENT
}
