package dev.billing.hyperbilling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.testkit.HyperBillingSummarySimulator;
import dev.billing.testkit.SummaryData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hyperbilling-mzc snippet of docs/hyperbilling.md (the region between the README markers, which the
 * examples module's DocSnippetsTest compares with the page word for word), run against the summary simulator.
 */
@Timeout(20)
class MzcReadmeTest {

    @Test
    void readmeSnippet_registersAGcpBillingAccountAndPrintsItsExactTotal() {
        SummaryData data = SummaryData.generate(9, List.of(new SummaryData.Account("gcp", "01A2B3-C4D5E6-F7A8B9",
                "billing-reader@example.com", MzcTestSupport.KEY.getPublic(), Currency.getInstance("KRW"))),
                LocalDate.of(2026, 1, 1), 31);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (HyperBillingSummarySimulator simulator = HyperBillingSummarySimulator.builder().data(data).start()) {
            String summaryEndpoint = simulator.endpoint();
            String privateKeyPem = MzcTestSupport.PRIVATE_KEY_PEM;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            // README-BEGIN
            try (Billing billing = Billing.builder()
                    .providerSettings("hyperbilling-mzc", Map.of("endpoint", summaryEndpoint))
                    .build()) {
                billing.serviceAccounts().register("gcp-billing", "hyperbilling-mzc", Credentials.of(Map.of(
                        "platform", "gcp", "accountId", "01A2B3-C4D5E6-F7A8B9",
                        "clientEmail", "billing-reader@example.com", "privateKey", privateKeyPem)), "project-data");
                CostReport report = billing.costs().domainTotal(BillingPeriod.month(YearMonth.of(2026, 1)));
                System.out.println("domain total: " + report.totals());
            }
            // README-END
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("domain total: "
                + List.of(data.total("01A2B3-C4D5E6-F7A8B9", BillingPeriod.month(YearMonth.of(2026, 1)))));
    }
}
