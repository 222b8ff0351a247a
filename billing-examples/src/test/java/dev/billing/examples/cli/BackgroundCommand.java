package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command that runs until stopped ({@code simulate}, {@code serve}) in a thread of this JVM: its stdout is read
 * line by line as it is written (no polling), {@link #close()} interrupts it and waits for its exit code.
 */
final class BackgroundCommand implements AutoCloseable {
    private final BufferedReader lines;
    private final StringBuilder out = new StringBuilder();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exit = new AtomicInteger(-1);
    private final Thread thread;

    BackgroundCommand(Map<String, String> env, String... args) {
        PipedWriter pipe = new PipedWriter();
        try {
            lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(() -> {
            try (PrintWriter o = new PrintWriter(pipe, true)) {
                exit.set(BillingCli.run(new BillingCli.Console(o, new PrintWriter(err, true), env, false), args));
            }
        }, "billing-" + args[0]);
        thread.start();
    }

    /**
     * @param regex what the line looks for
     * @return the first line of stdout, from here on, that has a match; its groups
     * @throws AssertionError when the command ends first
     */
    Matcher awaitLine(String regex) {
        Pattern p = Pattern.compile(regex);
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.append(line).append('\n');
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
        } catch (IOException e) {
            // the writing thread ended: reported below
        }
        throw new AssertionError("no line matching " + regex + "; stdout:\n" + out + "stderr:\n" + err);
    }

    /** @return stdout read so far */
    String out() {
        return out.toString();
    }

    /** @return stderr so far */
    String err() {
        return err.toString();
    }

    /** Stops the command (Ctrl-C) and checks it exited 0. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
        assertThat(thread.isAlive()).as("stopped when interrupted").isFalse();
        assertThat(exit.get()).as("exit code; stderr:\n%s", err).isZero();
    }
}
