package dev.billing.examples.cli;

import dev.billing.core.AnomalyDetector;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostSync;
import dev.billing.core.FetchListener;
import dev.billing.core.InvalidRequestException;
import dev.billing.dashboard.DashboardHandler;
import dev.billing.dashboard.ReportSource;
import dev.billing.jdbc.JdbcCostStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing serve}: the web dashboard on 127.0.0.1. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the web dashboard on 127.0.0.1 until stopped (Ctrl-C): the domain dashboard at /,"
                + " each project's at /projects/{project}, and the report JSON (as 'billing report --format json')"
                + " at /api/report.",
                "Every page takes ?from=&to=&granularity= (YYYY-MM-DD or YYYY-MM; to exclusive; DAILY, MONTHLY or"
                        + " YEARLY); by default the five whole months before the current one and the current month,"
                        + " MONTHLY. /api/report also takes project and groupBy (such as service,region).",
                "Each chart marks the periods holding an anomaly (see 'billing anomalies'; settings under"
                        + " \"anomalies\" in the configuration) and each page lists its anomalies with their"
                        + " drivers.",
                "Each page load asks the providers (or, with --from-store, the cost store kept by 'billing sync').",
                ""},
        footer = {"", "Exit codes: 0 stopped, 2 bad usage or configuration (including a port in use), 1 anything"
                + " else."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Option(names = "--from-store", description = "Answer from the cost store kept by 'billing sync' (see --store)"
            + " instead of asking the providers.")
    private boolean fromStore;

    @Mixin
    private StoreOption store;

    @Mixin
    private CurrencyOption currency;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "The port on 127.0.0.1 (default 8080); 0 picks a free one.")
    private int port;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        DashboardServer.checkPort(port);
        if (!fromStore && store.given()) {
            throw CliException.usage("--store reads the cost store: add --from-store");
        }
        Optional<CostQuery.Conversion> conversion = currency.conversion();
        Config cfg = Config.load(config, console.env());
        try (Billing billing = Session.open(cfg, FetchListener.NONE, console.err());
             JdbcCostStore costs = fromStore ? store.open(false) : null) {
            ReportSource read = fromStore ? fromStore(CostSync.builder(billing).store(costs).build())
                    : billing.costs()::report;
            ReportSource source = conversion.map(c -> (ReportSource) q -> read.report(
                    q.toBuilder().convertTo(c.currency(), c.rates()).build())).orElse(read);
            DashboardServer.serve(console, DashboardHandler.builder(source).fromStore(fromStore)
                    .anomalies(anomalies(cfg), read), port);
        }
        return BillingCli.OK;
    }

    private static ReportSource fromStore(CostSync sync) {
        return query -> SyncHints.add(sync.report(query), Clock.systemUTC());
    }

    private static AnomalyDetector anomalies(Config cfg) {
        try {
            return AnomalyDetector.builder().settings(cfg.anomalies()).build();
        } catch (InvalidRequestException e) {
            throw CliException.usage(cfg.file() + ": anomalies: " + e.getMessage());
        }
    }
}
