package dev.billing.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's separate JVM, run on the test's class path: the child says {@link #READY} on stdout once it is
 * where the test wants it and then waits to be killed; the parent reads its output until it says so. No
 * file is polled and no sleep guesses how long the child takes.
 */
final class ChildJvm {
    static final String READY = "ready to be killed";

    private ChildJvm() {
    }

    /** Starts {@code main} in a new JVM, its stderr merged into its stdout. */
    static Process start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Blocks until the child says {@link #READY}.
     *
     * @return everything the child said before
     * @throws AssertionError when the child ended without saying it
     */
    static String awaitReady(Process child) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.equals(READY)) {
                return said.toString();
            }
            said.append(line).append('\n');
        }
        throw new AssertionError("the child ended without getting ready; it said:\n" + said);
    }

    /** In the child: says {@link #READY}, then blocks until the parent kills it (or closes its stdin). */
    static void readyThenWaitToBeKilled() throws IOException {
        System.out.println(READY);
        System.out.flush();
        while (System.in.read() != -1) {
            continue;
        }
    }
}
