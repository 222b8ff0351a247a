package dev.billing.examples.cli;

import dev.billing.core.Billing;
import dev.billing.core.Budget;
import dev.billing.core.BudgetEvaluator;
import dev.billing.core.BudgetStatus;
import dev.billing.core.ConvertedCosts;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.FetchListener;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.spi.BillingProvider;
import dev.billing.dashboard.DashboardHandler;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.PrintWriter;
import java.time.YearMonth;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing demo}: the whole flow against a local simulator, with nothing to configure. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts the HyperBilling, AWS Cost Explorer, Azure Cost Management and Google Cloud Billing"
                + " export (BigQuery) simulators on free loopback ports with a demo domain (4 HyperBilling accounts in"
                + " USD, KRW and EUR, 1 AWS Cost Explorer organisation in USD, 1 Azure subscription in EUR, 1 Google"
                + " Cloud billing account in JPY, 2 projects), registers the accounts through the public API and draws"
                + " the domain dashboard and each project's dashboard. No configuration, no network beyond loopback.",
                "With --serve, serves the web dashboard of the demo domain on 127.0.0.1 instead, prints its URL and"
                        + " runs until stopped (Ctrl-C)."})
final class DemoCommand implements Callable<Integer> {
    static final String PROVIDER = "hyperbilling-aws";
    static final String AWS_PROVIDER = "aws-cost-explorer";
    static final String AZURE = "azure-cost-management";
    static final String GCP_PROVIDER = "gcp-billing-export";

    @ParentCommand
    private BillingCli parent;

    @Option(names = "--serve", description = "Serve the web dashboard of the demo domain until stopped, instead of"
            + " drawing it in the terminal.")
    private boolean serve;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "With --serve: the dashboard's port on 127.0.0.1; 0 (default) picks a free one.")
    private int port;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        PrintWriter out = console.out();
        if (!serve && port != 0) {
            throw CliException.usage("--port is the dashboard's port: add --serve");
        }
        DashboardServer.checkPort(port);
        SimulatorData data = DemoDomain.data();
        String azureSecret = DemoDomain.azureSecret();
        try (HyperBillingSimulator simulator = HyperBillingSimulator.start(data);
             AwsCostExplorerSimulator aws = AwsCostExplorerSimulator.builder()
                     .account(DemoDomain.AWS.account(), DemoDomain.AWS_KEY_ID, DemoDomain.AWS_SECRET)
                     .rows(DemoDomain.awsRows()).start();
             AzureCostManagementSimulator azure = DemoDomain.azure(azureSecret);
             BigQueryBillingExportSimulator bigQuery = BigQueryBillingExportSimulator.builder()
                     .rows(DemoDomain.gcpRows()).pageSize(500).pendingPolls(1).start();
             Billing billing = Billing.builder()
                     .providerSettings(PROVIDER, Map.of("endpoint", simulator.endpoint()))
                     .providerSettings(AWS_PROVIDER, Map.of("endpoint", aws.endpoint()))
                     .providerSettings(AZURE, Map.of("endpoint", azure.endpoint(), "authority", azure.endpoint()))
                     .providerSettings(GCP_PROVIDER, Map.of("endpoint", bigQuery.endpoint()))
                     .listener(serve ? FetchListener.NONE : new Progress(console.err(), console.terminal()))
                     .build()) {
            out.println("HyperBilling simulator running on " + simulator.endpoint());
            out.println("AWS Cost Explorer simulator running on " + aws.endpoint());
            out.println("Azure Cost Management simulator running on " + azure.endpoint());
            out.println("BigQuery (Cloud Billing export) simulator running on " + bigQuery.endpoint());
            for (BillingProvider p : billing.providers().list()) {
                out.println("provider enabled: " + p.id().value() + " (" + p.displayName() + ")");
            }
            for (DemoDomain.Account a : DemoDomain.ACCOUNTS) {
                SimulatorData.ApiUser user = data.userFor(a.account()).orElseThrow();
                billing.serviceAccounts().register(a.name(), PROVIDER, Credentials.of(Map.of(
                        "account", a.account(), "email", user.email(), "key", user.key())), a.project());
                out.println("registered service account " + a.name() + ": AWS account " + a.account() + " ("
                        + data.currency(a.account()).getCurrencyCode() + "), " + user.email() + ", " + a.project());
            }
            billing.serviceAccounts().register(DemoDomain.AWS.name(), AWS_PROVIDER, Credentials.of(Map.of(
                    "accessKeyId", DemoDomain.AWS_KEY_ID, "secretAccessKey", DemoDomain.AWS_SECRET)), DemoDomain.AWS.project());
            out.println("registered service account " + DemoDomain.AWS.name() + ": AWS Cost Explorer, payer "
                    + DemoDomain.AWS.account() + " with linked accounts " + String.join(", ", DemoDomain.AWS_LINKED)
                    + " (USD), " + DemoDomain.AWS.project());
            DemoDomain.Account gcp = DemoDomain.GCP;
            billing.serviceAccounts().register(gcp.name(), GCP_PROVIDER, Credentials.of(Map.of(
                    "serviceAccountKey", bigQuery.serviceAccountKey(DemoDomain.GCP_CLIENT_EMAIL),
                    "table", bigQuery.table(), "billingAccountId", gcp.account())), gcp.project());
            out.println("registered service account " + gcp.name() + ": Google Cloud billing account " + gcp.account()
                    + " (JPY), projects " + String.join(", ", DemoDomain.GCP_PROJECTS) + ", table " + bigQuery.table()
                    + ", " + gcp.project());
            billing.serviceAccounts().register(DemoDomain.AZURE_NAME, AZURE, Credentials.of(Map.of(
                    "tenantId", DemoDomain.AZURE_TENANT, "clientId", DemoDomain.AZURE_CLIENT, "clientSecret", azureSecret,
                    "scope", "/subscriptions/" + DemoDomain.AZURE_SUBSCRIPTION)), DemoDomain.AZURE_PROJECT);
            out.println("registered service account " + DemoDomain.AZURE_NAME + ": Azure subscription "
                    + DemoDomain.AZURE_SUBSCRIPTION + " (EUR), client " + DemoDomain.AZURE_CLIENT + ", " + DemoDomain.AZURE_PROJECT);
            out.println();
            if (serve) {
                DashboardServer.serve(console, DashboardHandler.builder(billing.costs()::report)
                        .defaultPeriod(DemoDomain.PERIOD), port);
                return BillingCli.OK;
            }
            CostReport report = billing.costs().report(CostQuery.builder(DemoDomain.PERIOD)
                    .granularity(Granularity.MONTHLY).groupBy(Dimension.PROJECT, Dimension.SERVICE).build());
            Dashboard.draw("Domain: " + DemoDomain.PERIOD.start() + " to " + DemoDomain.PERIOD.end() + " (end exclusive), "
                    + report.coverage().size() + " service accounts", report.domain(), report.rows(), false, out);
            for (Map.Entry<ProjectId, CostSummary> p : report.projects().entrySet()) {
                List<CostRow> rows = report.rows().stream()
                        .filter(r -> r.keys().get(Dimension.PROJECT).equals(p.getKey().value())).toList();
                Dashboard.draw("Project " + p.getKey().value(), p.getValue(), rows, true, out);
            }
            if (!report.isComplete()) {
                ReportWriter.table(report, false, out);
                return BillingCli.INCOMPLETE;
            }
            converted(billing, out);
            out.println("Next: 'billing simulate --write-config demo.json' runs this simulator for your own app,"
                    + " and 'billing report --config demo.json --from 2026-01 --to 2026-07' reports from it.");
        }
        return BillingCli.OK;
    }

    /** Prints the domain total converted into USD with the rates used, and the demo budget for the last month. */
    private static void converted(Billing billing, PrintWriter out) {
        CostReport usd = billing.costs().report(CostQuery.builder(DemoDomain.PERIOD)
                .convertTo(Currency.getInstance("USD"), DemoDomain.RATES_TO_USD).build());
        ConvertedCosts c = usd.converted().orElseThrow();
        out.println("=== Domain total in USD: " + c.total().format() + " ===");
        out.println("  each line item converted at the rate for its own day (the exact products summed, rounded here"
                + " for display); rates used:");
        ReportWriter.Table rates = new ReportWriter.Table(false);
        c.rates().forEach(r -> rates.add(r.date().toString(), r.from() + " -> " + r.to(), r.rate().toPlainString()));
        rates.print(out);
        out.println();
        YearMonth last = YearMonth.from(DemoDomain.PERIOD.end().minusDays(1));
        BudgetStatus web = BudgetEvaluator.builder().rates(DemoDomain.RATES_TO_USD).build()
                .evaluate(List.of(DemoDomain.WEB_BUDGET), last, billing.costs()::report).budgets().get(0);
        out.println("=== Budget " + web.budget().name() + " (" + web.budget().scope() + "), " + last + " ===");
        out.println("  spent " + web.spent().format() + " of " + web.budget().amount().format() + " (" + web.percent()
                + " %), forecast " + web.forecast().format() + "; crossed: " + (web.crossed().isEmpty() ? "none"
                : String.join(", ", web.crossed().stream().map(Budget.Threshold::toString).toList())));
        out.println();
    }
}
