package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostSync;
import dev.billing.core.FetchListener;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Metric;
import dev.billing.core.SyncSummary;
import dev.billing.dashboard.DashboardHandler;
import dev.billing.dashboard.LiveReports;
import dev.billing.dashboard.ReportSource;
import dev.billing.jdbc.JdbcCostStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private MetricOption metric;

    @Mixin
    private StoreOption store;

    @Mixin
    private CurrencyOption currency;

    @Option(names = "--sync-every", paramLabel = "DURATION", converter = Args.Age.class,
            description = "With --from-store: sync every service account into the cost store (as 'billing sync'"
                    + " does, creating the store when missing) when starting, then every DURATION (ISO-8601, such as"
                    + " PT1H), in this process: one process serves and keeps the store fresh. Each sync prints one"
                    + " line on stderr.")
    private Duration syncEvery;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "The port on 127.0.0.1 (default 8080); 0 picks a free one.")
    private int port;

    @Option(names = "--deadline", paramLabel = "D", defaultValue = "PT10S", converter = Args.Deadline.class,
            description = "Live: how long a page waits for the providers (default PT10S); accounts that have not"
                    + " answered by then are shown as pending while their fetches go on to fill a cache.")
    private Duration deadline;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        DashboardServer.checkPort(port);
        if (!fromStore && store.given()) {
            throw CliException.usage("--store reads the cost store: add --from-store");
        }
        if (syncEvery != null && (!fromStore || syncEvery.isZero())) {
            throw CliException.usage("--sync-every " + syncEvery + (fromStore ? ": give a positive duration such as"
                    + " PT1H" : " keeps the cost store fresh: add --from-store"));
        }
        Optional<CostQuery.Conversion> conversion = currency.conversion();
        Metric m = metric.metric();
        BillingConfig cfg = Config.load(config, console.env());
        ScheduledExecutorService syncs = null;
        try (Billing billing = Session.open(cfg, FetchListener.NONE, console.err());
             JdbcCostStore costs = fromStore ? store.open(syncEvery != null, syncEvery != null, cfg, console.env()) : null) {
            CostSync sync = fromStore ? CostSync.builder(billing).store(costs).build() : null;
            if (syncEvery != null) {
                String where = store.where(cfg);
                sync(sync, where, console);
                syncs = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "billing-serve-sync");
                    t.setDaemon(true);
                    return t;
                });
                syncs.scheduleWithFixedDelay(() -> sync(sync, where, console), syncEvery.toMillis(),
                        syncEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
            ReportSource fetch = fromStore ? fromStore(sync)
                    : LiveReports.builder(billing).deadline(deadline).build();
            ReportSource read = q -> fetch.report(q.toBuilder().metric(m).build());
            ReportSource source = conversion.map(c -> (ReportSource) q -> read.report(
                    q.toBuilder().convertTo(c.currency(), c.rates()).build())).orElse(read);
            DashboardServer.serve(console, DashboardHandler.builder(source).fromStore(fromStore)
                    .anomalies(anomalies(cfg, m), read), port);
        } finally {
            if (syncs != null) {
                syncs.shutdownNow();
            }
        }
        return BillingCli.OK;
    }

    /** One sync of every account into the store; a failure is printed, and the next sync tries again. */
    private static void sync(CostSync sync, String where, BillingCli.Console console) {
        try {
            SyncSummary s = sync.sync();
            long failed = s.accounts().stream().filter(a -> !a.succeeded()).count();
            console.err().println("synced " + s.accounts().size() + " service accounts into " + where + " at "
                    + s.startedAt().truncatedTo(ChronoUnit.SECONDS) + ": " + s.records() + " line items, "
                    + (failed == 0 ? "complete" : "INCOMPLETE: " + failed + " failed (see 'billing sync')"));
        } catch (RuntimeException e) {
            console.err().println("warning: sync into " + where + " failed, the store keeps its data: "
                    + BillingCli.oneLine(e.getMessage()));
        }
        console.err().flush();
    }

    private static ReportSource fromStore(CostSync sync) {
        return query -> SyncHints.add(sync.report(query), Clock.systemUTC());
    }

    private static AnomalyDetector anomalies(BillingConfig cfg, Metric metric) {
        try {
            return AnomalyDetector.builder().settings(cfg.anomalies()).metric(metric).build();
        } catch (InvalidRequestException e) {
            throw CliException.usage(cfg.file() + ": anomalies: " + e.getMessage());
        }
    }
}
