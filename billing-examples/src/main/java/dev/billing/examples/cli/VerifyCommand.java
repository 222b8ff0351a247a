package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.FetchListener;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing verify}: checks every service account's credentials with its provider. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verifies every service account's credentials with its provider; one line per account.",
        footer = {"", "Exit codes: 0 all verified, 3 some failed, 2 bad usage or configuration, 1 anything else."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        BillingConfig cfg = Config.load(config, console.env());
        int failed = 0;
        ReportWriter.Table table = new ReportWriter.Table(false);
        try (Billing billing = Session.open(cfg, FetchListener.NONE, console.err())) {
            for (BillingConfig.Account a : cfg.serviceAccounts()) {
                String outcome;
                try {
                    billing.serviceAccounts().verify(a.name());
                    outcome = "OK";
                } catch (BillingException e) {
                    failed++;
                    outcome = "FAILED: " + BillingCli.oneLine(e.getMessage());
                } catch (RuntimeException e) {
                    // one account's unexpected failure never hides the others' lines
                    failed++;
                    outcome = "FAILED: " + e.getClass().getSimpleName() + " while verifying";
                }
                table.add(a.name(), a.provider(), a.project(), outcome);
            }
        }
        table.print(console.out());
        return failed == 0 ? BillingCli.OK : BillingCli.INCOMPLETE;
    }
}
