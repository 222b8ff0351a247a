package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.Anomaly;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.AnomalyReport;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostSync;
import dev.billing.core.FetchListener;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.dashboard.AnomalyJson;
import dev.billing.jdbc.JdbcCostStore;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing anomalies}: the days whose cost rose far above their series' 14-day median, with drivers. */
@Command(name = "anomalies", mixinStandardHelpOptions = true,
        description = {"Finds the days of [--from, --to) whose cost rose far above their own recent level, per"
                + " project and per (project, service), per currency, and names the dimension values that drove"
                + " each rise. Reads DAILY costs from 14 days before --from.",
                "Day D is an anomaly when cost - baseline is greater than sensitivity x spread, than the"
                        + " currency's minimumIncrease and, when the baseline is not 0, than minimumPercent %% of"
                        + " the baseline; baseline = the median of the 14 days before D (a day without cost"
                        + " counts 0), spread = 1.4826 x the median of their absolute deviations from it. A"
                        + " series is judged from the 14th day after its first cost. Exact: nothing is rounded.",
                "Settings in the configuration file: \"anomalies\": {\"sensitivity\": \"3\", \"minimumPercent\":"
                        + " \"20\", \"minimumIncrease\": {\"USD\": \"10\"}, \"tagKeys\": [\"team\"]} (all"
                        + " optional; these are the defaults but for minimumIncrease, 0, and tagKeys, none).",
                "Each anomaly found for the first time prints an 'alert:' line on stderr; with --from-store the"
                        + " cost store remembers it, so it alerts once per series and day, even once restated.", ""},
        footer = {"", "Formats: table (amounts rounded to the currency's digits) or json (docs/cli.md; exact"
                + " decimal strings).",
                "", "Exit codes: 5 an anomaly was found (data complete), 3 some service accounts failed (or, with"
                        + " --from-store, were never synced or miss months of the period or the 14 days before),"
                        + " 0 no anomaly, 2 bad usage or configuration, 1 anything else."})
final class AnomaliesCommand implements Callable<Integer> {
    /** An anomaly was found in the period, and the data is complete. */
    static final int ANOMALY = 5;

    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Option(names = "--from", required = true, paramLabel = "START", converter = Args.Day.class,
            description = "First day judged, inclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
    private LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "END", converter = Args.Day.class,
            description = "End, exclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
    private LocalDate to;

    @Mixin
    private MetricOption metricOption;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table (default) or json.")
    private Format format;

    @Option(names = "--from-store", description = "Answer from the cost store kept by 'billing sync' (see --store)"
            + " instead of asking the providers; alerts are remembered in it.")
    private boolean fromStore;

    @Mixin
    private StoreOption store;

    /** The output formats. */
    enum Format {
        table, json
    }

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        if (!to.isAfter(from)) {
            throw CliException.usage("--to " + to + " must be after --from " + from
                    + " (--to is exclusive: for one day D, use --from D --to D+1)");
        }
        if (!fromStore && store.given()) {
            throw CliException.usage("--store reads the cost store: add --from-store");
        }
        Metric metric = metricOption.metric();
        BillingConfig cfg = Config.load(config, console.env());
        BillingPeriod period = BillingPeriod.of(from, to);
        AnomalyDetector.Builder detector = AnomalyDetector.builder().settings(cfg.anomalies()).metric(metric).listener(a ->
                console.err().println("alert: anomaly on " + a.day() + " in " + a.series() + ": "
                        + money(a.cost(), a.series().currency()) + " against a baseline of "
                        + money(a.baseline(), a.series().currency())));
        AnomalyReport report;
        try (Billing billing = Session.open(cfg, fromStore ? FetchListener.NONE
                : new Progress(console.err(), console.terminal()), console.err());
             JdbcCostStore costs = fromStore ? store.open(false, true, cfg, console.env()) : null) {
            if (costs != null) {
                detector.alerts(costs.alerts());
            }
            report = build(detector, cfg).detect(period, fromStore ? CostSync.builder(billing).store(costs).build()::report
                    : billing.costs()::report);
        }
        report.coverage().stream().filter(c -> c.error() != null).forEach(c ->
                console.err().println("warning: " + c.name() + ": " + BillingCli.oneLine(c.error())));
        if (format == Format.json) {
            AnomalyJson.write(report, metric.key(), fromStore, console.out());
            console.out().println();
        } else {
            table(report, metric, console.out());
        }
        return !report.isComplete() ? BillingCli.INCOMPLETE : report.anomalies().isEmpty() ? BillingCli.OK : ANOMALY;
    }

    /** @throws CliException (exit 2) naming the file when a setting cannot be used, such as a tag key */
    private static AnomalyDetector build(AnomalyDetector.Builder detector, BillingConfig cfg) {
        try {
            return detector.build();
        } catch (InvalidRequestException e) {
            throw CliException.usage(cfg.file() + ": anomalies: " + e.getMessage());
        }
    }

    private static String money(BigDecimal amount, Currency currency) {
        return Money.of(amount, currency).format();
    }

    private static void table(AnomalyReport report, Metric metric, PrintWriter out) {
        out.println("Anomalies from " + report.period().start() + " to " + report.period().end().minusDays(1) + " ("
                + metric.key() + "), " + (report.isComplete() ? "complete"
                : "INCOMPLETE: some service accounts did not contribute (see the warnings)"));
        if (report.anomalies().isEmpty()) {
            out.println("No anomaly.");
            return;
        }
        ReportWriter.Table t = new ReportWriter.Table(false);
        t.add("DAY", "PROJECT", "SERVICE", "COST", "BASELINE", "SPREAD", "DRIVERS");
        for (Anomaly a : report.anomalies()) {
            Currency c = a.series().currency();
            List<String> drivers = a.drivers().stream().map(d -> d.dimension().key() + " " + d.value() + " "
                    + money(d.cost(), c) + " (baseline " + money(d.baseline(), c) + ")").toList();
            t.add(a.day().toString(), a.series().project().value(), a.series().serviceName().orElse("-"),
                    money(a.cost(), c), money(a.baseline(), c), money(a.spread(), c),
                    drivers.isEmpty() ? "-" : String.join("; ", drivers));
        }
        t.print(out);
    }
}
