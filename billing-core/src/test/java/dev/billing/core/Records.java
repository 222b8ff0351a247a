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
        return new CostRecord(LocalDate.parse(date), ProviderId.of(TestProvider.ID), "111122223333", "",
                ServiceAccountId.of(serviceAccount), ProjectId.of(project), service, region, "", category,
                Money.of(amount, currency), null);
    }
}
