package dev.billing.examples;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import java.time.YearMonth;
import java.util.Map;

/**
 * The README's quick start: two HyperBilling accounts in two projects, the domain total and each
 * project's total. The region between the README markers is the README's snippet, word for word.
 *
 * <p>Run: {@code java -cp billing.jar dev.billing.examples.QuickStart https://hyperbilling.example.com}
 * with the API keys in {@code HB_KEY_WEB} and {@code HB_KEY_DATA}; it exits 3 when an account failed.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * @param args the HyperBilling endpoint
     */
    public static void main(String[] args) {
        String webKey = System.getenv("HB_KEY_WEB");
        String dataKey = System.getenv("HB_KEY_DATA");
        if (webKey == null || dataKey == null) {
            System.err.println("set HB_KEY_WEB and HB_KEY_DATA to the two API keys");
            System.exit(2);
        }
        boolean complete = run(args.length > 0 ? args[0] : "https://hyperbilling.example.com", webKey, dataKey);
        if (!complete) {
            System.exit(3);
        }
    }

    /**
     * Registers the two accounts and prints the domain total and each project's total to
     * {@code System.out}; any account that failed is printed with its reason.
     *
     * @param endpoint the HyperBilling base URL
     * @param webKey the API key of ops@example.com
     * @param dataKey the API key of data@example.com
     * @return whether every account contributed (the command exits 3 when one did not)
     */
    public static boolean run(String endpoint, String webKey, String dataKey) {
        // README-BEGIN
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", endpoint))
                .build()) {
            billing.serviceAccounts().register("web-prod", "hyperbilling-aws",
                    Credentials.of(Map.of("account", "111111111111", "email", "ops@example.com", "key", webKey)),
                    "project-web");
            billing.serviceAccounts().register("data-prod", "hyperbilling-aws",
                    Credentials.of(Map.of("account", "222222222222", "email", "data@example.com", "key", dataKey)),
                    "project-data");

            CostReport report = billing.costs().domainTotal(
                    BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)));
            System.out.println("domain total: " + report.totals());
            report.projects().forEach((project, summary) ->
                    System.out.println(project + ": " + summary.totals()));
            report.coverage().stream().filter(c -> c.error() != null)
                    .forEach(c -> System.out.println(c.name() + " FAILED: " + c.error()));
            return report.isComplete();
        }
        // README-END
    }
}
