package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Export to FOCUS, import the file with focus-files, and the report is the original one, exactly. */
@Timeout(60)
class FocusRoundTripTest {
    static final BillingPeriod PERIOD = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 16));

    @TempDir
    Path dir;

    private static List<String> rows(CostReport report) {
        return report.rows().stream().map(FocusRoundTripTest::row).toList();
    }

    private static String row(CostRow r) {
        return r.period() + " " + r.keys() + " " + r.amount().currency() + " " + r.amount().amount().stripTrailingZeros().toPlainString();
    }

    private static CostQuery query(Dimension... groupBy) {
        return CostQuery.builder(PERIOD).granularity(Granularity.DAILY).groupBy(groupBy).build();
    }

    private void export(Billing billing, Path file, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
             Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
             FocusWriter focus = FocusWriter.of(text)) {
            List<AccountCoverage> coverage = billing.costs().lineItems(query(), focus);
            assertThat(coverage).allMatch(c -> c.code() == CoverageStatus.OK);
        }
    }

    /** The same service accounts and projects, each reading its own rows of the export by BillingAccountId. */
    private Billing importing(Map<String, String> settings) {
        Billing imported = Billing.builder().discoverProviders(true).providerSettings(FocusFilesProvider.ID, settings)
                .build();
        for (int i = 0; i < Fixtures.ACCOUNTS.length; i++) {
            imported.serviceAccounts().register(Fixtures.ACCOUNTS[i][0], FocusFilesProvider.ID,
                    Credentials.of(Map.of("billingAccountId", Fixtures.DATA.accounts().get(i))), Fixtures.ACCOUNTS[i][1]);
        }
        imported.serviceAccounts().register("edge", FocusFilesProvider.ID,
                Credentials.of(Map.of("billingAccountId", "acct-edge")), "project-edge");
        return imported;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void exportThenImport_reportEqualsTheOriginal_byCurrencyProjectServiceAndDay(boolean gzip) throws IOException {
        Path file = dir.resolve(gzip ? "export.csv.gz" : "export.csv");
        try (Billing original = Fixtures.billing(); Billing imported = importing(Map.of("directory", dir.toString()))) {
            export(original, file, gzip);

            CostReport before = original.costs().report(query(Dimension.PROJECT, Dimension.SERVICE));
            CostReport after = imported.costs().report(query(Dimension.PROJECT, Dimension.SERVICE));

            assertThat(after.isComplete()).isTrue();
            assertThat(before.rows()).hasSizeGreaterThan(200);
            assertThat(rows(after)).containsExactlyElementsOf(rows(before));
            assertThat(after.totals()).containsExactlyElementsOf(before.totals());
            assertThat(after.projects()).isEqualTo(before.projects());
        }
    }

    @Test
    void exportThenImport_keepsAccountSubAccountRegionChargeCategoryAndUsageType() throws IOException {
        try (Billing original = Fixtures.billing(); Billing imported = importing(Map.of("directory", dir.toString()))) {
            export(original, dir.resolve("export.csv"), false);

            Dimension[] dims = {Dimension.SERVICE_ACCOUNT, Dimension.REGION, Dimension.CHARGE_CATEGORY,
                    Dimension.USAGE_TYPE, Dimension.ACCOUNT, Dimension.SUB_ACCOUNT};
            assertThat(rows(imported.costs().report(query(dims)))).containsExactlyElementsOf(rows(original.costs().report(query(dims))));
        }
    }

    @Test
    void exportOfAShorterPeriod_importedForALongerOne_equalsTheShorterReport() throws IOException {
        BillingPeriod february = BillingPeriod.month(java.time.YearMonth.of(2026, 2));
        try (Billing original = Fixtures.billing(); Billing imported = importing(Map.of("directory", dir.toString(),
                "glob", "*.csv"))) {
            try (Writer w = Files.newBufferedWriter(dir.resolve("feb.csv")); FocusWriter focus = FocusWriter.of(w)) {
                original.costs().lineItems(CostQuery.builder(february).granularity(Granularity.DAILY).build(), focus);
            }
            CostQuery q = CostQuery.builder(PERIOD).granularity(Granularity.MONTHLY).groupBy(Dimension.PROJECT).build();
            CostQuery feb = CostQuery.builder(february).granularity(Granularity.MONTHLY).groupBy(Dimension.PROJECT).build();

            assertThat(rows(imported.costs().report(q))).containsExactlyElementsOf(rows(original.costs().report(feb)));
        }
    }
}
