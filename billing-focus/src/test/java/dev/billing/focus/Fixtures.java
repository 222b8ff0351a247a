package dev.billing.focus;

import dev.billing.core.Billing;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import dev.billing.testkit.FakeBillingProvider;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The data the export tests share: generated HyperBilling-like accounts and crafted edge-case records. */
final class Fixtures {
    static final SimulatorData DATA = SimulatorData.generator().seed(17).accounts(3).currencies("USD", "KRW", "EUR")
            .days(LocalDate.of(2026, 1, 1), 75).rowsPerDay(4).build();
    /** Service account name and project of each generated account, in order. */
    static final String[][] ACCOUNTS = {{"web-prod", "project-web"}, {"data-krw", "project-data"},
            {"ops-eur", "project-ops"}};
    static final String CRAFTED_PROVIDER = "crafted-cloud";

    private Fixtures() {
    }

    /** @return a Billing with the generated accounts (provider hyperbilling-aws) and the crafted account "edge" */
    static Billing billing() {
        Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(FakeBillingProvider.builder().id("hyperbilling-aws").data(DATA).build())
                .addProvider(new ListProvider(CRAFTED_PROVIDER).serve("edge", crafted()))
                .build();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            String aws = DATA.accounts().get(i);
            SimulatorData.ApiUser user = DATA.userFor(aws).orElseThrow();
            billing.serviceAccounts().register(ACCOUNTS[i][0], "hyperbilling-aws",
                    Credentials.of(Map.of("account", aws, "email", user.email(), "key", user.key())), ACCOUNTS[i][1]);
        }
        billing.serviceAccounts().register("edge", CRAFTED_PROVIDER, Credentials.of(Map.of()), "project-edge");
        return billing;
    }

    /** Every charge category, awkward text, tiny and huge amounts, no region. */
    static List<CostRecord> crafted() {
        return List.of(
                record("2026-01-05", "Compute, Premium", "eu-west-1", "Box \"large\"", ChargeCategory.USAGE, "0.000001"),
                record("2026-01-05", "Storage", "", "line1\r\nline2", ChargeCategory.USAGE, "123456789012345.123456"),
                record("2026-01-31", "Support", "global", "", ChargeCategory.PURCHASE, "100"),
                record("2026-02-01", "VAT", "", "", ChargeCategory.TAX, "7.70"),
                record("2026-02-02", "Compute, Premium", "eu-west-1", "", ChargeCategory.CREDIT, "-3.5"),
                record("2026-02-03", "Compute, Premium", "eu-west-1", "", ChargeCategory.USAGE, "-1.25")
                        .toBuilder().correction(true).build(),
                record("2026-02-04", "Compute, Premium", "eu-west-1", "", ChargeCategory.ADJUSTMENT, "0"),
                record("2026-03-15", "AmazonS3", "us-east-1", "", ChargeCategory.USAGE, "1E+3"));
    }

    private static CostRecord record(String day, String service, String region, String usageType,
                                     ChargeCategory category, String amount) {
        return CostRecord.builder().chargeDate(LocalDate.parse(day)).provider(ProviderId.of(CRAFTED_PROVIDER))
                .billingAccountId("acct-edge").subAccountId(region.isEmpty() ? "" : "sub-" + region)
                .serviceAccount(ServiceAccountId.of("edge")).project(ProjectId.of("project-edge"))
                .service(service).region(region).usageType(usageType).chargeCategory(category)
                .billedCost(Money.of(new BigDecimal(amount), java.util.Currency.getInstance("JPY"))).build();
    }
}
