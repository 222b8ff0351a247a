package dev.billing.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crafted rows of every {@code ChargeType} against {@link AzureCostManagementSimulator}: each becomes one record with
 * the FOCUS category and correction flag of Microsoft's FOCUS conversion, billed cost from the {@code ActualCost}
 * query and effective cost from the {@code AmortizedCost} query, and a fetch sends the planned number of queries.
 */
@Timeout(60)
class AzureChargeTypesTest {
    static final String TENANT = "contoso.onmicrosoft.com";
    static final String CLIENT = "0f0e0d0c-0b0a-0908-0706-050403020100";
    static final String SECRET = "sim~SeCrEt.7b1c";
    static final String SUB = "cccc0000-0000-0000-0000-000000000003";
    static final String SCOPE = "/subscriptions/" + SUB;
    static final LocalDate DAY = LocalDate.of(2026, 2, 3);

    /** One crafted line: its charge type, actual and amortized cost, and what the record must say. */
    record Case(String chargeType, String service, String location, String actual, String amortized,
                ChargeCategory category, boolean correction) {
        Row row() {
            return Row.of(SUB, DAY, service, location, "USD", new BigDecimal(actual)).charged(chargeType)
                    .amortized(new BigDecimal(amortized));
        }
    }

    static final List<Case> CASES = List.of(
            // usage bought by a reservation: billed 0 (the purchase paid it), effective its share of the reservation
            new Case("Usage", "Virtual Machines", "westeurope", "0", "41.37", ChargeCategory.USAGE, false),
            new Case("Usage", "Storage", "eastus", "12.5", "12.5", ChargeCategory.USAGE, false),
            new Case("UnusedReservation", "Virtual Machines", "northeurope", "0", "3.25", ChargeCategory.USAGE, false),
            new Case("UnusedSavingsPlan", "Azure Savings Plan for Compute", "eastus", "0", "1.125", ChargeCategory.USAGE, false),
            // a reservation purchase: billed when bought, 0 once amortized over its term
            new Case("Purchase", "Reservations", "", "1200", "0", ChargeCategory.PURCHASE, false),
            new Case("Refund", "Reservations", "", "-300.5", "0", ChargeCategory.PURCHASE, true),
            new Case("Tax", "Tax", "", "18.04", "18.04", ChargeCategory.TAX, false),
            new Case("Credit", "Azure Credit", "", "-25", "-25", ChargeCategory.CREDIT, false),
            new Case("Adjustment", "Support", "", "-0.75", "-0.75", ChargeCategory.ADJUSTMENT, false),
            new Case("RoundingAdjustment", "Rounding", "", "0.01", "0.01", ChargeCategory.ADJUSTMENT, false));

    @Test
    void everyChargeType_hasItsCategoryCorrectionBilledAndEffectiveCost_inTheRequestsPlanned() {
        List<Row> rows = CASES.stream().map(Case::row).toList();
        try (AzureCostManagementSimulator sim = AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET)
                .rows(rows).start()) {
            AzureCostManagementProvider provider = AzureCostManagementProvider.builder().endpoint(URI.create(sim.endpoint()))
                    .authority(URI.create(sim.endpoint())).build();
            List<CostRecord> records = new ArrayList<>();

            FetchStats stats = provider.fetch(FetchRequest.of(account(), BillingPeriod.of(DAY.withDayOfMonth(1),
                    DAY.withDayOfMonth(1).plusMonths(1)), Granularity.DAILY), records::add);

            assertThat(provider.capabilities()).contains(Capability.EFFECTIVE_COST);
            assertThat(records).hasSize(CASES.size());
            for (Case c : CASES) {
                assertThat(records).as(c.chargeType() + " " + c.service()).filteredOn(r -> r.service().equals(c.service())
                        && r.region().equals(c.location().isEmpty() ? "global" : c.location())
                        && r.chargeCategory() == c.category() && r.correction() == c.correction()
                        && r.billedCost().amount().compareTo(new BigDecimal(c.actual())) == 0
                        && r.effectiveCost().amount().compareTo(new BigDecimal(c.amortized())) == 0
                        && r.effectiveCostGiven() && r.chargeDate().equals(DAY)).hasSize(1);
            }
            // a subscription month: ServiceName x ChargeType and ServiceName x ResourceLocation, each as ActualCost and
            // AmortizedCost (docs/azure-cost-management.md)
            assertThat(sim.queryRequests(SCOPE)).isEqualTo(2 * 2);
            assertThat(stats.requests()).isEqualTo(2 * 2 + 1); // and the token
            assertThat(sim.queryBodies()).extracting(b -> b.contains("\"type\":\"AmortizedCost\"")).containsOnly(true, false)
                    .filteredOn(amortized -> amortized).hasSize(2);
        }
    }

    private static ServiceAccount account() {
        return new ServiceAccount(ServiceAccountId.of("charges"), ProviderId.of(AzureCostManagementProvider.ID),
                ProjectId.of("project-charges"), Credentials.of(Map.of("tenantId", TENANT, "clientId", CLIENT,
                "clientSecret", SECRET, "scope", SCOPE)), Map.of());
    }
}
