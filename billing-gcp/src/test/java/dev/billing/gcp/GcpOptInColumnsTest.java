package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.gcp.internal.ExportQuery;
import dev.billing.gcp.internal.GcpBillingExportProviderFactory;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.Credit;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two opt-in result columns: {@code projectLabels} (the project's labels as tags under {@code project:}) and
 * {@code creditTypes} (one CREDIT record per credit type), through the BigQuery simulator, against the default query
 * on the same rows.
 */
@Timeout(60)
class GcpOptInColumnsTest extends GcpTestSupport {
    private static final String ACCOUNT = "0123AB-4567CD-89EF01";
    private static final Instant T = Instant.parse("2026-02-10T05:00:00Z");
    /**
     * Every {@code credits.type} of the standard usage cost export, as Google's schema lists them
     * (https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/standard-usage, {@code credits.type}).
     */
    private static final List<String> CREDIT_TYPES = List.of("SUSTAINED_USAGE_DISCOUNT", "COMMITTED_USAGE_DISCOUNT",
            "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", "DISCOUNT", "FREE_TIER", "PROMOTION", "SUBSCRIPTION_BENEFIT",
            "RESELLER_MARGIN", "FEE_UTILIZATION_OFFSET");

    private static List<CostRecord> fetch(List<ExportRow> rows, Function<GcpBillingExportProvider.Builder,
            GcpBillingExportProvider.Builder> settings, List<String> sentQueries) {
        List<CostRecord> out = new ArrayList<>();
        try (BigQueryBillingExportSimulator sim = BigQueryBillingExportSimulator.builder().rows(rows).pageSize(3)
                .pendingPolls(1).start()) {
            GcpBillingExportProvider provider = settings.apply(GcpBillingExportProvider.builder()
                    .endpoint(URI.create(sim.endpoint()))).build();
            ServiceAccount account = new ServiceAccount(ServiceAccountId.of("gcp-usd"), ProviderId.of("gcp-billing-export"),
                    ProjectId.of("project-web"), Credentials.of(Map.of("serviceAccountKey",
                    sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com"), "table", sim.table())),
                    Map.of());
            provider.verify(account);
            provider.fetch(FetchRequest.of(account, BillingPeriod.month(YearMonth.of(2026, 2)), Granularity.DAILY), out::add);
            sentQueries.add(JSON.readTree(sim.lastQueryRequest()).get("query").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static ExportRow row(String project, String sku, String cost, List<Credit> credits) {
        return new ExportRow(ACCOUNT, project, "Compute Engine", sku, "us-east1", T, "regular", "USD", new BigDecimal(cost),
                credits);
    }

    private static BigDecimal sum(List<CostRecord> records, Function<CostRecord, BigDecimal> metric) {
        return records.stream().map(metric).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void everyShapeOfTheQuery_isTheTextTheSimulatorAccepts_andTheDefaultIsTheContracts() {
        for (boolean labels : new boolean[] {false, true}) {
            for (boolean types : new boolean[] {false, true}) {
                ExportQuery query = new ExportQuery(labels, types);
                assertThat(query.text(TABLE)).isEqualTo(BigQueryBillingExportSimulator.expectedQuery(TABLE, labels, types));
                List<String> extra = query.columns().subList(ExportQuery.COLUMNS.size(), query.columns().size());
                assertThat(extra).containsExactlyElementsOf(labels && types ? List.of("project_labels", "credits_by_type")
                        : labels ? List.of("project_labels") : types ? List.of("credits_by_type") : List.of());
            }
        }
        assertThat(ExportQuery.DEFAULT.columns()).containsExactly("usage_date", "service", "region", "sku", "gcp_project",
                "cost_type", "currency", "cost", "credits", "labels", "cost_at_list");
        assertThat(ExportQuery.DEFAULT.text(TABLE)).isEqualTo(BigQueryBillingExportSimulator.expectedQuery(TABLE))
                .doesNotContain("project.labels").doesNotContain("credits_by_type")
                .contains("GROUP BY 1, 2, 3, 4, 5, 6, 7, 10\nORDER BY 1, 2, 3, 4, 5, 6, 7, 10");
        assertThat(new ExportQuery(true, true).text(TABLE)).contains("GROUP BY 1, 2, 3, 4, 5, 6, 7, 10, 12\n")
                .contains("cost_at_list,\n  TO_JSON_STRING(project.labels) AS project_labels,\n  TO_JSON_STRING(ARRAY(");
    }

    @Test
    void projectLabels_areTagsUnderTheProjectPrefix_besideTheResourceLabels_onlyWhenAskedFor() {
        List<ExportRow> rows = List.of(
                row("web-prod", "Core", "10", List.of(new Credit("sud", "SUSTAINED_USAGE_DISCOUNT", new BigDecimal("-1"))))
                        .labeled(Map.of("env", "prod", "app", "shop"))
                        .projectLabeled(Map.of("env", "staging", "team", "web")),
                row("data-prod", "Core", "5", List.of()).projectLabeled(Map.of("team", "data")));
        List<String> queries = new ArrayList<>();

        List<CostRecord> withProject = fetch(rows, b -> b.projectLabels(true), queries);
        List<CostRecord> without = fetch(rows, b -> b, queries);

        // the resource's "env" and the project's "env" are two tags: a label key cannot hold the prefix's colon
        assertThat(withProject).filteredOn(r -> r.subAccountId().equals("web-prod")).hasSize(2).allSatisfy(r ->
                assertThat(r.tags()).isEqualTo(Map.of("env", "prod", "app", "shop", "project:env", "staging",
                        "project:team", "web")));
        assertThat(withProject).filteredOn(r -> r.subAccountId().equals("data-prod")).singleElement()
                .satisfies(r -> assertThat(r.tags()).isEqualTo(Map.of("project:team", "data")));
        assertThat(without).filteredOn(r -> r.subAccountId().equals("web-prod"))
                .allSatisfy(r -> assertThat(r.tags()).isEqualTo(Map.of("env", "prod", "app", "shop")));
        assertThat(without).filteredOn(r -> r.subAccountId().equals("data-prod"))
                .allSatisfy(r -> assertThat(r.tags()).isEmpty());
        assertThat(queries.get(0)).contains("TO_JSON_STRING(project.labels) AS project_labels");
        assertThat(queries.get(1)).doesNotContain("project.labels").doesNotContain("project_labels");
        assertThat(sum(withProject, r -> r.billedCost().amount())).isEqualByComparingTo(sum(without,
                r -> r.billedCost().amount()));
    }

    @Test
    void creditTypes_eachTypeIsItsOwnCreditRecord_andEveryMetricTotalEqualsTheDefaultModesToTheDigit() {
        List<ExportRow> rows = new ArrayList<>();
        for (int i = 0; i < CREDIT_TYPES.size(); i++) {
            String type = CREDIT_TYPES.get(i);
            rows.add(row("web-prod", "Core", "20.000000" + (i + 1), List.of(
                    new Credit(type.toLowerCase(), type, new BigDecimal("-" + (i + 1) + ".1250000004")))));
        }
        // one group of three rows (same day, SKU, project, labels): credits of several types, amounts beyond 9 decimals
        for (int i = 0; i < 3; i++) {
            rows.add(row("data-prod", "Mixed", "7.0000000015", List.of(
                    new Credit("cud", "COMMITTED_USAGE_DISCOUNT", new BigDecimal("-2.0000000005")),
                    new Credit("sud", "SUSTAINED_USAGE_DISCOUNT", new BigDecimal("-0.3333333333")),
                    new Credit("promo", "PROMOTION", new BigDecimal("-1.5")))).listed(new BigDecimal("9.1")));
        }
        // credits of one type that cancel out: no record; a row of credits only
        rows.add(row("data-prod", "Refunded", "1", List.of(new Credit("promo", "PROMOTION", new BigDecimal("-0.25")),
                new Credit("promo", "PROMOTION", new BigDecimal("0.25")), new Credit("free", "FREE_TIER",
                        new BigDecimal("-0.5")))));
        rows.add(row("data-prod", "Free", "0", List.of(new Credit("free", "FREE_TIER", new BigDecimal("-0.7"))))
                .listed(BigDecimal.ZERO));
        List<String> queries = new ArrayList<>();

        List<CostRecord> byType = fetch(rows, b -> b.creditTypes(true).projectLabels(true), queries);
        List<CostRecord> summed = fetch(rows, b -> b, queries);

        for (Function<CostRecord, BigDecimal> metric : List.<Function<CostRecord, BigDecimal>>of(
                r -> r.billedCost().amount(), r -> r.effectiveCost().amount(),
                r -> r.listCost().map(m -> m.amount()).orElse(BigDecimal.ZERO))) {
            assertThat(sum(byType, metric)).isEqualByComparingTo(sum(summed, metric));
        }
        BigDecimal view = rows.stream().map(ExportRow::total).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum(byType, r -> r.billedCost().amount())).isEqualByComparingTo(view);
        Map<String, BigDecimal> credits = byType.stream().filter(r -> r.chargeCategory() == ChargeCategory.CREDIT)
                .collect(Collectors.groupingBy(CostRecord::usageType, TreeMap::new,
                        Collectors.reducing(BigDecimal.ZERO, r -> r.billedCost().amount(), BigDecimal::add)));
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (ExportRow r : rows) {
            for (Credit c : r.credits()) {
                expected.merge("credit:" + c.type(), ExportRow.numeric(c.amount()), BigDecimal::add);
            }
        }
        assertThat(credits.keySet()).containsExactlyInAnyOrderElementsOf(CREDIT_TYPES.stream().map(t -> "credit:" + t)
                .toList());
        credits.forEach((type, amount) -> assertThat(amount).as(type).isEqualByComparingTo(expected.get(type)));
        // the group of three rows: one record per type, amounts summed after CAST(... AS NUMERIC)
        assertThat(byType).filteredOn(r -> r.chargeCategory() == ChargeCategory.CREDIT && r.subAccountId().equals("data-prod")
                && r.billedCost().amount().compareTo(new BigDecimal("-6.000000003")) == 0).singleElement()
                .satisfies(r -> {
                    assertThat(r.usageType()).isEqualTo("credit:COMMITTED_USAGE_DISCOUNT");
                    assertThat(r.effectiveCost().amount()).isEqualByComparingTo("-6.000000003");
                    assertThat(r.listCost()).hasValueSatisfying(m -> assertThat(m.amount()).isZero());
                    assertThat(r.service()).isEqualTo("Compute Engine");
                });
        // the cancelled-out PROMOTION of "Refunded" gives no record; its FREE_TIER does
        assertThat(byType).filteredOn(r -> r.chargeCategory() == ChargeCategory.CREDIT
                && r.billedCost().amount().compareTo(new BigDecimal("-0.5")) == 0).extracting(CostRecord::usageType)
                .containsExactly("credit:FREE_TIER");
        // the cost records keep their SKU as usage type in both modes
        assertThat(byType).filteredOn(r -> r.chargeCategory() == ChargeCategory.USAGE).extracting(CostRecord::usageType)
                .containsOnly("Core", "Mixed", "Refunded");
        assertThat(byType.stream().filter(r -> r.chargeCategory() == ChargeCategory.CREDIT).count())
                .isEqualTo(CREDIT_TYPES.size() + 3 + 1 + 1);
        assertThat(queries.get(0)).contains("AS credits_by_type");
    }

    /** A complete answer of the 13-column query (projectLabels and creditTypes) with one row. */
    private static String pageOfBoth(String credits, String byType) {
        ObjectNode a = (ObjectNode) readTree(page(null, List.of()));
        ArrayNode fields = (ArrayNode) a.get("schema").get("fields");
        fields.addObject().put("name", "project_labels").put("type", "STRING").put("mode", "NULLABLE");
        fields.addObject().put("name", "credits_by_type").put("type", "STRING").put("mode", "NULLABLE");
        ArrayNode f = ((ArrayNode) a.get("rows")).addObject().putArray("f");
        for (String v : Arrays.asList("2026-01-05", "Compute Engine", "us-east1", "Core", "web-prod", "regular", "USD",
                "10", credits, "[]", "10", "[]", byType)) {
            f.addObject().put("v", v);
        }
        return a.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void creditsByType_thatDoNotAddUpToTheRowsCredits_orAreNotAnArray_areAProtocolError_neverASilentShortfall() {
        stubToken();
        GcpBillingExportProvider provider = GcpBillingExportProvider.builder().endpoint(URI.create(endpoint()))
                .http(http().build()).projectLabels(true).creditTypes(true).build();

        server.stubFor(query().willReturn(okJson(pageOfBoth("-3", "[{\"type\":\"FREE_TIER\",\"amount\":\"-1\"}]"))));
        assertThatThrownBy(() -> fetch(provider, january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("credits_by_type adding up to -1, not to the row's credits -3");

        server.stubFor(query().willReturn(okJson(pageOfBoth("-1", "{\"FREE_TIER\":-1}"))));
        assertThatThrownBy(() -> fetch(provider, january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("not a JSON array");

        server.stubFor(query().willReturn(okJson(pageOfBoth("-3", "[{\"type\":\"FREE_TIER\",\"amount\":\"-1\"},"
                + "{\"type\":\"PROMOTION\",\"amount\":\"-2\"}]"))));
        assertThat(fetch(provider, january()).records()).extracting(CostRecord::usageType)
                .containsExactly("Core", "credit:FREE_TIER", "credit:PROMOTION");

        // the default provider expects the contract's 11 columns: the 13-column answer is refused
        assertThatThrownBy(() -> fetch(provider(), january())).isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("expected [usage_date");
    }

    @Test
    void settings_areDeclared_defaultOff_andRead() {
        GcpBillingExportProviderFactory factory = new GcpBillingExportProviderFactory();
        assertThat(factory.settings()).filteredOn(s -> s.name().equals("projectLabels") || s.name().equals("creditTypes"))
                .extracting(ProviderSetting::name, s -> s.defaultValue().orElse(null), ProviderSetting::required)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("projectLabels", "false", false),
                        org.assertj.core.groups.Tuple.tuple("creditTypes", "false", false));

        GcpBillingExportProvider off = (GcpBillingExportProvider) factory.create(Map.of());
        assertThat(off.projectLabels()).isFalse();
        assertThat(off.creditTypes()).isFalse();
        GcpBillingExportProvider on = (GcpBillingExportProvider) factory.create(Map.of("projectLabels", " TRUE ",
                "creditTypes", "true"));
        assertThat(on.projectLabels()).isTrue();
        assertThat(on.creditTypes()).isTrue();
        assertThat(on.toBuilder().build().creditTypes()).isTrue();
        assertThat(on.toString()).contains("projectLabels=true", "creditTypes=true");
        assertThatThrownBy(() -> factory.create(Map.of("creditTypes", "yes")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("creditTypes")
                .hasMessageContaining("true or false");
    }
}
