package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AllocatedLineItems;
import dev.billing.core.Allocation;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostSummary;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A FOCUS export with an allocation, read back, gives every project the total a report with the same allocation
 * gives it, to the digit, for every metric (billed, effective, list), the domain total unchanged; raw costs
 * export each line item in its service account's project. The costs come from FOCUS files ({@code focus-files},
 * which gives all three metrics and tags), over seeded random line items.
 */
@Timeout(60)
class FocusAllocationExportTest {
    static final BillingPeriod PERIOD = BillingPeriod.month(YearMonth.of(2026, 1));
    static final String[][] ACCOUNTS = {{"a-web", "acct-web", "project-web"}, {"a-data", "acct-data", "project-data"},
            {"a-ops", "acct-ops", "project-ops"}};
    static final String[] SERVICES = {"Compute", "Storage", "Support", "Network"};
    static final String[] TEAMS = {"web", "ml", ""};
    static final String[] CURRENCIES = {"USD", "EUR"};
    static final Allocation ALLOCATION = Allocation.builder()
            .rule("ml by tag", Map.of("tag:team", List.of("ml")), "project-ml")
            .rule("support", Map.of("service", List.of("Support")), "project-shared")
            .split("shared", Map.of("project", List.of("project-shared")),
                    List.of("project-web", "project-data", "project-ml"), Allocation.Method.PROPORTIONAL)
            .split("network", Map.of("service", List.of("Network")), List.of("project-web", "project-data"),
                    Allocation.Method.EVEN)
            .fixedSplit("ops", Map.of("project", List.of("project-ops")), List.of("project-data", "project-ml"),
                    List.of("33.3", "66.7"))
            .build();

    @TempDir
    Path dir;

    private static BigDecimal amount(SplittableRandom rnd) {
        BigDecimal a = BigDecimal.valueOf(rnd.nextLong(1, 10_000_000_000L), rnd.nextInt(11));
        return rnd.nextInt(10) == 0 ? a.negate() : a;
    }

    private static List<CostRecord> source(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<CostRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Currency c = Currency.getInstance(CURRENCIES[rnd.nextInt(CURRENCIES.length)]);
            String team = TEAMS[rnd.nextInt(TEAMS.length)];
            records.add(CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 1 + rnd.nextInt(5)))
                    .provider(ProviderId.of(FocusFilesProvider.ID))
                    .billingAccountId(ACCOUNTS[rnd.nextInt(ACCOUNTS.length)][1])
                    .serviceAccount(ServiceAccountId.of("source")).project(ProjectId.of("source"))
                    .service(SERVICES[rnd.nextInt(SERVICES.length)]).region("us-east-1").subAccountId("")
                    .usageType("").chargeCategory(ChargeCategory.USAGE)
                    .billedCost(Money.of(amount(rnd), c)).effectiveCost(Money.of(amount(rnd), c))
                    .listCost(Money.of(amount(rnd), c)).tags(team.isEmpty() ? Map.of() : Map.of("team", team))
                    .build());
        }
        return records;
    }

    private Billing billing(Path costs, Allocation allocation) {
        Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(FocusFilesProvider.builder().directory(costs).build()).allocation(allocation).build();
        for (String[] a : ACCOUNTS) {
            billing.serviceAccounts().register(a[0], FocusFilesProvider.ID,
                    Credentials.of(Map.of("billingAccountId", a[1])), a[2]);
        }
        return billing;
    }

    private static List<List<String>> export(Billing billing, CostQuery query, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             FocusWriter focus = FocusWriter.of(out)) {
            AllocatedLineItems allocated = AllocatedLineItems.of(billing, query, focus);
            billing.costs().lineItems(query, allocated);
            allocated.finish();
        }
        return TestCsv.parse(Files.readString(file));
    }

    /** @return "project currency" (or "* currency" for the domain) to the exact sum of a metric's column */
    private static Map<String, BigDecimal> exported(List<List<String>> csv, Metric metric) {
        List<String> header = csv.get(0);
        int amount = header.indexOf(switch (metric) {
            case BILLED -> "BilledCost";
            case EFFECTIVE -> "EffectiveCost";
            case LIST -> "ListCost";
        });
        int currency = header.indexOf("BillingCurrency");
        int project = header.indexOf("x_Project");
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            BigDecimal v = new BigDecimal(row.get(amount));
            sums.merge(row.get(project) + " " + row.get(currency), v, BigDecimal::add);
            sums.merge("* " + row.get(currency), v, BigDecimal::add);
        }
        return stripped(sums);
    }

    private static Map<String, BigDecimal> reported(CostReport report) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        report.projects().forEach((p, s) -> put(sums, p.value(), s));
        put(sums, "*", report.domain());
        return stripped(sums);
    }

    private static void put(Map<String, BigDecimal> sums, String project, CostSummary summary) {
        for (Money m : summary.totals()) {
            sums.merge(project + " " + m.currency().getCurrencyCode(), m.amount(), BigDecimal::add);
        }
    }

    private static Map<String, BigDecimal> stripped(Map<String, BigDecimal> sums) {
        Map<String, BigDecimal> out = new TreeMap<>();
        sums.forEach((k, v) -> {
            if (v.signum() != 0) {
                out.put(k, v.stripTrailingZeros());
            }
        });
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 2026})
    void allocatedExport_readBack_totalsEveryProjectLikeTheReport_forEveryMetric(long seed) throws IOException {
        Path costs = Files.createDirectory(dir.resolve("costs"));
        try (Writer out = Files.newBufferedWriter(costs.resolve("source.csv"), StandardCharsets.UTF_8);
             FocusWriter focus = FocusWriter.of(out)) {
            source(seed).forEach(focus);
        }
        Path exports = Files.createDirectory(dir.resolve("exports"));
        CostQuery daily = CostQuery.builder(PERIOD).granularity(Granularity.DAILY).build();
        try (Billing billing = billing(costs, ALLOCATION)) {
            List<List<String>> csv = export(billing, daily, exports.resolve("allocated.csv"));
            List<String> header = csv.get(0);
            assertThat(header).containsExactlyElementsOf(FocusWriter.COLUMNS);
            List<List<String>> splitRows = csv.subList(1, csv.size()).stream()
                    .filter(r -> !r.get(header.indexOf("x_AllocationSplit")).isEmpty()).toList();
            assertThat(splitRows).isNotEmpty().allSatisfy(r -> assertThat(
                    r.get(header.indexOf("x_AllocationSplit")) + " " + r.get(header.indexOf("x_AllocationSourceProject"))
                            + " " + r.get(header.indexOf("x_Project")))
                    .matches("(shared project-shared|network project-\\w+|ops project-ops)"
                            + " project-(web|data|ml)"));
            assertThat(csv.subList(1, csv.size())).extracting(r -> r.get(header.indexOf("x_Project")))
                    .doesNotContain("project-shared", "project-ops").contains("project-ml");

            for (Metric metric : Metric.values()) {
                CostReport report = billing.costs().report(CostQuery.builder(PERIOD).metric(metric).build());
                CostReport raw = billing.costs().report(CostQuery.builder(PERIOD).metric(metric).rawCosts(true)
                        .build());
                assertThat(report.isComplete()).as(metric.key()).isTrue();
                assertThat(exported(csv, metric)).as(metric.key()).isEqualTo(reported(report));
                assertThat(reported(report).entrySet()).filteredOn(e -> e.getKey().startsWith("* "))
                        .containsExactlyInAnyOrderElementsOf(reported(raw).entrySet().stream()
                                .filter(e -> e.getKey().startsWith("* ")).toList());
            }
        }
        // read back by focus-files: the export is valid FOCUS and keeps the domain total of every metric
        try (Billing readBack = Billing.builder().discoverProviders(false)
                .addProvider(FocusFilesProvider.builder().directory(exports).build()).build();
             Billing original = billing(costs, Allocation.NONE)) {
            readBack.serviceAccounts().register("export", FocusFilesProvider.ID, Credentials.of(Map.of()), "p");
            for (Metric metric : Metric.values()) {
                CostQuery q = CostQuery.builder(PERIOD).metric(metric).build();
                assertThat(stripped(totals(readBack.costs().report(q)))).as(metric.key())
                        .isEqualTo(stripped(totals(original.costs().report(q))));
            }
        }
    }

    private static Map<String, BigDecimal> totals(CostReport report) {
        assertThat(report.isComplete()).isTrue();
        Map<String, BigDecimal> sums = new TreeMap<>();
        report.totals().forEach(m -> sums.put(m.currency().getCurrencyCode(), m.amount()));
        return sums;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7})
    void rawCosts_exportEachLineItemInItsServiceAccountsProject(long seed) throws IOException {
        Path costs = Files.createDirectory(dir.resolve("costs"));
        List<CostRecord> source = source(seed);
        try (Writer out = Files.newBufferedWriter(costs.resolve("source.csv"), StandardCharsets.UTF_8);
             FocusWriter focus = FocusWriter.of(out)) {
            source.forEach(focus);
        }
        Map<String, String> projectOf = new TreeMap<>();
        for (String[] a : ACCOUNTS) {
            projectOf.put(a[1], a[2]);
        }
        try (Billing billing = billing(costs, ALLOCATION)) {
            List<List<String>> csv = export(billing, CostQuery.builder(PERIOD).granularity(Granularity.DAILY)
                    .rawCosts(true).build(), dir.resolve("raw.csv"));
            List<String> header = csv.get(0);
            assertThat(csv).hasSize(source.size() + 1);
            assertThat(csv.subList(1, csv.size())).allSatisfy(r -> {
                assertThat(r.get(header.indexOf("x_Project")))
                        .isEqualTo(projectOf.get(r.get(header.indexOf("BillingAccountId"))));
                assertThat(r.get(header.indexOf("x_AllocationSplit"))).isEmpty();
                assertThat(r.get(header.indexOf("x_AllocationSourceProject"))).isEmpty();
            });
        }
    }
}
