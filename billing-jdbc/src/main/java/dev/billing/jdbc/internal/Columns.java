package dev.billing.jdbc.internal;

import dev.billing.core.Dimension;

/** The {@code cost_line} column that holds each dimension. */
public final class Columns {
    /** The columns the monthly roll-up {@code cost_month} keeps besides account, month and amount. */
    public static final String ROLLED_UP =
            "provider, billing_account, sub_account, project, service, region, usage_type, charge_category, currency";

    private Columns() {
    }

    /**
     * @param d a dimension
     * @return its column
     */
    public static String of(Dimension d) {
        return switch (d) {
            case PROVIDER -> "provider";
            case SERVICE -> "service";
            case REGION -> "region";
            case ACCOUNT -> "billing_account";
            case SUB_ACCOUNT -> "sub_account";
            case SERVICE_ACCOUNT -> "service_account";
            case PROJECT -> "project";
            case USAGE_TYPE -> "usage_type";
            case CHARGE_CATEGORY -> "charge_category";
        };
    }
}
