package dev.billing.core;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line item of cost, with columns named after FOCUS where one fits. Made with {@link #builder()};
 * immutable.
 *
 * <p>A line item carries up to three costs in one currency: the {@linkplain #billedCost() billed cost}
 * (what is invoiced), the {@linkplain #effectiveCost() effective cost} (amortized: commitment purchases
 * spread over the usage they cover, discounts applied; equal to the billed cost when the provider gives
 * no amortized view, and then {@link #effectiveCostGiven()} is false) and the {@linkplain #listCost()
 * list cost} (the public price, when the provider gives one).
 *
 * <p>Providers build millions of these: the builder copies nothing but the tag map, and not even that
 * when it is already an unmodifiable map from {@link Map#of} or {@link Map#copyOf} (share one such map
 * between the line items that carry the same tags).
 */
public final class CostRecord {

    private final LocalDate chargeDate;
    private final ProviderId provider;
    private final String billingAccountId;
    private final String subAccountId;
    private final ServiceAccountId serviceAccount;
    private final ProjectId project;
    private final String service;
    private final String region;
    private final String usageType;
    private final ChargeCategory chargeCategory;
    private final boolean correction;
    private final Money billedCost;
    private final Money effectiveCost;
    private final Money listCost;
    private final BigDecimal usageQuantity;
    private final Map<String, String> tags;

    private CostRecord(Builder b) {
        chargeDate = Objects.requireNonNull(b.chargeDate, "chargeDate");
        provider = Objects.requireNonNull(b.provider, "provider");
        billingAccountId = Objects.requireNonNull(b.billingAccountId, "billingAccountId");
        subAccountId = Objects.requireNonNull(b.subAccountId, "subAccountId");
        serviceAccount = Objects.requireNonNull(b.serviceAccount, "serviceAccount");
        project = Objects.requireNonNull(b.project, "project");
        service = Objects.requireNonNull(b.service, "service");
        region = Objects.requireNonNull(b.region, "region");
        usageType = Objects.requireNonNull(b.usageType, "usageType");
        chargeCategory = Objects.requireNonNull(b.chargeCategory, "chargeCategory");
        correction = b.correction;
        billedCost = Objects.requireNonNull(b.billedCost, "billedCost");
        effectiveCost = sameCurrency(b.effectiveCost, "effectiveCost");
        listCost = sameCurrency(b.listCost, "listCost");
        usageQuantity = b.usageQuantity;
        tags = Map.copyOf(b.tags);
    }

    private Money sameCurrency(Money other, String name) {
        if (other != null && !other.currency().equals(billedCost.currency())) {
            throw new IllegalArgumentException(name + " is in " + other.currency().getCurrencyCode()
                    + " but billedCost in " + billedCost.currency().getCurrencyCode()
                    + ": a line item's costs share one currency");
        }
        return other;
    }

    /** @return a builder with no column set but the defaults its setters name */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding every column of this line item, to make a changed copy */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.chargeDate = chargeDate;
        b.provider = provider;
        b.billingAccountId = billingAccountId;
        b.subAccountId = subAccountId;
        b.serviceAccount = serviceAccount;
        b.project = project;
        b.service = service;
        b.region = region;
        b.usageType = usageType;
        b.chargeCategory = chargeCategory;
        b.correction = correction;
        b.billedCost = billedCost;
        b.effectiveCost = effectiveCost;
        b.listCost = listCost;
        b.usageQuantity = usageQuantity;
        b.tags = tags;
        return b;
    }

    /** @return the UTC day the cost was incurred (for monthly data, the month's first day) */
    public LocalDate chargeDate() {
        return chargeDate;
    }

    /** @return the provider that reported it */
    public ProviderId provider() {
        return provider;
    }

    /**
     * @return the account the provider bills (FOCUS {@code BillingAccountId}; for HyperBilling, the AWS
     *     account id)
     */
    public String billingAccountId() {
        return billingAccountId;
    }

    /**
     * @return the account, subscription or project inside it (FOCUS {@code SubAccountId}: an AWS linked
     *     account, an Azure subscription, a GCP project); {@code ""} when the provider gives none
     */
    public String subAccountId() {
        return subAccountId;
    }

    /** @return the billing service account it was fetched for */
    public ServiceAccountId serviceAccount() {
        return serviceAccount;
    }

    /** @return the project that service account belongs to */
    public ProjectId project() {
        return project;
    }

    /** @return the service, for example {@code AmazonEC2} */
    public String service() {
        return service;
    }

    /** @return the region code, for example {@code ap-northeast-2}, or {@code global} */
    public String region() {
        return region;
    }

    /** @return the usage type, {@code ""} when the provider gives none */
    public String usageType() {
        return usageType;
    }

    /** @return what kind of charge it is (FOCUS {@code ChargeCategory}) */
    public ChargeCategory chargeCategory() {
        return chargeCategory;
    }

    /**
     * @return whether it corrects a charge of an earlier invoiced period (FOCUS {@code ChargeClass}
     *     {@code Correction})
     */
    public boolean correction() {
        return correction;
    }

    /** @return the exact cost that is invoiced (FOCUS {@code BilledCost}) */
    public Money billedCost() {
        return billedCost;
    }

    /**
     * @return the exact amortized cost (FOCUS {@code EffectiveCost}); the billed cost when the provider
     *     gives none ({@link #effectiveCostGiven()} then says so)
     */
    public Money effectiveCost() {
        return effectiveCost == null ? billedCost : effectiveCost;
    }

    /** @return whether the provider gave the effective cost, rather than it being the billed cost */
    public boolean effectiveCostGiven() {
        return effectiveCost != null;
    }

    /** @return the exact cost at public prices (FOCUS {@code ListCost}), when the provider gives one */
    public Optional<Money> listCost() {
        return Optional.ofNullable(listCost);
    }

    /** @return the list cost, or null when the provider gives none (no Optional on the hot path) */
    Money listCostOrNull() {
        return listCost;
    }

    /** @return the quantity used, or {@code null} when the provider gives none */
    public BigDecimal usageQuantity() {
        return usageQuantity;
    }

    /**
     * @return the tags, key to value, as the provider gives them after its documented normalisation;
     *     empty when none; unmodifiable
     */
    public Map<String, String> tags() {
        return tags;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CostRecord r
                && chargeDate.equals(r.chargeDate)
                && provider.equals(r.provider)
                && billingAccountId.equals(r.billingAccountId)
                && subAccountId.equals(r.subAccountId)
                && serviceAccount.equals(r.serviceAccount)
                && project.equals(r.project)
                && service.equals(r.service)
                && region.equals(r.region)
                && usageType.equals(r.usageType)
                && chargeCategory == r.chargeCategory
                && correction == r.correction
                && billedCost.equals(r.billedCost)
                && Objects.equals(effectiveCost, r.effectiveCost)
                && Objects.equals(listCost, r.listCost)
                && Objects.equals(usageQuantity, r.usageQuantity)
                && tags.equals(r.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chargeDate, provider, billingAccountId, subAccountId, serviceAccount, project, service,
                region, usageType, chargeCategory, correction, billedCost, effectiveCost, listCost, usageQuantity,
                tags);
    }

    @Override
    public String toString() {
        return "CostRecord[chargeDate=" + chargeDate + ", provider=" + provider + ", billingAccountId="
                + billingAccountId + ", subAccountId=" + subAccountId + ", serviceAccount=" + serviceAccount
                + ", project=" + project + ", service=" + service + ", region=" + region + ", usageType="
                + usageType + ", chargeCategory=" + chargeCategory + ", correction=" + correction
                + ", billedCost=" + billedCost + ", effectiveCost=" + effectiveCost + ", listCost=" + listCost
                + ", usageQuantity=" + usageQuantity + ", tags=" + tags + "]";
    }

    /**
     * Builds a {@link CostRecord}. Required: charge date, provider, billing account id, service account,
     * project, service, region and billed cost; the rest has the default its setter names. A builder can
     * be reused: {@link #build()} copies what it holds.
     */
    public static final class Builder {
        private LocalDate chargeDate;
        private ProviderId provider;
        private String billingAccountId;
        private String subAccountId = "";
        private ServiceAccountId serviceAccount;
        private ProjectId project;
        private String service;
        private String region;
        private String usageType = "";
        private ChargeCategory chargeCategory = ChargeCategory.USAGE;
        private boolean correction;
        private Money billedCost;
        private Money effectiveCost;
        private Money listCost;
        private BigDecimal usageQuantity;
        private Map<String, String> tags = Map.of();

        private Builder() {
        }

        /**
         * @param chargeDate the UTC day the cost was incurred (for monthly data, the month's first day)
         * @return this builder
         */
        public Builder chargeDate(LocalDate chargeDate) {
            this.chargeDate = chargeDate;
            return this;
        }

        /**
         * @param provider the provider that reported it
         * @return this builder
         */
        public Builder provider(ProviderId provider) {
            this.provider = provider;
            return this;
        }

        /**
         * @param billingAccountId the account the provider bills
         * @return this builder
         */
        public Builder billingAccountId(String billingAccountId) {
            this.billingAccountId = billingAccountId;
            return this;
        }

        /**
         * @param subAccountId the account, subscription or project inside it; {@code ""} (the default) when
         *     the provider gives none
         * @return this builder
         */
        public Builder subAccountId(String subAccountId) {
            this.subAccountId = subAccountId;
            return this;
        }

        /**
         * @param serviceAccount the billing service account it was fetched for
         * @return this builder
         */
        public Builder serviceAccount(ServiceAccountId serviceAccount) {
            this.serviceAccount = serviceAccount;
            return this;
        }

        /**
         * @param project the project that service account belongs to
         * @return this builder
         */
        public Builder project(ProjectId project) {
            this.project = project;
            return this;
        }

        /**
         * @param service the service, for example {@code AmazonEC2}
         * @return this builder
         */
        public Builder service(String service) {
            this.service = service;
            return this;
        }

        /**
         * @param region the region code, or {@code global}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * @param usageType the usage type; {@code ""} (the default) when the provider gives none
         * @return this builder
         */
        public Builder usageType(String usageType) {
            this.usageType = usageType;
            return this;
        }

        /**
         * @param chargeCategory what kind of charge it is; {@link ChargeCategory#USAGE} by default
         * @return this builder
         */
        public Builder chargeCategory(ChargeCategory chargeCategory) {
            this.chargeCategory = chargeCategory;
            return this;
        }

        /**
         * @param correction whether it corrects a charge of an earlier invoiced period; false by default
         * @return this builder
         */
        public Builder correction(boolean correction) {
            this.correction = correction;
            return this;
        }

        /**
         * @param billedCost the exact cost that is invoiced
         * @return this builder
         */
        public Builder billedCost(Money billedCost) {
            this.billedCost = billedCost;
            return this;
        }

        /**
         * @param effectiveCost the exact amortized cost in the billed cost's currency, or {@code null} (the
         *     default) when the provider gives none: the line item's effective cost is then its billed cost
         * @return this builder
         */
        public Builder effectiveCost(Money effectiveCost) {
            this.effectiveCost = effectiveCost;
            return this;
        }

        /**
         * @param listCost the exact cost at public prices in the billed cost's currency, or {@code null}
         *     (the default) when the provider gives none
         * @return this builder
         */
        public Builder listCost(Money listCost) {
            this.listCost = listCost;
            return this;
        }

        /**
         * @param usageQuantity the quantity used, or {@code null} (the default) when the provider gives none
         * @return this builder
         */
        public Builder usageQuantity(BigDecimal usageQuantity) {
            this.usageQuantity = usageQuantity;
            return this;
        }

        /**
         * @param tags the tags, key to value (no null key or value); empty by default. Not copied when it
         *     is already unmodifiable ({@link Map#of}, {@link Map#copyOf})
         * @return this builder
         */
        public Builder tags(Map<String, String> tags) {
            this.tags = Objects.requireNonNull(tags, "tags");
            return this;
        }

        /**
         * @return the line item
         * @throws NullPointerException when a required column is missing
         * @throws IllegalArgumentException when the effective or list cost is not in the billed cost's
         *     currency
         */
        public CostRecord build() {
            return new CostRecord(this);
        }
    }
}
