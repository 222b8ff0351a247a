package dev.billing.examples.cli;

import dev.billing.core.CostStoreException;
import dev.billing.jdbc.JdbcCostStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store PATH} option of {@code sync} and {@code report --from-store}: the embedded cost store. */
final class StoreOption {
    /** Where the costs are kept when {@code --store} is not given, relative to the working directory. */
    static final Path DEFAULT = Path.of("billing-data", "costs");
    private static final String H2_SUFFIX = ".mv.db";

    @Option(names = "--store", paramLabel = "PATH",
            description = "The cost store: an embedded H2 database kept in the file PATH.mv.db, created by sync"
                    + " when missing. Default: billing-data/costs (the file billing-data/costs.mv.db in the working"
                    + " directory). One process at a time can open it.")
    private Path path;

    /** @return whether {@code --store} was given */
    boolean given() {
        return path != null;
    }

    /** @return the store's path as given, or {@link #DEFAULT} */
    Path path() {
        return path == null ? DEFAULT : path;
    }

    /** @return the database file H2 keeps the store in */
    Path file() {
        Path p = path();
        return p.getFileName() != null && p.getFileName().toString().endsWith(H2_SUFFIX)
                ? p : p.resolveSibling(p.getFileName() + H2_SUFFIX);
    }

    /**
     * @param create whether a missing store is created (sync) or is an error (report)
     * @return the open store; the caller closes it
     * @throws CliException (exit 2) when the store is missing and not to be created, or cannot be opened
     */
    JdbcCostStore open(boolean create) {
        return open(create, create);
    }

    /**
     * @param create whether a missing store is created (sync) or is an error
     * @param write whether the command writes to the store (sync; budgets and anomalies record their alerts);
     *     the others open it read-only, so that they never rewrite it
     * @return the open store; the caller closes it
     * @throws CliException (exit 2) when the store is missing and not to be created, or cannot be opened
     */
    JdbcCostStore open(boolean create, boolean write) {
        if (!create && !Files.isRegularFile(file())) {
            throw CliException.usage("--store " + path() + ": no cost store at " + file().toAbsolutePath()
                    + "; run 'billing sync --config FILE" + (given() ? " --store " + path() : "") + "' first");
        }
        Path directory = file().toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw CliException.usage("--store " + path() + ": cannot create the directory " + directory
                    + " (something else is in the way, or it is not writable); give --store a path in a writable"
                    + " directory");
        }
        try {
            // what only reads opens the file read-only: a report never rewrites it
            return JdbcCostStore.builder().embedded(path(), !write).build();
        } catch (CostStoreException e) {
            throw CliException.usage("--store " + path() + ": " + BillingCli.oneLine(e.getMessage()));
        }
    }
}
