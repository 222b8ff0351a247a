package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.Credit;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The snippets of docs/gcp-billing-export.md (the regions between the README markers, which the
 * examples module's DocSnippetsTest compares with the page word for word), run
 * against the testkit's BigQuery simulator.
 */
@Timeout(30)
class GcpReadmeTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private BigQueryBillingExportSimulator sim;

    @BeforeEach
    void startSimulatorAndCaptureOut() {
        Instant jan5 = Instant.parse("2026-01-05T10:00:00Z");
        sim = BigQueryBillingExportSimulator.builder().rows(List.of(
                new ExportRow("0123AB-4567CD-89EF01", "web-shop-prod", "Compute Engine", "N2 Instance Core", "asia-northeast1",
                        jan5, "regular", "USD", new BigDecimal("12.5"),
                        List.of(new Credit("Sustained usage discount", "SUSTAINED_USAGE_DISCOUNT", new BigDecimal("-2.25")))),
                new ExportRow("0123AB-4567CD-89EF01", "web-shop-dev", "Cloud Storage", "Standard Storage", "us", jan5,
                        "regular", "USD", new BigDecimal("0.75"), List.of()),
                new ExportRow("0123AB-4567CD-89EF01", null, "Invoice", "Tax", null, jan5, "tax", "USD",
                        new BigDecimal("1.1"), List.of()))).pendingPolls(1).start();
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutAndStop() {
        System.setOut(originalOut);
        sim.close();
    }

    @Test
    void readme_discoveredProvider_printsExactTotalsPerGcpProject() {
        String endpoint = sim.endpoint();
        String key = sim.serviceAccountKey("billing-reader@billing-admin-project.iam.gserviceaccount.com");

        // README-BEGIN
        try (Billing billing = Billing.builder()
                .providerSettings("gcp-billing-export", Map.of("endpoint", endpoint))
                .build()) {
            billing.serviceAccounts().register("gcp-billing", "gcp-billing-export", Credentials.of(Map.of(
                    "serviceAccountKey", key,
                    "table", "billing-admin-project.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01")),
                    "project-web");
            billing.serviceAccounts().verify("gcp-billing");
            CostReport report = billing.costs().report(CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 1)))
                    .groupBy(Dimension.SUB_ACCOUNT).build());
            System.out.println("domain total: " + report.totals());
            report.rows().forEach(row -> System.out.println(row.keys() + " " + row.amount()));
        }
        // README-END

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("domain total: [12.1 USD]" + System.lineSeparator())
                .contains("{SUB_ACCOUNT=web-shop-prod} 10.25 USD", "{SUB_ACCOUNT=web-shop-dev} 0.75 USD", "{SUB_ACCOUNT=} 1.1 USD");
    }

    @Test
    void readme_providerBuiltInCode() {
        String endpoint = sim.endpoint();
        Credentials credentials = Credentials.of(Map.of("serviceAccountKey",
                sim.serviceAccountKey("billing-reader@billing-admin-project.iam.gserviceaccount.com"), "table", sim.table()));

        // README-BEGIN
        GcpBillingExportProvider gcp = GcpBillingExportProvider.builder()
                .endpoint(URI.create(endpoint))
                .queryProject("billing-admin-project")
                .maximumBytesBilled(10L * 1024 * 1024 * 1024)
                .build();
        try (Billing billing = Billing.builder()
                .disableProvider("gcp-billing-export")
                .addProvider(gcp)
                .build()) {
            billing.serviceAccounts().register("gcp-billing", "gcp-billing-export", credentials, "project-web");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals()
                    + ", scanned " + report.coverage().get(0).stats().bytesScanned() + " bytes");
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("domain total: [12.1 USD], scanned ");
    }
}
