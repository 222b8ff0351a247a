package dev.billing.examples.cli;

import dev.billing.core.BillingException;
import dev.billing.core.CostStoreException;
import dev.billing.core.support.Bounds;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code billing} command. Exit codes: 0 success; 2 bad usage or configuration; 3 the report
 * (or verification) was produced but some service accounts failed; 4 (budgets) a 100 % threshold is crossed;
 * 5 (anomalies) an anomaly was found; 1 anything else.
 */
@Command(name = "billing", mixinStandardHelpOptions = true, version = "billing 0.1.0-SNAPSHOT",
        description = "Exact multi-cloud billing from the command line.",
        subcommands = {DemoCommand.class, ProvidersCommand.class, VerifyCommand.class, ReportCommand.class,
                SyncCommand.class, SimulateCommand.class, ExportCommand.class, ServeCommand.class, BudgetsCommand.class,
                AnomaliesCommand.class, AllocationCommand.class},
        footer = {"", "Exit codes: 0 success, 2 bad usage or configuration, 3 some service accounts failed"
                + " (report incomplete), 4 (budgets) a 100 %% threshold is crossed, 5 (anomalies) an anomaly was found,"
                + " 1 anything else."})
public final class BillingCli implements Callable<Integer> {
    /** Success. */
    static final int OK = 0;
    /** Anything else went wrong. */
    static final int FAILURE = 1;
    /** Bad usage or configuration. */
    static final int USAGE = 2;
    /** Produced, but some service accounts failed. */
    static final int INCOMPLETE = 3;

    private final Console console;

    BillingCli(Console console) {
        this.console = console;
    }

    /**
     * Where the commands write and what they read from the environment.
     *
     * @param out human output
     * @param err progress, warnings and errors
     * @param env the environment variables {@code ${env:NAME}} is resolved from
     * @param terminal whether stderr is a terminal (progress redraws one line)
     */
    record Console(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
    }

    Console console() {
        return console;
    }

    /** Without a command: the usage on stderr, exit 2. */
    @Override
    public Integer call() {
        new CommandLine(this).usage(console.err());
        console.err().println("error: give a command (see 'billing --help')");
        return USAGE;
    }

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(new Console(out, err, System.getenv(), System.console() != null), args));
    }

    /**
     * @param console where to write and the environment
     * @param args the arguments
     * @return the exit code
     */
    static int run(Console console, String... args) {
        CommandLine cli = new CommandLine(new BillingCli(console));
        cli.setOut(console.out());
        cli.setErr(console.err());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, a) -> {
            String help = e.getCommandLine().getCommandSpec().qualifiedName() + " --help";
            console.err().println("error: " + oneLine(e.getMessage()) + suggestion(e) + " (see '" + help + "')");
            console.err().flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException ce) {
                console.err().println("error: " + oneLine(ce.getMessage()));
                console.err().flush();
                return ce.exitCode();
            }
            if (e instanceof CostStoreException se) {
                // the store itself failed (read-only, not a store, locked, newer schema, disk full): configuration
                console.err().println("error: " + oneLine(se.getMessage()));
                console.err().flush();
                return USAGE;
            }
            String what = e instanceof BillingException ? "" : e.getClass().getSimpleName() + ": ";
            console.err().println("error: " + what + oneLine(e.getMessage()));
            console.err().flush();
            return FAILURE;
        });
        int code = cli.execute(args);
        console.out().flush();
        console.err().flush();
        return code;
    }

    /**
     * @param e a bad command line
     * @return {@code "; did you mean ...?"} naming the commands or options closest to a mistyped one (picocli's
     *     suggestions), or nothing; a mistyped option is named even when picocli reports a missing required
     *     option first
     */
    private static String suggestion(ParameterException e) {
        CommandLine where = e.getCommandLine();
        List<String> unmatched = where.getUnmatchedArguments();
        UnmatchedArgumentException u = e instanceof UnmatchedArgumentException x ? x
                : unmatched.isEmpty() ? null : new UnmatchedArgumentException(where, unmatched);
        if (u == null || u.getSuggestions().isEmpty()) {
            return "";
        }
        String prefix = u.isUnknownOption() ? "" : where.getCommandSpec().qualifiedName() + " ";
        return (u == e ? "" : "; " + oneLine(u.getMessage())) + "; did you mean "
                + String.join(" or ", u.getSuggestions().stream().map(s -> prefix + s).toList()) + "?";
    }

    static String oneLine(String message) {
        return message == null ? "" : Bounds.message(message.replaceAll("\\s*\\R\\s*", " ").trim());
    }
}
