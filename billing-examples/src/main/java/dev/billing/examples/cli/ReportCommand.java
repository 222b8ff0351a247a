package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Dimension;
import dev.billing.core.FetchListener;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProjectId;
import dev.billing.jdbc.JdbcCostStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing report}: fetches (or reads from the cost store), aggregates and prints a report. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Fetches every configured service account's costs and prints exact totals for the domain"
                + " and each project.",
                "With --from-store, answers from the cost store filled by 'billing sync' instead, without asking any"
                        + " provider: an account never synced is FAILED, one last synced longer ago than"
                        + " --stale-after is STALE (its costs included).", ""},
        footer = {"", "Formats:",
                "  table  for people; amounts rounded to the currency's digits (HALF_EVEN).",
                "  json   the format of docs/cli.md; every amount an exact decimal string.",
                "  csv    header period,project,currency,amount plus one column per --group-by dimension"
                        + " (project is always a column); one line per period, project, group-by values and"
                        + " currency with cost. Lines never overlap: the amounts of a currency add up to the"
                        + " domain total.",
                "", "With --currency CUR --rates FILE, json adds \"converted\" (totals and series in CUR) to the"
                        + " domain and each project and the top-level \"rates\" (every rate row used); the table adds the"
                        + " converted totals; csv is unchanged. A line item without a rate for its day is an error"
                        + " naming the pair and the day (exit 2).",
                "", "With --from-store, json adds \"asOf\" (the last sync time) to each synced service account;"
                        + " an account the store does not hold every month of the period for is PARTIAL, with"
                        + " \"missingMonths\" and the --months-back to sync with.",
                "", "Exit codes: 0 complete, 3 incomplete (some service accounts failed, or with --from-store were"
                        + " never synced (FAILED) or miss months (PARTIAL)), 2 bad usage or configuration (including"
                        + " a cost store that cannot be opened), 1 anything else."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Option(names = "--from", required = true, paramLabel = "START", converter = Args.Day.class,
            description = "First day, inclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
    private LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "END", converter = Args.Day.class,
            description = "End, exclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month"
                    + " (--from 2026-01 --to 2026-04 is January to March).")
    private LocalDate to;

    @Option(names = "--granularity", paramLabel = "G", converter = Args.GranularityArg.class,
            defaultValue = "MONTHLY", description = "DAILY, MONTHLY (default) or YEARLY.")
    private Granularity granularity;

    @Option(names = "--project", paramLabel = "P", description = "Report only this project.")
    private String project;

    @Option(names = "--group-by", paramLabel = "DIM", split = ",", converter = Args.DimensionArg.class,
            description = "Rows grouped by these dimensions (any case): provider, service, region, account,"
                    + " subAccount, serviceAccount, project, usageType, chargeCategory, or tag:KEY (the key"
                    + " case-sensitive; \"\" for line items without the tag).")
    private List<Dimension> groupBy = new ArrayList<>();

    @Option(names = "--filter", paramLabel = "DIM=V1,V2", converter = Args.FilterArg.class,
            description = "Only line items whose DIM (a --group-by dimension or tag:KEY) is one of the values count;"
                    + " values exact; DIM= selects line items without the tag. Repeatable.")
    private List<Args.Filter> filters = new ArrayList<>();

    @Mixin
    private MetricOption metric;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "table (default), json or csv.")
    private ReportWriter.Format format;

    @Option(names = "--from-store", description = "Answer from the cost store kept by 'billing sync' (see --store)"
            + " instead of asking the providers.")
    private boolean fromStore;

    @Mixin
    private StoreOption store;

    @Mixin
    private CurrencyOption currency;

    @Option(names = "--stale-after", paramLabel = "AGE", converter = Args.Age.class,
            description = "With --from-store: an account last synced longer ago is STALE. ISO-8601, such as PT24H"
                    + " (default) or P2D.")
    private Duration staleAfter;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        if (!to.isAfter(from)) {
            throw CliException.usage("--to " + to + " must be after --from " + from
                    + " (--to is exclusive: for one day D, use --from D --to D+1)");
        }
        if (groupBy.size() != groupBy.stream().distinct().count()) {
            throw CliException.usage("--group-by names a dimension twice: " + groupBy.stream().map(Dimension::key).toList());
        }
        if (!fromStore && (store.given() || staleAfter != null)) {
            throw CliException.usage((store.given() ? "--store" : "--stale-after")
                    + " reads the cost store: add --from-store");
        }
        BillingConfig cfg = Config.load(config, console.env());
        if (project != null) {
            checkProject(cfg);
        }
        CostQuery.Builder query = CostQuery.builder(BillingPeriod.of(from, to)).granularity(granularity)
                .metric(metric.metric());
        filters.forEach(f -> query.filter(f.dimension(), f.values().toArray(String[]::new)));
        if (project != null) {
            query.project(project);
        }
        currency.conversion().ifPresent(c -> query.convertTo(c.currency(), c.rates()));
        List<Dimension> csvColumns = groupBy.stream().filter(d -> d != Dimension.PROJECT).toList();
        if (format == ReportWriter.Format.csv) {
            List<Dimension> dims = new ArrayList<>(List.of(Dimension.PROJECT));
            dims.addAll(csvColumns);
            query.groupBy(dims.toArray(Dimension[]::new));
        } else {
            query.groupBy(groupBy.toArray(Dimension[]::new));
        }
        CostReport report = currency.converting(() -> fromStore ? fromStore(cfg, query.build()) : live(cfg, query.build()));
        switch (format) {
            case json -> ReportWriter.json(report, fromStore, console.out());
            case csv -> ReportWriter.csv(report, csvColumns, console.out());
            case table -> ReportWriter.table(report, fromStore, console.out());
        }
        return report.isComplete() ? BillingCli.OK : BillingCli.INCOMPLETE;
    }

    private CostReport live(BillingConfig cfg, CostQuery query) {
        BillingCli.Console console = parent.console();
        try (Billing billing = Session.open(cfg, new Progress(console.err(), console.terminal()), console.err())) {
            return billing.costs().report(query);
        }
    }

    private CostReport fromStore(BillingConfig cfg, CostQuery query) {
        BillingCli.Console console = parent.console();
        CostReport report;
        try (Billing billing = Session.open(cfg, FetchListener.NONE, console.err());
             JdbcCostStore costs = store.open(false, cfg, console.env())) {
            CostSync.Builder sync = CostSync.builder(billing).store(costs);
            if (staleAfter != null) {
                sync.staleAfter(staleAfter);
            }
            report = SyncHints.add(sync.build().report(query), Clock.systemUTC());
        }
        report.coverage().stream().filter(c -> c.code() == CoverageStatus.STALE).forEach(c ->
                console.err().println("warning: " + c.name() + " was last synced " + c.asOf() + ", longer ago than"
                        + " --stale-after allows; run 'billing sync'"));
        return report;
    }

    private void checkProject(BillingConfig cfg) {
        try {
            ProjectId.of(project);
        } catch (InvalidRequestException e) {
            throw CliException.usage("--project: " + e.getMessage());
        }
        List<String> projects = cfg.serviceAccounts().stream().map(BillingConfig.Account::project).distinct().sorted().toList();
        if (!projects.contains(project)) {
            throw CliException.usage("--project " + project + ": no service account in " + cfg.file()
                    + " belongs to it; configured projects: " + String.join(", ", projects));
        }
    }
}
