package dev.billing.core;

import java.time.LocalDate;

/** Builds cost records for tests. */
final class Records {
    private Records() {
    }

    static CostRecord usdRecord(String serviceAccount, String project, String date, String amount) {
        return of(serviceAccount, project, date, "Compute", "eu-west-1", ChargeCategory.USAGE, amount, "USD");
    }

    static CostRecord of(String serviceAccount, String project, String date, String service, String region,
                         ChargeCategory category, String amount, String currency) {
        return CostRecord.builder().chargeDate(LocalDate.parse(date)).provider(ProviderId.of(TestProvider.ID))
                .billingAccountId("111122223333").serviceAccount(ServiceAccountId.of(serviceAccount))
                .project(ProjectId.of(project)).service(service).region(region).chargeCategory(category)
                .billedCost(Money.of(amount, currency)).build();
    }
}
