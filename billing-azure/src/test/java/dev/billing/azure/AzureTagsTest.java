package dev.billing.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.billing.azure.AzureChargeTypesTest.CLIENT;
import static dev.billing.azure.AzureChargeTypesTest.SCOPE;
import static dev.billing.azure.AzureChargeTypesTest.SECRET;
import static dev.billing.azure.AzureChargeTypesTest.SUB;
import static dev.billing.azure.AzureChargeTypesTest.TENANT;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.azure.internal.AzureCostManagementProviderFactory;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderConfigurationException;
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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tags by {@code TagKey} grouping against {@link AzureCostManagementSimulator}: exact totals per tag value, charge
 * category, service and location for billed and effective cost, untagged lines as {@code ""}, the tag name matched
 * case-insensitively, never more than two groupings per query, and the request count of
 * docs/azure-cost-management.md.
 */
@Timeout(60)
class AzureTagsTest {
    static final LocalDate FEB = LocalDate.of(2026, 2, 3);
    static final LocalDate MAR = LocalDate.of(2026, 3, 9);

    static Row row(LocalDate day, String service, String location, String chargeType, String actual, String amortized) {
        return Row.of(SUB, day, service, location, "USD", new BigDecimal(actual)).charged(chargeType)
                .amortized(new BigDecimal(amortized));
    }

    /** Rows tagged with the names Azure keeps as the resource spells them: Team, TEAM; and untagged rows. */
    static final List<Row> ROWS = List.of(
            row(FEB, "Virtual Machines", "westeurope", "Usage", "10.10", "12.5").tagged("Team", "blue"),
            row(FEB, "Virtual Machines", "westeurope", "Usage", "3.3", "3.3").tagged("Team", "red").tagged("env", "prod"),
            row(FEB.plusDays(1), "Virtual Machines", "westeurope", "Usage", "0.000001", "0.000001").tagged("TEAM", "red"),
            row(FEB, "Virtual Machines", "eastus", "Usage", "1.01", "1.01"),
            row(FEB, "Virtual Machines", "northeurope", "UnusedReservation", "0", "2.25").tagged("Team", "blue"),
            row(FEB, "Storage", "eastus", "Usage", "7.77", "7.77").tagged("TEAM", "red"),
            row(FEB, "Reservations", "", "Purchase", "1200", "0").tagged("Team", "blue"),
            row(FEB, "Reservations", "", "Refund", "-300.5", "0").tagged("Team", "red"),
            row(FEB, "Reservations", "", "Purchase", "99", "0"),
            row(FEB, "Tax", "", "Tax", "18.04", "18.04"),
            row(MAR, "Storage", "eastus", "Usage", "5", "5").tagged("team", "blue"));

    @Test
    void tagKey_exactTotalsPerTagValueCategoryServiceAndLocation_untaggedAsEmpty_inTheDocumentedRequests() throws Exception {
        try (AzureCostManagementSimulator sim = AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET)
                .rows(ROWS).pageSize(1000).start()) {
            AzureCostManagementProvider provider = (AzureCostManagementProvider) new AzureCostManagementProviderFactory()
                    .create(Map.of("endpoint", sim.endpoint(), "authority", sim.endpoint(), "tagKeys", " team "));
            List<CostRecord> records = new ArrayList<>();

            FetchStats stats = provider.fetch(FetchRequest.of(account(), BillingPeriod.of(LocalDate.of(2026, 2, 1),
                    LocalDate.of(2026, 4, 1)), Granularity.DAILY), records::add);

            assertThat(provider.capabilities()).contains(Capability.TAGS, Capability.EFFECTIVE_COST);
            assertThat(records).allSatisfy(r -> assertThat(r.tags()).containsOnlyKeys("team"));
            // the reference: every row by (tag value, category, service, location), "" without the tag
            Map<String, BigDecimal> expected = new TreeMap<>();
            for (Row r : ROWS) {
                String team = r.tags().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("team"))
                        .map(Map.Entry::getValue).findFirst().orElse("");
                String category = switch (r.chargeType()) {
                    case "Usage", "UnusedReservation" -> "USAGE";
                    case "Purchase", "Refund" -> "PURCHASE";
                    default -> "TAX";
                };
                String key = team + "|" + category + "|" + r.service() + "|" + (r.location().isEmpty() ? "global" : r.location());
                expected.merge("billed " + key, r.cost(), BigDecimal::add);
                expected.merge("effective " + key, r.amortizedCost(), BigDecimal::add);
                expected.merge("billed " + team, r.cost(), BigDecimal::add);
                expected.merge("effective " + team, r.amortizedCost(), BigDecimal::add);
            }
            Map<String, BigDecimal> actual = new TreeMap<>();
            for (CostRecord r : records) {
                String team = r.tags().get("team");
                String key = team + "|" + r.chargeCategory() + "|" + r.service() + "|" + r.region();
                actual.merge("billed " + key, r.billedCost().amount(), BigDecimal::add);
                actual.merge("effective " + key, r.effectiveCost().amount(), BigDecimal::add);
                actual.merge("billed " + team, r.billedCost().amount(), BigDecimal::add);
                actual.merge("effective " + team, r.effectiveCost().amount(), BigDecimal::add);
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualByComparingTo(v));
            assertThat(actual.get("billed ")).isEqualByComparingTo("118.05"); // untagged: 1.01 + 99 + 18.04
            assertThat(records).filteredOn(CostRecord::correction).extracting(r -> r.tags().get("team")).containsOnly("red");

            // February: ServiceName x ChargeType, then per service with usage (Virtual Machines, Storage)
            // ResourceLocation x TagKey, per service with other charges (Reservations, Tax) ChargeType x TagKey;
            // March: 1 + 1 (Storage); each query as ActualCost and AmortizedCost, one page each
            List<String> bodies = sim.queryBodies();
            ObjectMapper json = new ObjectMapper();
            for (String body : bodies) {
                assertThat(json.readTree(body).at("/dataset/grouping").size()).isBetween(1, 2);
            }
            assertThat(bodies.stream().filter(b -> b.contains("\"TagKey\"")).count()).isEqualTo(2 * (2 + 2 + 1));
            assertThat(sim.queryRequests(SCOPE)).isEqualTo(2 * ((1 + 2 + 2) + (1 + 1 + 0))).isEqualTo(bodies.size());
            assertThat(stats.requests()).isEqualTo(sim.queryRequests(SCOPE) + 1); // and the token
        }
    }

    @Test
    void capabilities_tagsOnlyWithTagKeys_severalDistinctNonBlankNames_duplicatesIgnoringCaseRefused() {
        assertThat(AzureCostManagementProvider.builder().build().capabilities()).doesNotContain(Capability.TAGS);
        assertThat(AzureCostManagementProvider.builder().tagKeys(List.of("team")).build().capabilities())
                .contains(Capability.TAGS);
        assertThat(AzureCostManagementProvider.builder().tagKeys(List.of("team")).build().toString()).contains("tagKeys=[team]");
        AzureCostManagementProvider two = (AzureCostManagementProvider) new AzureCostManagementProviderFactory()
                .create(Map.of("tagKeys", " team , env"));
        assertThat(two.tagKeys()).containsExactly("team", "env");
        assertThat(two.capabilities()).contains(Capability.TAGS);
        String requirement = "must name distinct, non-blank Azure tag names (compared case-insensitively, as Azure"
                + " compares tag names)";
        assertThatThrownBy(() -> AzureCostManagementProvider.builder().tagKeys(List.of("team", "env", "Team ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tagKeys " + requirement + ", got [team, env, Team ]");
        assertThatThrownBy(() -> new AzureCostManagementProviderFactory().create(Map.of("tagKeys", "team,TEAM")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("setting 'tagKeys' of azure-cost-management " + requirement);
        for (String blank : List.of(" ", "team,", "team,,env")) {
            assertThatThrownBy(() -> new AzureCostManagementProviderFactory().create(Map.of("tagKeys", blank)))
                    .as(blank).isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("setting 'tagKeys' of azure-cost-management " + requirement);
        }
    }

    private static ServiceAccount account() {
        return new ServiceAccount(ServiceAccountId.of("tags"), ProviderId.of(AzureCostManagementProvider.ID),
                ProjectId.of("project-tags"), Credentials.of(Map.of("tenantId", TENANT, "clientId", CLIENT,
                "clientSecret", SECRET, "scope", SCOPE)), Map.of());
    }
}
