package dev.billing.examples.cli;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Budget;
import dev.billing.core.ExchangeRate;
import dev.billing.core.ExchangeRates;
import dev.billing.core.Money;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The built-in demo domain: four AWS accounts read through HyperBilling (USD, KRW, EUR), one AWS organisation read
 * from AWS Cost Explorer (USD), one Azure subscription (EUR) and one Google Cloud billing account (two GCP projects,
 * JPY, with credits and tax) read from a simulated Cloud Billing export in BigQuery, in two projects.
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

    /**
     * The demo's AWS Cost Explorer account: an organisation's payer account read directly from AWS (served by the
     * testkit's Cost Explorer simulator), with two linked accounts, in project-data.
     */
    static final Account AWS = new Account("aws-org", "555555555555", "project-data");
    /** The access key id of {@link #AWS} (the simulator's; not a real key). */
    static final String AWS_KEY_ID = "AKIADEMOPAYER0000001";
    /** The secret key of {@link #AWS} (the simulator's; not a real key). */
    static final String AWS_SECRET = "demo/Secret/K7MDENGbPxRfiCYEXAMPLEKEY";
    /** The linked accounts of {@link #AWS}. */
    static final List<String> AWS_LINKED = List.of("555555555555", "666666666666");
    /** The Google Cloud service account: its name, billing account and project. */
    static final Account GCP = new Account("gcp-tokyo", "0A1B2C-3D4E5F-6A7B8C", "project-data");
    /** The GCP projects of the demo's billing account. */
    static final List<String> GCP_PROJECTS = List.of("data-tokyo-prod", "data-tokyo-dev");
    /** The service account of the demo's key. */
    static final String GCP_CLIENT_EMAIL = "billing-reader@billing-admin-project.iam.gserviceaccount.com";
    /** The Azure service account of the demo: its name, project, and the app registration it reads with. */
    static final String AZURE_NAME = "data-azure";
    static final String AZURE_PROJECT = "project-data";
    static final String AZURE_TENANT = "demo.onmicrosoft.com";
    static final String AZURE_CLIENT = "0de30de3-0000-4000-8000-000000000001";
    static final String AZURE_SUBSCRIPTION = "5ab5c71d-0000-4000-8000-00000000e0a1";

    /**
     * The demo's exchange rates into USD, as a host would load them from its central bank's reference rates (these
     * are made up for the demo): each pair changes once, on April 1st.
     */
    static final ExchangeRates RATES_TO_USD = ExchangeRates.of(
            ExchangeRate.of("KRW", "USD", LocalDate.of(2026, 1, 1), "0.000752"),
            ExchangeRate.of("KRW", "USD", LocalDate.of(2026, 4, 1), "0.000731"),
            ExchangeRate.of("EUR", "USD", LocalDate.of(2026, 1, 1), "1.0865"),
            ExchangeRate.of("EUR", "USD", LocalDate.of(2026, 4, 1), "1.1012"),
            ExchangeRate.of("JPY", "USD", LocalDate.of(2026, 1, 1), "0.00671"),
            ExchangeRate.of("JPY", "USD", LocalDate.of(2026, 4, 1), "0.00655"));

    /** The demo's budget: project-web's monthly limit in USD, its KRW costs converted with {@link #RATES_TO_USD}. */
    static final Budget WEB_BUDGET = new Budget("web-monthly", Budget.Scope.project("project-web"),
            Money.of("200000", "USD"), Budget.Period.MONTHLY,
            List.of(Budget.Threshold.actual(80), Budget.Threshold.forecast(100)));

    private DemoDomain() {
    }

    /** @return the Cost Explorer rows of {@link #AWS}: daily usage, a monthly credit and tax, the same on every run */
    static List<AwsCostExplorerSimulator.Row> awsRows() {
        SplittableRandom random = new SplittableRandom(2026);
        String[] services = {"Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "Amazon Relational Database Service"};
        String[] regions = {"us-east-1", "us-west-2"};
        List<AwsCostExplorerSimulator.Row> rows = new ArrayList<>();
        for (LocalDate d = PERIOD.start(); d.isBefore(PERIOD.end()); d = d.plusDays(1)) {
            for (String linked : AWS_LINKED) {
                rows.add(new AwsCostExplorerSimulator.Row(AWS.account(), d, linked, services[random.nextInt(services.length)],
                        regions[random.nextInt(regions.length)], "Usage", "USD",
                        BigDecimal.valueOf(random.nextLong(100_000, 9_000_000), 4)));
                if (d.getDayOfMonth() == 1) {
                    rows.add(new AwsCostExplorerSimulator.Row(AWS.account(), d, linked, "Tax", "global", "Tax", "USD",
                            BigDecimal.valueOf(random.nextLong(1_000, 90_000), 2)));
                    rows.add(new AwsCostExplorerSimulator.Row(AWS.account(), d, linked, services[0], "us-east-1", "Credit", "USD",
                            BigDecimal.valueOf(-random.nextLong(1_000, 50_000), 2)));
                }
            }
        }
        return rows;
    }

    /** @return the demo's Google Cloud export rows, the same on every run */
    static List<BigQueryBillingExportSimulator.ExportRow> gcpRows() {
        return BigQueryBillingExportSimulator.sampleRows(2026, GCP.account(), "JPY", GCP_PROJECTS,
                LocalDate.of(2026, 1, 1), (int) PERIOD.days());
    }

    /**
     * @param clientSecret the app registration's secret (made up per run)
     * @return a started Azure simulator serving the demo subscription's costs, in EUR
     */
    static AzureCostManagementSimulator azure(String clientSecret) {
        SplittableRandom random = new SplittableRandom(2026);
        String[] services = {"Virtual Machines", "Storage", "Azure SQL Database", "Bandwidth"};
        String[] locations = {"westeurope", "northeurope"};
        List<AzureCostManagementSimulator.Row> rows = new ArrayList<>();
        for (LocalDate d = PERIOD.start(); d.isBefore(PERIOD.end()); d = d.plusDays(1)) {
            for (String service : services) {
                rows.add(AzureCostManagementSimulator.Row.of(AZURE_SUBSCRIPTION, d, service,
                        locations[random.nextInt(locations.length)], "EUR", BigDecimal.valueOf(random.nextLong(10_000, 4_000_000), 6)));
            }
        }
        return AzureCostManagementSimulator.builder().principal(AZURE_TENANT, AZURE_CLIENT, clientSecret).rows(rows)
                .pageSize(200).start();
    }

    /** @return a made-up client secret for one demo run */
    static String azureSecret() {
        return "demo~" + UUID.randomUUID();
    }

    /**
     * An API user of the demo's HyperBilling, and the environment variable {@code simulate --write-config} has the
     * configuration read its key from.
     *
     * @param email its {@code X-Client-Id}
     * @param env the variable holding its key
     * @param accounts the AWS accounts it reads
     */
    record User(String email, String env, Set<String> accounts) {
    }

    /**
     * The API users, the first one reading an account being the one the demo registers it with. They are the
     * README quick start's ({@code QuickStart}: web-prod = 111111111111 read by ops@example.com with the key in
     * HB_KEY_WEB, data-prod = 222222222222 read by data@example.com with HB_KEY_DATA), so that it runs against
     * {@code billing simulate}; hence data@example.com also reads 222222222222, which the demo puts in project-web.
     */
    static final List<User> USERS = List.of(
            new User("ops@example.com", "HB_KEY_WEB", Set.of("111111111111", "222222222222")),
            new User("data@example.com", "HB_KEY_DATA", Set.of("222222222222", "333333333333", "444444444444")));

    /** @return the demo's cost data for {@link #PERIOD}, the same on every run */
    static SimulatorData data() {
        return data(PERIOD.end());
    }

    /**
     * @param end the day after the last day with data (at least {@link #PERIOD}'s end)
     * @return the demo's cost data from {@link #PERIOD}'s start to {@code end}, the same on every run for one end
     */
    static SimulatorData data(LocalDate end) {
        int days = (int) ChronoUnit.DAYS.between(PERIOD.start(), end);
        SimulatorData generated = SimulatorData.generator().seed(2026).accounts(ACCOUNTS.size())
                .currencies("USD", "USD", "KRW", "EUR").days(PERIOD.start(), Math.max(days, (int) PERIOD.days()))
                .rowsPerDay(6).build();
        Map<String, String> currencies = new LinkedHashMap<>();
        generated.accounts().forEach(a -> currencies.put(a, generated.currency(a).getCurrencyCode()));
        SplittableRandom keys = new SplittableRandom(2026);
        return SimulatorData.of(currencies, USERS.stream().map(u -> new SimulatorData.ApiUser(u.email(),
                "key-" + Long.toHexString(keys.nextLong()), u.accounts())).toList(), generated.rows());
    }
}
