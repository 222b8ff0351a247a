package dev.billing.examples.cli;

import dev.billing.core.AccountCoverage;
import dev.billing.core.FetchListener;
import dev.billing.core.ServiceAccount;
import java.io.PrintWriter;

/**
 * Shows fetch progress on stderr: one line redrawn in place on a terminal, plain lines otherwise.
 * Thread-safe; counts finished accounts itself so that lines come out in order. One instance hears every report
 * of a {@link dev.billing.core.Billing} (the demo runs three), one after another: the count starts over when a
 * report's last account has finished, so it never passes the report's total.
 */
final class Progress implements FetchListener {
    private final PrintWriter err;
    private final boolean terminal;
    private int inFlight;
    private int done;

    Progress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void started(ServiceAccount account) {
        inFlight++;
    }

    @Override
    public synchronized void finished(AccountCoverage coverage, int finished, int total) {
        inFlight--;
        done++;
        String outcome = coverage.name() + " " + coverage.code()
                + (coverage.error() == null ? "" : ": " + BillingCli.oneLine(coverage.error()));
        if (terminal) {
            err.print("\r\033[K");
            if (coverage.error() != null) {
                err.print("fetched " + outcome + "\n");
            }
            err.print("fetched " + done + "/" + total + " service accounts, " + inFlight + " in flight");
            if (done == total) {
                err.print("\n");
            }
        } else {
            err.println("fetched " + done + "/" + total + ": " + outcome);
        }
        if (done >= total) {
            done = 0;
        }
        err.flush();
    }
}
