package dev.billing.core;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A column costs can be filtered on and grouped by, described once: its {@linkplain #key() name}, how it
 * is {@linkplain #valueOf(CostRecord) read from a line item}, the {@linkplain #column() column} a cost store keeps
 * it in, whether it is {@linkplain #perAccount() one value per service account}, and
 * {@linkplain #passes(Map, String) how a filter decides}. The live aggregation, the in-memory store and the JDBC
 * store all work from this description, so a new dimension is one constant here (and a {@link CostRecord}
 * component and a store migration).
 */
public enum Dimension {
    /** The provider id, for example {@code hyperbilling-aws}. */
    PROVIDER("provider", "provider", false),
    /** The service, for example {@code AmazonEC2}. */
    SERVICE("service", "service", false),
    /** The region code. */
    REGION("region", "region", false),
    /** The provider's billing account id (FOCUS {@code BillingAccountId}). */
    ACCOUNT("account", "billing_account", false),
    /** The sub account: AWS linked account, Azure subscription, GCP project (FOCUS {@code SubAccountId}). */
    SUB_ACCOUNT("subAccount", "sub_account", false),
    /** The billing service account's name. */
    SERVICE_ACCOUNT("serviceAccount", "service_account", true),
    /** The project. */
    PROJECT("project", "project", true),
    /** The usage type. */
    USAGE_TYPE("usageType", "usage_type", false),
    /** The charge category. */
    CHARGE_CATEGORY("chargeCategory", "charge_category", false);

    private final String key;
    private final String column;
    private final boolean perAccount;

    Dimension(String key, String column, boolean perAccount) {
        this.key = key;
        this.column = column;
        this.perAccount = perAccount;
    }

    /** @return the name used in the CLI and JSON, for example {@code serviceAccount} */
    public String key() {
        return key;
    }

    /**
     * @return the name of the column a cost store keeps this dimension in, for example {@code billing_account}
     *     (the JDBC store's schema)
     */
    public String column() {
        return column;
    }

    /**
     * @return whether every line item of one service account has the same value: the SDK tags each line item
     *     with its registered account's {@linkplain #SERVICE_ACCOUNT name} and {@linkplain #PROJECT project}, so
     *     a filter or a group-by on it is decided once per account ({@link #valueOf(ServiceAccount)})
     */
    public boolean perAccount() {
        return perAccount;
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
     * @param account a registered service account
     * @return for a {@linkplain #perAccount() per-account} dimension, the value every line item of that account
     *     has; empty for the others
     */
    public Optional<String> valueOf(ServiceAccount account) {
        return switch (this) {
            case SERVICE_ACCOUNT -> Optional.of(account.id().value());
            case PROJECT -> Optional.of(account.project().value());
            default -> Optional.empty();
        };
    }

    /**
     * The one rule filters follow, wherever costs are summed (live, in memory, in SQL): a value passes when the
     * filters do not name this dimension, or list that value (exactly, case-sensitive).
     *
     * @param filters the allowed values per dimension, as {@link CostQuery#filters()} gives them
     * @param value a value of this dimension
     * @return whether it passes
     */
    public boolean passes(Map<Dimension, ? extends Set<String>> filters, String value) {
        Set<String> allowed = filters.get(this);
        return allowed == null || allowed.contains(value);
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
