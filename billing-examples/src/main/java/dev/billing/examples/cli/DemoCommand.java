package dev.billing.examples.cli;

import dev.billing.core.Billing;
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
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing demo}: the whole flow against a local simulator, with nothing to configure. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts the HyperBilling and Azure Cost Management simulators on free loopback ports with a"
                + " demo domain (4 AWS accounts and 1 Azure subscription, 2 projects, USD, KRW and EUR), registers the accounts through the public API and draws the"
                + " domain dashboard and each project's dashboard. No configuration, no network beyond loopback.",
                "With --serve, serves the web dashboard of the demo domain on 127.0.0.1 instead, prints its URL and"
                        + " runs until stopped (Ctrl-C)."})
final class DemoCommand implements Callable<Integer> {
    static final String PROVIDER = "hyperbilling-aws";
    static final String AZURE = "azure-cost-management";

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
             AzureCostManagementSimulator azure = DemoDomain.azure(azureSecret);
             Billing billing = Billing.builder()
                     .providerSettings(PROVIDER, Map.of("endpoint", simulator.endpoint()))
                     .providerSettings(AZURE, Map.of("endpoint", azure.endpoint(), "authority", azure.endpoint()))
                     .listener(serve ? FetchListener.NONE : new Progress(console.err(), console.terminal()))
                     .build()) {
            out.println("HyperBilling simulator running on " + simulator.endpoint());
            out.println("Azure Cost Management simulator running on " + azure.endpoint());
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
            billing.serviceAccounts().register(DemoDomain.AZURE_NAME, AZURE, Credentials.of(Map.of(
                    "tenantId", DemoDomain.AZURE_TENANT, "clientId", DemoDomain.AZURE_CLIENT, "clientSecret", azureSecret,
                    "scope", "/subscriptions/" + DemoDomain.AZURE_SUBSCRIPTION)), DemoDomain.AZURE_PROJECT);
            out.println("registered service account " + DemoDomain.AZURE_NAME + ": Azure subscription "
                    + DemoDomain.AZURE_SUBSCRIPTION + " (EUR), client " + DemoDomain.AZURE_CLIENT + ", " + DemoDomain.AZURE_PROJECT);
            out.println();
            if (serve) {
                DashboardServer.serve(console, billing.costs()::report, false, DemoDomain.PERIOD, port);
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
            out.println("Next: 'billing simulate --write-config demo.json' runs this simulator for your own app,"
                    + " and 'billing report --config demo.json --from 2026-01 --to 2026-07' reports from it.");
        }
        return BillingCli.OK;
    }
}
