package dev.billing.jdbc.internal;

/**
 * Column lists of the roll-up tables. The column of each dimension is {@link dev.billing.core.Dimension#column()}.
 */
public final class Columns {
    /** The columns the monthly roll-up {@code cost_month} keeps besides account, month and amount. */
    public static final String ROLLED_UP =
            "provider, billing_account, sub_account, project, service, region, usage_type, charge_category, currency";

    private Columns() {
    }
}
