package dev.billing.aws.internal;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import java.time.LocalDate;
import java.util.Map;

/**
 * Builds the provider's cost records: billing account = the payer (the account of {@code roleArn}; {@code ""} with
 * static keys, whose account Cost Explorer does not name and which would cost an extra STS request to learn),
 * sub account = the linked account; billed cost = the {@code costMetric} metric, effective cost = the amortized one.
 */
final class Records {

    private Records() {
    }

    static CostRecord of(LocalDate day, ProviderId provider, String payer, String linkedAccount, ServiceAccount account,
            String service, String region, ChargeCategory category, Money billed, Money effective, Map<String, String> tags) {
        return CostRecord.builder().chargeDate(day).provider(provider).billingAccountId(payer)
                .subAccountId(linkedAccount).serviceAccount(account.id()).project(account.project())
                .service(service).region(region).chargeCategory(category).billedCost(billed).effectiveCost(effective)
                .tags(tags).build();
    }
}
