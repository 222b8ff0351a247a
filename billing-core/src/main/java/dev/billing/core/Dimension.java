package dev.billing.core;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What costs can be filtered on and grouped by: one of the {@linkplain Fixed fixed columns} of a line item
 * ({@link #SERVICE}, {@link #PROJECT}, ...) or the value of one {@linkplain Tag tag key}
 * ({@code Dimension.tag("team")}). Each is described once: its {@linkplain #key() name}, how it is
 * {@linkplain #valueOf(CostRecord) read from a line item}, whether it is {@linkplain #perAccount() one value
 * per service account}, and {@linkplain #passes(Map, String) how a filter decides}. The live aggregation and
 * the cost stores all work from this description.
 *
 * <p>A line item without the tag has the value {@code ""} for a tag dimension. Tag keys are compared
 * exactly (case-sensitive); a host that writes one key several ways declares {@link TagAliases}.
 */
public sealed interface Dimension permits Dimension.Fixed, Dimension.Tag {
    /** The provider id, for example {@code hyperbilling-aws}. */
    Dimension PROVIDER = Fixed.PROVIDER;
    /** The service, for example {@code AmazonEC2}. */
    Dimension SERVICE = Fixed.SERVICE;
    /** The region code. */
    Dimension REGION = Fixed.REGION;
    /** The provider's billing account id (FOCUS {@code BillingAccountId}). */
    Dimension ACCOUNT = Fixed.ACCOUNT;
    /** The sub account: AWS linked account, Azure subscription, GCP project (FOCUS {@code SubAccountId}). */
    Dimension SUB_ACCOUNT = Fixed.SUB_ACCOUNT;
    /** The billing service account's name. */
    Dimension SERVICE_ACCOUNT = Fixed.SERVICE_ACCOUNT;
    /** The project. */
    Dimension PROJECT = Fixed.PROJECT;
    /** The usage type. */
    Dimension USAGE_TYPE = Fixed.USAGE_TYPE;
    /** The charge category. */
    Dimension CHARGE_CATEGORY = Fixed.CHARGE_CATEGORY;

    /** The prefix of a tag dimension's {@link #key()}: {@code tag:team}. */
    String TAG_PREFIX = "tag:";

    /** @return the name used in the CLI and JSON, for example {@code serviceAccount} or {@code tag:team} */
    String key();

    /**
     * @return whether every line item of one service account has the same value: the SDK tags each line item
     *     with its registered account's {@linkplain #SERVICE_ACCOUNT name} and {@linkplain #PROJECT project}, so
     *     a filter or a group-by on it is decided once per account ({@link #valueOf(ServiceAccount)})
     */
    boolean perAccount();

    /**
     * @param record a line item
     * @return this dimension's value in it, as the provider gave it ({@code ""} for a tag it does not carry;
     *     {@link TagAliases#valueOf} reads a tag through aliases)
     */
    String valueOf(CostRecord record);

    /**
     * @param account a registered service account
     * @return for a {@linkplain #perAccount() per-account} dimension, the value every line item of that account
     *     has; empty for the others
     */
    Optional<String> valueOf(ServiceAccount account);

    /**
     * The one rule filters follow, wherever costs are summed (live, in memory, in SQL): a value passes when the
     * filters do not name this dimension, or list that value (exactly, case-sensitive; {@code ""} for a tag
     * selects the line items without it).
     *
     * @param filters the allowed values per dimension, as {@link CostQuery#filters()} gives them
     * @param value a value of this dimension
     * @return whether it passes
     */
    default boolean passes(Map<Dimension, ? extends Set<String>> filters, String value) {
        Set<String> allowed = filters.get(this);
        return allowed == null || allowed.contains(value);
    }

    /** @return the fixed dimensions, in their declaration order */
    static List<Dimension> fixed() {
        return List.of(Fixed.values());
    }

    /**
     * @param key a tag key, exactly as the line items carry it (case-sensitive), not empty
     * @return the dimension of that tag's value
     * @throws InvalidRequestException when the key is empty
     */
    static Dimension tag(String key) {
        return new Tag(key);
    }

    /**
     * @param key a fixed dimension's {@link #key()} such as {@code serviceAccount}, in any case, or
     *     {@code tag:KEY} (the tag key case-sensitive)
     * @return the dimension
     * @throws InvalidRequestException naming the valid keys when none matches
     */
    static Dimension parse(String key) {
        Objects.requireNonNull(key, "key");
        if (key.regionMatches(true, 0, TAG_PREFIX, 0, TAG_PREFIX.length())) {
            return tag(key.substring(TAG_PREFIX.length()));
        }
        for (Fixed d : Fixed.values()) {
            if (d.key.equalsIgnoreCase(key)) {
                return d;
            }
        }
        throw new InvalidRequestException("unknown dimension '" + key + "'; use one of "
                + Arrays.stream(Fixed.values()).map(Fixed::key).collect(Collectors.joining(", ")) + " or tag:KEY");
    }

    /** A column every line item has. */
    enum Fixed implements Dimension {
        /** See {@link Dimension#PROVIDER}. */
        PROVIDER("provider", "provider", false),
        /** See {@link Dimension#SERVICE}. */
        SERVICE("service", "service", false),
        /** See {@link Dimension#REGION}. */
        REGION("region", "region", false),
        /** See {@link Dimension#ACCOUNT}. */
        ACCOUNT("account", "billing_account", false),
        /** See {@link Dimension#SUB_ACCOUNT}. */
        SUB_ACCOUNT("subAccount", "sub_account", false),
        /** See {@link Dimension#SERVICE_ACCOUNT}. */
        SERVICE_ACCOUNT("serviceAccount", "service_account", true),
        /** See {@link Dimension#PROJECT}. */
        PROJECT("project", "project", true),
        /** See {@link Dimension#USAGE_TYPE}. */
        USAGE_TYPE("usageType", "usage_type", false),
        /** See {@link Dimension#CHARGE_CATEGORY}. */
        CHARGE_CATEGORY("chargeCategory", "charge_category", false);

        private final String key;
        private final String column;
        private final boolean perAccount;

        Fixed(String key, String column, boolean perAccount) {
            this.key = key;
            this.column = column;
            this.perAccount = perAccount;
        }

        @Override
        public String key() {
            return key;
        }

        /**
         * @return the name of the column a cost store keeps this dimension in, for example
         *     {@code billing_account} (the JDBC store's schema)
         */
        public String column() {
            return column;
        }

        @Override
        public boolean perAccount() {
            return perAccount;
        }

        @Override
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

        @Override
        public Optional<String> valueOf(ServiceAccount account) {
            return switch (this) {
                case SERVICE_ACCOUNT -> Optional.of(account.id().value());
                case PROJECT -> Optional.of(account.project().value());
                default -> Optional.empty();
            };
        }
    }

    /**
     * The value of one tag key.
     *
     * @param tagKey the tag key, case-sensitive, not empty
     */
    record Tag(String tagKey) implements Dimension {
        /** Validates the key. */
        public Tag {
            Objects.requireNonNull(tagKey, "tagKey");
            if (tagKey.isEmpty()) {
                throw new InvalidRequestException("a tag dimension needs a key: tag:KEY, for example tag:team");
            }
        }

        @Override
        public String key() {
            return TAG_PREFIX + tagKey;
        }

        @Override
        public boolean perAccount() {
            return false;
        }

        @Override
        public String valueOf(CostRecord record) {
            return record.tags().getOrDefault(tagKey, "");
        }

        @Override
        public Optional<String> valueOf(ServiceAccount account) {
            return Optional.empty();
        }

        /** @return the {@link #key()}, for example {@code tag:team} */
        @Override
        public String toString() {
            return key();
        }
    }
}
