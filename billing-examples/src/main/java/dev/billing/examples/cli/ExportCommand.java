package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.AccountCoverage;
import dev.billing.core.AllocatedLineItems;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostSync;
import dev.billing.core.CoverageStatus;
import dev.billing.core.FetchListener;
import dev.billing.core.Granularity;
import dev.billing.core.spi.BillingProvider;
import dev.billing.focus.FocusOrigin;
import dev.billing.focus.FocusWriter;
import dev.billing.jdbc.JdbcCostStore;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing export}: every line item of a period as FOCUS 1.2 CSV, fetched live or read from the cost store. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes every line item of the period as FOCUS 1.2 CSV (the FinOps Foundation's Open Cost and"
                + " Usage Specification): one row per line item and day, the Mandatory FOCUS columns in the"
                + " specification's order, then RegionId, SubAccountId, Tags, x_Project, x_ServiceAccount,"
                + " x_FilledFromBilledCost, x_AllocationSplit and x_AllocationSourceProject.",
                "The configuration's \"allocation\" applies (unless --no-allocation): x_Project is the allocated"
                        + " project, and a line item a split divides becomes one row per target, carrying the"
                        + " target's exact share and naming the split and its source project.",
                "Live, the providers are asked; with --from-store, the cost store filled by 'billing sync' is read"
                        + " instead (one row per day and distinct line item, summed).", ""},
        footer = {"", "A service account that fails is left out whole (none of its rows is written) and named on"
                + " stderr. See docs/focus.md for the column mapping.",
                "", "Exit codes: 0 complete, 3 some service accounts failed (their rows absent), 2 bad usage or"
                        + " configuration, 1 anything else."})
final class ExportCommand implements Callable<Integer> {
    /** The only format: FOCUS 1.2 CSV. */
    static final String FOCUS_CSV = "focus-csv";

    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Option(names = "--from", required = true, paramLabel = "START", converter = Args.Day.class,
            description = "First day, inclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
    private LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "END", converter = Args.Day.class,
            description = "End, exclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
    private LocalDate to;

    @Option(names = "--format", required = true, paramLabel = "F", description = "focus-csv (FOCUS 1.2 CSV).")
    private String format;

    @Option(names = "--from-store", description = "Read the cost store kept by 'billing sync' (see --store) instead"
            + " of asking the providers.")
    private boolean fromStore;

    @Mixin
    private AllocationOption allocation;

    @Mixin
    private MetricOption metric;

    @Mixin
    private StoreOption store;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the CSV to FILE (replaced only when the"
            + " export ends) instead of stdout.")
    private Path output;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        if (!FOCUS_CSV.equals(format)) {
            throw CliException.usage("--format " + format + ": the only export format is " + FOCUS_CSV);
        }
        if (!to.isAfter(from)) {
            throw CliException.usage("--to " + to + " must be after --from " + from
                    + " (--to is exclusive: for one day D, use --from D --to D+1)");
        }
        if (!fromStore && store.given()) {
            throw CliException.usage("--store reads the cost store: add --from-store");
        }
        BillingConfig cfg = allocation.apply(Config.load(config, console.env()));
        CostQuery query = CostQuery.builder(BillingPeriod.of(from, to)).granularity(Granularity.DAILY)
                .metric(metric.metric()).build();
        PrintWriter err = console.err();
        List<AccountCoverage> coverage;
        long rows;
        FetchListener listener = fromStore ? FetchListener.NONE : new Progress(err, console.terminal());
        try (Billing billing = Session.open(cfg, listener, err);
             JdbcCostStore costs = fromStore ? store.open(false, cfg, console.env()) : null) {
            Target target = Target.open(output, console.out());
            try {
                FocusWriter focus = FocusWriter.builder(target.writer())
                        .fallback(id -> FocusOrigin.of(billing.providers().find(id)
                                .map(BillingProvider::displayName).orElse(id)))
                        .build();
                try (focus) {
                    AllocatedLineItems allocated = AllocatedLineItems.of(billing, query, focus);
                    coverage = costs != null ? SyncHints.add(CostSync.builder(billing).store(costs).build()
                            .lineItems(query, allocated), query.period(), Clock.systemUTC())
                            : billing.costs().lineItems(query, allocated);
                    allocated.finish();
                }
                rows = focus.rows();
                target.commit();
            } finally {
                target.discard();
            }
        }
        for (AccountCoverage c : coverage) {
            if (c.code() == CoverageStatus.FAILED) {
                err.println("error: service account " + c.name() + " failed; its rows are absent from the export: "
                        + BillingCli.oneLine(c.error()));
            } else if (c.code() == CoverageStatus.STALE) {
                err.println("warning: " + c.name() + " was last synced " + c.asOf() + "; run 'billing sync'");
            }
        }
        long failed = coverage.stream().filter(c -> c.code() == CoverageStatus.FAILED).count();
        String summary = "exported " + rows + " FOCUS " + FocusWriter.FOCUS_VERSION + " rows of " + (coverage.size() - failed)
                + " service accounts (" + from + " to " + to + ", end exclusive)" + (output == null ? "" : " to " + output)
                + (failed == 0 ? "" : "; INCOMPLETE: " + failed + " failed");
        (output == null ? err : console.out()).println(summary);
        return failed == 0 ? BillingCli.OK : BillingCli.INCOMPLETE;
    }

    /** Where the CSV goes: stdout (never closed), or a temporary file moved onto {@code --output} at the end. */
    private static final class Target {
        private final Writer writer;
        private final Path file;
        private final Path temp;
        private boolean committed;

        private Target(Writer writer, Path file, Path temp) {
            this.writer = writer;
            this.file = file;
            this.temp = temp;
        }

        static Target open(Path output, PrintWriter stdout) {
            if (output == null) {
                return new Target(new FilterWriter(stdout) {
                    @Override
                    public void close() {
                        stdout.flush();
                    }
                }, null, null);
            }
            Path absolute = output.toAbsolutePath();
            Path directory = absolute.getParent();
            if (Files.isDirectory(absolute)) {
                throw CliException.usage("--output " + output + " is a directory; give a file name");
            }
            try {
                Files.createDirectories(directory);
                Path temp = Files.createTempFile(directory, "." + absolute.getFileName(), ".part");
                Writer w = new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8), 64 * 1024);
                return new Target(w, absolute, temp);
            } catch (IOException e) {
                throw CliException.usage("--output " + output + ": cannot write in " + directory + " (" + e.getMessage()
                        + "); give a path in a writable directory");
            }
        }

        Writer writer() {
            return writer;
        }

        void commit() {
            if (file == null) {
                return;
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException again) {
                    throw new UncheckedIOException("cannot move the export onto " + file + ": " + again.getMessage(), again);
                }
            }
            committed = true;
        }

        void discard() {
            if (temp != null && !committed) {
                try {
                    writer.close();
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // best effort: the temporary file is hidden and named after the output
                }
            }
        }
    }
}
