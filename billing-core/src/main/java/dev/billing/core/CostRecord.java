package dev.billing.core;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One line item of cost, with columns named after FOCUS where one fits.
 *
 * @param chargeDate the UTC day the cost was incurred (for monthly data, the month's first day)
 * @param provider the provider that reported it
 * @param billingAccountId the account the provider bills (FOCUS {@code BillingAccountId}; for
 *     HyperBilling, the AWS account id)
 * @param subAccountId the account, subscription or project inside it (FOCUS {@code SubAccountId}: an AWS
 *     linked account, an Azure subscription, a GCP project); {@code ""} when the provider gives none
 * @param serviceAccount the billing service account it was fetched for
 * @param project the project that service account belongs to
 * @param service the service, for example {@code AmazonEC2}
 * @param region the region code, for example {@code ap-northeast-2}, or {@code global}
 * @param usageType the usage type, {@code ""} when the provider gives none
 * @param chargeCategory what kind of charge it is
 * @param cost the exact cost
 * @param usageQuantity the quantity used, or {@code null} when the provider gives none
 */
public record CostRecord(
        LocalDate chargeDate,
        ProviderId provider,
        String billingAccountId,
        String subAccountId,
        ServiceAccountId serviceAccount,
        ProjectId project,
        String service,
        String region,
        String usageType,
        ChargeCategory chargeCategory,
        Money cost,
        BigDecimal usageQuantity) {

    /** Validates that every column but {@code usageQuantity} is present. */
    public CostRecord {
        Objects.requireNonNull(chargeDate, "chargeDate");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(billingAccountId, "billingAccountId");
        Objects.requireNonNull(subAccountId, "subAccountId");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(usageType, "usageType");
        Objects.requireNonNull(chargeCategory, "chargeCategory");
        Objects.requireNonNull(cost, "cost");
    }
}
