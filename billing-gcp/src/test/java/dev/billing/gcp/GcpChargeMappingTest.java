package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.FetchRequest;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.Credit;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crafted export rows of every {@code cost_type} and every credit type, through the BigQuery simulator: each
 * record's category and billed, effective and list cost, exactly, and the totals Google's FOCUS view of the export
 * gives ({@code BilledCost} = {@code EffectiveCost} = cost + the credits of every type; {@code ListCost} =
 * {@code cost_at_list}).
 */
@Timeout(60)
class GcpChargeMappingTest {
    private static final String ACCOUNT = "0123AB-4567CD-89EF01";
    private static final Instant T = Instant.parse("2026-02-10T05:00:00Z");
    /** The credit types of the standard usage cost export's {@code credits.type}. */
    private static final List<String> CREDIT_TYPES = List.of("COMMITTED_USAGE_DISCOUNT",
            "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", "SUSTAINED_USAGE_DISCOUNT", "DISCOUNT", "PROMOTION", "FREE_TIER",
            "RESELLER_MARGIN", "SUBSCRIPTION_BENEFIT", "FEE_UTILIZATION_OFFSET");

    private static ExportRow row(String sku, String costType, String cost, String atList, List<Credit> credits) {
        return new ExportRow(ACCOUNT, "web-prod", "Compute Engine", sku, "us-east1", T, costType, "USD",
                new BigDecimal(cost), credits).listed(atList == null ? null : new BigDecimal(atList));
    }

    private static List<String> fetch(List<ExportRow> rows, List<CostRecord> out) {
        try (BigQueryBillingExportSimulator sim = BigQueryBillingExportSimulator.builder().rows(rows).start()) {
            GcpBillingExportProvider provider = GcpBillingExportProvider.builder().endpoint(URI.create(sim.endpoint()))
                    .build();
            ServiceAccount account = new ServiceAccount(ServiceAccountId.of("gcp-usd"), ProviderId.of("gcp-billing-export"),
                    ProjectId.of("project-web"), Credentials.of(Map.of("serviceAccountKey",
                    sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com"), "table", sim.table())),
                    Map.of());
            provider.fetch(FetchRequest.of(account, BillingPeriod.month(YearMonth.of(2026, 2)), Granularity.DAILY), out::add);
        }
        List<String> lines = new ArrayList<>();
        for (CostRecord r : out) {
            lines.add(r.usageType() + " " + r.chargeCategory() + " billed=" + r.billedCost().amount().toPlainString()
                    + " effective=" + (r.effectiveCostGiven() ? r.effectiveCost().amount().toPlainString() : "-")
                    + " list=" + r.listCost().map(m -> m.amount().toPlainString()).orElse("-"));
        }
        return lines;
    }

    @Test
    void everyCostType_isItsCategory_withBilledEffectiveAndListCostExact() {
        List<CostRecord> records = new ArrayList<>();

        List<String> lines = fetch(List.of(
                row("Core", "regular", "10.5", "12.25", List.of()),
                row("Tax", "tax", "1.1", "1.1", List.of()),
                row("Adjustment", "adjustment", "-0.4", "-0.4", List.of()),
                row("Rounding", "rounding_error", "0.000000004", null, List.of())), records);

        assertThat(lines).containsExactlyInAnyOrder(
                "Core USAGE billed=10.5 effective=10.5 list=12.25",
                "Tax TAX billed=1.1 effective=1.1 list=1.1",
                "Adjustment ADJUSTMENT billed=-0.4 effective=-0.4 list=-0.4",
                "Rounding ADJUSTMENT billed=0.000000004 effective=0.000000004 list=-");
    }

    @Test
    void everyCreditType_isACreditRecord_billedAndEffectiveAsGooglesFocusView_noListCost() {
        List<ExportRow> rows = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CREDIT_TYPES.size(); i++) {
            String type = CREDIT_TYPES.get(i);
            String amount = "-" + (i + 1) + ".25";
            rows.add(row(type, "regular", "20", "24", List.of(new Credit(type.toLowerCase(), type, new BigDecimal(amount)))));
            expected.add(type + " USAGE billed=20 effective=20 list=24");
            expected.add(type + " CREDIT billed=" + amount + " effective=" + amount + " list=0");
        }
        // two credits of different types on one row, amounts beyond NUMERIC's 9 decimals (CAST rounds half away from 0)
        rows.add(row("Mixed", "regular", "7.0000000015", "9", List.of(
                new Credit("cud", "COMMITTED_USAGE_DISCOUNT", new BigDecimal("-2.0000000005")),
                new Credit("promo", "PROMOTION", new BigDecimal("-1.5")))));
        expected.add("Mixed USAGE billed=7.000000002 effective=7.000000002 list=9");
        expected.add("Mixed CREDIT billed=-3.500000001 effective=-3.500000001 list=0");
        // a zero-cost row: its credit, and its list cost on a zero cost record (the view's ListCost counts it)
        rows.add(row("Free", "regular", "0", "0.3", List.of(new Credit("free tier", "FREE_TIER", new BigDecimal("-0.3")))));
        expected.add("Free USAGE billed=0 effective=0 list=0.3");
        expected.add("Free CREDIT billed=-0.3 effective=-0.3 list=0");
        rows.add(row("Promo", "regular", "0", "0", List.of(new Credit("trial", "PROMOTION", new BigDecimal("-0.7")))));
        expected.add("Promo CREDIT billed=-0.7 effective=-0.7 list=0");
        List<CostRecord> records = new ArrayList<>();

        List<String> lines = fetch(rows, records);

        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
        // Google's FOCUS view: BilledCost = EffectiveCost = CAST(cost AS NUMERIC) + SUM(CAST(credits.amount AS NUMERIC))
        BigDecimal view = rows.stream().map(ExportRow::total).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(view);
        assertThat(records.stream().map(r -> r.effectiveCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(view);
        assertThat(records.stream().flatMap(r -> r.listCost().stream()).map(m -> m.amount())
                .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(rows.stream()
                .map(r -> ExportRow.numeric(r.costAtList())).reduce(BigDecimal.ZERO, BigDecimal::add));
        assertThat(GcpBillingExportProvider.builder().build().capabilities()).contains(Capability.EFFECTIVE_COST);
    }
}
