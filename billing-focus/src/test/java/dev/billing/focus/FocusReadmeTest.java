package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The snippets of docs/focus.md, compiled and run: export a month, then read the file back as a provider. */
@Timeout(30)
class FocusReadmeTest {
    @TempDir
    Path dir;

    @Test
    void readmeSnippets_exportThenImport() throws IOException {
        Path exports = Files.createDirectory(dir.resolve("focus-exports"));
        Path file = exports.resolve("2026-01.csv");
        List<AccountCoverage> coverage;
        try (Billing billing = Fixtures.billing()) {
            // README-BEGIN
            CostQuery query = CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 1)))
                    .granularity(Granularity.DAILY)
                    .build();
            try (Writer out = Files.newBufferedWriter(file);
                 FocusWriter focus = FocusWriter.of(out)) {
                coverage = billing.costs().lineItems(query, focus);
            }
            coverage.stream().filter(c -> c.code() == CoverageStatus.FAILED)
                    .forEach(c -> System.err.println(c.name() + " left out: " + c.error()));
            // README-END
        }
        assertThat(coverage).allMatch(c -> c.code() == CoverageStatus.OK);
        String aws = Fixtures.DATA.accounts().get(0);

        CostReport report;
        // README-BEGIN
        try (Billing billing = Billing.builder()
                .providerSettings("focus-files", Map.of("directory", exports.toString()))
                .build()) {
            billing.serviceAccounts().register("aws-payer", "focus-files",
                    Credentials.of(Map.of("billingAccountId", aws)), "project-web");
            report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals());
        }
        // README-END
        assertThat(report.isComplete()).isTrue();
        assertThat(report.totals()).containsExactly(Fixtures.DATA.total(aws, BillingPeriod.month(YearMonth.of(2026, 1))));
    }
}
