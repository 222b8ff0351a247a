package dev.billing.examples.cli;

/** A failure the command reports in one line, with its exit code; never with a stack trace. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /**
     * @param message what is wrong: the file, field or flag, and what to fix
     * @return an exception giving exit code 2
     */
    static CliException usage(String message) {
        return new CliException(message, BillingCli.USAGE);
    }

    int exitCode() {
        return exitCode;
    }
}
