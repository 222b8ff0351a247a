package dev.billing.examples.cli;

import dev.billing.core.BillingPeriod;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.SimulatorData;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/**
 * The built-in demo domain: four AWS accounts in two projects, billed in USD, KRW and EUR, and one
 * Google Cloud billing account (two GCP projects, billed in JPY, with credits and tax) read from a
 * simulated Cloud Billing export in BigQuery.
 */
final class DemoDomain {
    /** The months with data: January to June 2026. */
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 6));

    /**
     * A demo service account.
     *
     * @param name its name
     * @param account the AWS account id
     * @param project its project
     */
    record Account(String name, String account, String project) {
    }

    /** The service accounts, in registration order; their AWS ids are the generated data's. */
    static final List<Account> ACCOUNTS = List.of(
            new Account("web-prod", "111111111111", "project-web"),
            new Account("web-staging", "222222222222", "project-web"),
            new Account("data-seoul", "333333333333", "project-data"),
            new Account("data-frankfurt", "444444444444", "project-data"));

    /** The Google Cloud service account: its name, billing account and project. */
    static final Account GCP = new Account("gcp-tokyo", "0A1B2C-3D4E5F-6A7B8C", "project-data");
    /** The GCP projects of the demo's billing account. */
    static final List<String> GCP_PROJECTS = List.of("data-tokyo-prod", "data-tokyo-dev");
    /** The service account of the demo's key. */
    static final String GCP_CLIENT_EMAIL = "billing-reader@billing-admin-project.iam.gserviceaccount.com";

    private DemoDomain() {
    }

    /** @return the demo's Google Cloud export rows, the same on every run */
    static List<BigQueryBillingExportSimulator.ExportRow> gcpRows() {
        return BigQueryBillingExportSimulator.sampleRows(2026, GCP.account(), "JPY", GCP_PROJECTS,
                LocalDate.of(2026, 1, 1), (int) PERIOD.days());
    }

    /** @return the demo's cost data, the same on every run */
    static SimulatorData data() {
        return SimulatorData.generator().seed(2026).accounts(ACCOUNTS.size()).currencies("USD", "USD", "KRW", "EUR")
                .days(LocalDate.of(2026, 1, 1), (int) PERIOD.days()).rowsPerDay(6).build();
    }
}
