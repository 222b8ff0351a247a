package dev.billing.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The snippets of docs/aws-cost-explorer.md (the regions between the README markers, which the examples
 * module's DocSnippetsTest compares with the page word for word), run against the Cost Explorer simulator.
 */
@Timeout(30)
class AwsCostExplorerReadmeTest {
    private AwsCostExplorerSimulator sim;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void start() {
        sim = AwsCostExplorerSimulator.builder()
                .account("111111111111", "AKIAEXAMPLEPAYER0001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .row(new Row("111111111111", LocalDate.of(2026, 1, 5), "222222222222", "Amazon Simple Storage Service",
                        "us-east-1", "Usage", "USD", new BigDecimal("12.75")))
                .row(new Row("111111111111", LocalDate.of(2026, 1, 9), "333333333333", "AWS Lambda", "eu-west-1", "Credit",
                        "USD", new BigDecimal("-0.25")))
                .start();
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(originalOut);
        sim.close();
    }

    @Test
    void readme_discoveredProvider_printsTheExactTotal() {
        String endpoint = sim.endpoint();
        String accessKeyId = "AKIAEXAMPLEPAYER0001";
        String secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

        // README-BEGIN
        try (Billing billing = Billing.builder()
                .providerSettings("aws-cost-explorer", Map.of("endpoint", endpoint, "costMetric", "UnblendedCost"))
                .build()) {
            billing.serviceAccounts().register("aws-org", "aws-cost-explorer",
                    Credentials.of(Map.of("accessKeyId", accessKeyId, "secretAccessKey", secretAccessKey)),
                    "project-web");
            billing.serviceAccounts().verify("aws-org");
            CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
            System.out.println("domain total: " + report.totals());
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("domain total: [12.5 USD]" + System.lineSeparator());
    }

    @Test
    void readme_providerBuiltInCode_groupsByLinkedAccount() {
        String endpoint = sim.endpoint();
        Credentials credentials = Credentials.of(Map.of("accessKeyId", "AKIAEXAMPLEPAYER0001",
                "secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

        // README-BEGIN
        AwsCostExplorerProvider aws = AwsCostExplorerProvider.builder()
                .endpoint(URI.create(endpoint))
                .costMetric(CostMetric.NET_UNBLENDED_COST)
                .maxRequestsPerFetch(500)
                .build();
        try (Billing billing = Billing.builder()
                .disableProvider("aws-cost-explorer")
                .addProvider(aws)
                .build()) {
            billing.serviceAccounts().register("aws-org", "aws-cost-explorer", credentials, "project-web");
            CostReport report = billing.costs().report(CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 1)))
                    .granularity(Granularity.MONTHLY).groupBy(Dimension.SUB_ACCOUNT).build());
            report.rows().forEach(row -> System.out.println(row.keys().get(Dimension.SUB_ACCOUNT) + " " + row.amount()));
        }
        // README-END

        assertThat(out.toString(StandardCharsets.UTF_8).lines().sorted().toList())
                .containsExactly("222222222222 12.75 USD", "333333333333 -0.25 USD");
    }
}
