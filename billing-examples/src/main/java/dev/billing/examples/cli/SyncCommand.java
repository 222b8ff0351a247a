package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.AccountSyncResult;
import dev.billing.core.Billing;
import dev.billing.core.CostSync;
import dev.billing.core.FetchListener;
import dev.billing.core.Money;
import dev.billing.core.RestatementEvent;
import dev.billing.core.SyncSummary;
import dev.billing.jdbc.JdbcCostStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing sync}: fetches every configured service account's costs into the embedded cost store. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Fetches every configured service account's costs, one whole month at a time, into the"
                + " cost store, so that 'billing report --from-store' answers without asking any provider.",
                "The first sync of an account reads the current month and --months-back months before it; later"
                        + " syncs re-read the current month, the months closed less than --grace-days days ago"
                        + " and the months still open at the account's last sync. A re-read month whose totals"
                        + " changed is printed on stderr as a restatement (old -> new totals).", ""},
        footer = {"", "Prints one line per service account: the months replaced, the months skipped (another"
                + " process was replacing them), the line items written, and OK or FAILED with the reason. A failed"
                + " account keeps its old data.",
                "", "Exit codes: 0 every account synced, 3 some failed, 2 bad usage or configuration (including a"
                        + " store that cannot be opened), 1 anything else."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Mixin
    private StoreOption store;

    @Option(names = "--months-back", paramLabel = "N", defaultValue = "12",
            description = "How many months before the current one an account's first sync reads (default 12).")
    private int monthsBack;

    @Option(names = "--grace-days", paramLabel = "D", defaultValue = "10",
            description = "For how many days after a month ends later syncs still re-read it for restatements"
                    + " (default 10).")
    private int graceDays;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        if (monthsBack < 0) {
            throw CliException.usage("--months-back " + monthsBack + ": give 0 or more months");
        }
        if (graceDays < 0) {
            throw CliException.usage("--grace-days " + graceDays + ": give 0 or more days");
        }
        BillingConfig cfg = Config.load(config, console.env());
        PrintWriter err = console.err();
        SyncSummary summary;
        try (Billing billing = Session.open(cfg, FetchListener.NONE, err);
             JdbcCostStore costs = store.open(true, cfg, console.env())) {
            CostSync sync = CostSync.builder(billing).store(costs).monthsBack(monthsBack).restatementGraceDays(graceDays)
                    .listener(e -> {
                        err.println(restatement(e));
                        err.flush();
                    })
                    .build();
            err.println("syncing " + cfg.serviceAccounts().size() + " service accounts into " + store.where(cfg));
            err.flush();
            summary = sync.sync();
        }
        print(summary, store.where(cfg), console.out());
        return summary.isComplete() ? BillingCli.OK : BillingCli.INCOMPLETE;
    }

    /**
     * @param e a restatement
     * @return one line: account, month, its state and the old and new totals, exact
     */
    static String restatement(RestatementEvent e) {
        return "restatement: " + e.account().value() + " " + e.month() + " (" + e.state() + "): "
                + totals(e.oldTotals()) + " -> " + totals(e.newTotals());
    }

    private static String totals(List<Money> totals) {
        return totals.isEmpty() ? "no cost" : totals.stream()
                .map(m -> ReportWriter.exact(m.amount()) + " " + m.currency().getCurrencyCode())
                .collect(Collectors.joining(", "));
    }

    private static void print(SyncSummary summary, String where, PrintWriter out) {
        long failed = summary.accounts().stream().filter(a -> !a.succeeded()).count();
        out.println("Synced " + summary.accounts().size() + " service accounts into " + where + " at "
                + summary.startedAt().truncatedTo(ChronoUnit.SECONDS) + ": " + summary.windowsReplaced() + " months replaced, " + summary.records()
                + " line items, " + summary.restatements().size() + " restatements, "
                + (failed == 0 ? "complete" : "INCOMPLETE: " + failed + " failed"));
        ReportWriter.Table table = new ReportWriter.Table(false);
        table.add("ACCOUNT", "REPLACED", "SKIPPED", "LINE ITEMS", "STATUS");
        for (AccountSyncResult a : summary.accounts()) {
            table.add(a.account().value(), months(a.replaced()), months(a.skipped()), Long.toString(a.records()),
                    a.succeeded() ? "OK" : "FAILED: " + BillingCli.oneLine(a.error()));
        }
        table.print(out);
    }

    /** @return {@code -}, {@code 2026-01..2026-03} for consecutive months, or a comma-separated list */
    private static String months(List<YearMonth> months) {
        if (months.isEmpty()) {
            return "-";
        }
        YearMonth first = months.get(0);
        YearMonth last = months.get(months.size() - 1);
        if (months.size() > 2 && first.plusMonths(months.size() - 1).equals(last)) {
            return first + ".." + last;
        }
        return months.stream().map(YearMonth::toString).collect(Collectors.joining(","));
    }
}
