package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The export is FOCUS 1.2: its header, its values' formats and nullability, and its sums.
 * The lists here are taken from the FOCUS 1.2 specification (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec,
 * tag v1.2, specification/columns/*.md: "Feature level", "Allows nulls", "Allowed values"), kept
 * apart from the writer's own constants so that the test checks them.
 */
@Timeout(30)
class FocusConformanceTest {
    /** Every column whose feature level is Mandatory in FOCUS 1.2, in the order the specification lists them. */
    static final List<String> FOCUS_1_2_MANDATORY = List.of(
            "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
            "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
            "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
            "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName");

    /** Mandatory columns whose "Allows nulls" is False in FOCUS 1.2. */
    static final List<String> NOT_NULL = List.of("BilledCost", "BillingAccountId", "BillingCurrency",
            "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargePeriodEnd", "ChargePeriodStart",
            "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ProviderName", "PublisherName",
            "ServiceCategory", "ServiceName");

    static final Set<String> CHARGE_CATEGORIES = Set.of("Usage", "Purchase", "Tax", "Credit", "Adjustment");
    static final Set<String> SERVICE_CATEGORIES = Set.of("AI and Machine Learning", "Analytics",
            "Business Applications", "Compute", "Databases", "Developer Tools", "Multicloud", "Identity",
            "Integration", "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile",
            "Networking", "Security", "Storage", "Web", "Other");
    /** FOCUS Date/Time Format: 'YYYY-MM-DDTHH:mm:ssZ'. */
    static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    /** FOCUS Numeric Format as written here: an optional minus, digits, an optional fraction; no exponent, sign or comma. */
    static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    static final BillingPeriod PERIOD = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 10));

    private final Billing billing = Fixtures.billing();

    @AfterEach
    void close() {
        billing.close();
    }

    static String export(Billing billing, BillingPeriod period, List<AccountCoverage> coverage) {
        StringWriter out = new StringWriter();
        try (FocusWriter focus = FocusWriter.of(out)) {
            coverage.addAll(billing.costs().lineItems(
                    CostQuery.builder(period).granularity(Granularity.DAILY).build(), focus));
        }
        return out.toString();
    }

    @Test
    void header_isFocus12MandatoryColumnsInOrder_thenRegionSubAccountAndTags_thenCustomColumns() {
        List<List<String>> csv = TestCsv.parse(export(billing, PERIOD, new ArrayList<>()));

        List<String> header = csv.get(0);
        assertThat(header.subList(0, FOCUS_1_2_MANDATORY.size())).containsExactlyElementsOf(FOCUS_1_2_MANDATORY);
        List<String> expected = new ArrayList<>(FOCUS_1_2_MANDATORY);
        expected.addAll(List.of("RegionId", "SubAccountId", "Tags", "x_Project", "x_ServiceAccount",
                "x_FilledFromBilledCost", "x_AllocationSplit", "x_AllocationSourceProject"));
        assertThat(header).containsExactlyElementsOf(expected);
        assertThat(FocusWriter.COLUMNS).containsExactlyElementsOf(expected);
    }

    @Test
    void everyRow_fillsTheColumnsFocusRequiresWithValuesOfTheirFormat() {
        List<List<String>> csv = TestCsv.parse(export(billing, PERIOD, new ArrayList<>()));
        List<String> header = csv.get(0);
        assertThat(csv).hasSizeGreaterThan(100);

        for (List<String> row : csv.subList(1, csv.size())) {
            assertThat(row).hasSameSizeAs(header);
            Map<String, String> v = new TreeMap<>();
            for (int i = 0; i < header.size(); i++) {
                v.put(header.get(i), row.get(i));
            }
            for (String c : NOT_NULL) {
                assertThat(v.get(c)).as("%s in %s", c, row).isNotEmpty();
            }
            assertThat(v.get("ChargeCategory")).isIn(CHARGE_CATEGORIES);
            assertThat(v.get("ChargeClass")).isIn("", "Correction");
            assertThat(v.get("ServiceCategory")).isIn(SERVICE_CATEGORIES);
            for (String c : List.of("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd")) {
                assertThat(v.get(c)).as(c).matches(DATE_TIME);
            }
            for (String c : List.of("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")) {
                assertThat(v.get(c)).as(c).matches(DECIMAL);
            }
            assertThat(v.get("BillingCurrency")).matches("[A-Z]{3}");
            // PricingUnit is null exactly when PricingQuantity is (both null here: no provider gives priced quantities)
            assertThat(v.get("PricingQuantity")).isEmpty();
            assertThat(v.get("PricingUnit")).isEmpty();
            // Tax rows: PricingQuantity must be null
            LocalDate start = LocalDate.parse(v.get("ChargePeriodStart").substring(0, 10));
            assertThat(LocalDate.parse(v.get("ChargePeriodEnd").substring(0, 10))).isEqualTo(start.plusDays(1));
            assertThat(LocalDate.parse(v.get("BillingPeriodStart").substring(0, 10))).isEqualTo(start.withDayOfMonth(1));
            assertThat(LocalDate.parse(v.get("BillingPeriodEnd").substring(0, 10)))
                    .isEqualTo(start.withDayOfMonth(1).plusMonths(1));
            assertThat(PERIOD.contains(start)).isTrue();
            assertThat(v.get("x_Project")).isNotEmpty();
            assertThat(v.get("x_ServiceAccount")).isNotEmpty();
            assertThat(v.get("ContractedCost")).isEqualTo(v.get("BilledCost"));
            assertThat(v.get("EffectiveCost")).isEqualTo(v.get("BilledCost"));
            assertThat(v.get("ListCost")).isEqualTo(v.get("BilledCost"));
        }
    }

    @Test
    void billedCostSumsPerBillingCurrency_equalTheReportTotalsExactly_andRowsEqualLineItems() {
        List<AccountCoverage> coverage = new ArrayList<>();
        List<List<String>> csv = TestCsv.parse(export(billing, PERIOD, coverage));
        List<String> header = csv.get(0);
        int cost = header.indexOf("BilledCost");
        int currency = header.indexOf("BillingCurrency");
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            sums.merge(row.get(currency), new BigDecimal(row.get(cost)), BigDecimal::add);
        }

        CostReport report = billing.costs().report(CostQuery.builder(PERIOD).granularity(Granularity.DAILY).build());
        Map<String, BigDecimal> totals = new TreeMap<>();
        for (Money m : report.totals()) {
            totals.put(m.currency().getCurrencyCode(), m.amount());
        }
        assertThat(sums.keySet()).containsExactlyElementsOf(totals.keySet()).contains("USD", "KRW", "EUR", "JPY");
        sums.forEach((c, s) -> assertThat(s).as(c).isEqualByComparingTo(totals.get(c)));
        // the reference: the generated rows of the period, summed as BigDecimal, plus the crafted ones
        BigDecimal usd = Fixtures.DATA.rows(Fixtures.DATA.accounts().get(0), PERIOD).stream()
                .map(r -> r.cost()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sums.get("USD")).isEqualByComparingTo(usd);
        assertThat(sums.get("JPY")).isEqualByComparingTo("123456789012448.073457");

        long lineItems = Fixtures.crafted().stream().filter(r -> PERIOD.contains(r.chargeDate())).count();
        for (String aws : Fixtures.DATA.accounts()) {
            lineItems += Fixtures.DATA.rows(aws, PERIOD).size();
        }
        assertThat(csv).hasSize((int) lineItems + 1);
        assertThat(coverage).allMatch(c -> c.code() == CoverageStatus.OK).hasSize(4);
    }

    @Test
    void providerPublisherAndInvoiceIssuer_comeFromTheProvider() {
        List<List<String>> csv = TestCsv.parse(export(billing, PERIOD, new ArrayList<>()));
        List<String> header = csv.get(0);
        Set<String> origins = new java.util.TreeSet<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            origins.add(row.get(header.indexOf("x_ServiceAccount")) + ": " + row.get(header.indexOf("ProviderName"))
                    + " / " + row.get(header.indexOf("PublisherName")) + " / "
                    + row.get(header.indexOf("InvoiceIssuerName")));
        }

        assertThat(origins).containsExactly(
                "data-krw: MegazoneCloud / AWS / MegazoneCloud",
                "edge: crafted-cloud / crafted-cloud / crafted-cloud",
                "ops-eur: MegazoneCloud / AWS / MegazoneCloud",
                "web-prod: MegazoneCloud / AWS / MegazoneCloud");
    }
}
