package dev.billing.core;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A column costs can be filtered on and grouped by. */
public enum Dimension {
    /** The provider id, for example {@code hyperbilling-aws}. */
    PROVIDER("provider"),
    /** The service, for example {@code AmazonEC2}. */
    SERVICE("service"),
    /** The region code. */
    REGION("region"),
    /** The provider's billing account id (FOCUS {@code BillingAccountId}). */
    ACCOUNT("account"),
    /** The sub account: AWS linked account, Azure subscription, GCP project (FOCUS {@code SubAccountId}). */
    SUB_ACCOUNT("subAccount"),
    /** The billing service account's name. */
    SERVICE_ACCOUNT("serviceAccount"),
    /** The project. */
    PROJECT("project"),
    /** The usage type. */
    USAGE_TYPE("usageType"),
    /** The charge category. */
    CHARGE_CATEGORY("chargeCategory");

    private final String key;

    Dimension(String key) {
        this.key = key;
    }

    /** @return the name used in the CLI and JSON, for example {@code serviceAccount} */
    public String key() {
        return key;
    }

    /**
     * @param record a line item
     * @return this column's value in it
     */
    public String valueOf(CostRecord record) {
        return switch (this) {
            case PROVIDER -> record.provider().value();
            case SERVICE -> record.service();
            case REGION -> record.region();
            case ACCOUNT -> record.billingAccountId();
            case SUB_ACCOUNT -> record.subAccountId();
            case SERVICE_ACCOUNT -> record.serviceAccount().value();
            case PROJECT -> record.project().value();
            case USAGE_TYPE -> record.usageType();
            case CHARGE_CATEGORY -> record.chargeCategory().name();
        };
    }

    /**
     * @param key a dimension's {@link #key()} such as {@code serviceAccount}, in any case
     * @return the dimension
     * @throws InvalidRequestException naming the valid keys when none matches
     */
    public static Dimension parse(String key) {
        for (Dimension d : values()) {
            if (d.key.equalsIgnoreCase(key)) {
                return d;
            }
        }
        throw new InvalidRequestException("unknown dimension '" + key + "'; use one of "
                + Arrays.stream(values()).map(Dimension::key).collect(Collectors.joining(", ")));
    }
}
