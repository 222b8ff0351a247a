package dev.billing.examples.cli;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProjectId;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing report}: fetches, aggregates and prints a report. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Fetches every configured service account's costs and prints exact totals for the domain"
                + " and each project.", ""},
        footer = {"", "Formats:",
                "  table  for people; amounts rounded to the currency's digits (HALF_EVEN).",
                "  json   the cli.md contract; every amount an exact decimal string.",
                "  csv    header period,project,currency,amount plus one column per --group-by dimension"
                        + " (project is always a column); one line per period, project, group-by values and"
                        + " currency with cost. Lines never overlap: the amounts of a currency add up to the"
                        + " domain total.",
                "", "Exit codes: 0 complete, 3 incomplete (some service accounts failed; listed with status"
                        + " FAILED), 2 bad usage or configuration, 1 anything else."})
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
            description = "Rows grouped by these dimensions: provider, service, region, account, serviceAccount,"
                    + " project, usageType, chargeCategory.")
    private List<Dimension> groupBy = new ArrayList<>();

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "table (default), json or csv.")
    private ReportWriter.Format format;

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
        Config cfg = Config.load(config, console.env());
        if (project != null) {
            checkProject(cfg);
        }
        CostQuery.Builder query = CostQuery.builder(BillingPeriod.of(from, to)).granularity(granularity);
        if (project != null) {
            query.project(project);
        }
        List<Dimension> csvColumns = groupBy.stream().filter(d -> d != Dimension.PROJECT).toList();
        if (format == ReportWriter.Format.csv) {
            List<Dimension> dims = new ArrayList<>(List.of(Dimension.PROJECT));
            dims.addAll(csvColumns);
            query.groupBy(dims.toArray(Dimension[]::new));
        } else {
            query.groupBy(groupBy.toArray(Dimension[]::new));
        }
        CostReport report;
        try (Billing billing = Session.open(cfg, new Progress(console.err(), console.terminal()), console.err())) {
            report = billing.costs().report(query.build());
        }
        switch (format) {
            case json -> ReportWriter.json(report, console.out());
            case csv -> ReportWriter.csv(report, csvColumns, console.out());
            case table -> ReportWriter.table(report, console.out());
        }
        return report.isComplete() ? BillingCli.OK : BillingCli.INCOMPLETE;
    }

    private void checkProject(Config cfg) {
        try {
            ProjectId.of(project);
        } catch (InvalidRequestException e) {
            throw CliException.usage("--project: " + e.getMessage());
        }
        List<String> projects = cfg.serviceAccounts().stream().map(Config.Account::project).distinct().sorted().toList();
        if (!projects.contains(project)) {
            throw CliException.usage("--project " + project + ": no service account in " + cfg.file()
                    + " belongs to it; configured projects: " + String.join(", ", projects));
        }
    }
}
