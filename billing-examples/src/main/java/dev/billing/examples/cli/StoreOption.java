package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.core.CostStoreException;
import dev.billing.jdbc.JdbcCostStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --store PATH|URL} option (or the configuration's {@code "store"}): the cost store, an embedded H2 file
 * or a shared PostgreSQL database.
 */
final class StoreOption {
    /** Where the costs are kept when neither {@code --store} nor the configuration says, relative to the working directory. */
    static final String DEFAULT = Path.of("billing-data", "costs").toString();
    /** The JDBC URLs {@code --store} takes: PostgreSQL's. */
    static final String POSTGRESQL = "jdbc:postgresql://";
    /** The environment variables holding the PostgreSQL user and password, first found wins. */
    static final String[] USER = {"BILLING_STORE_USER", "PGUSER"};
    static final String[] PASSWORD = {"BILLING_STORE_PASSWORD", "PGPASSWORD"};
    private static final String H2_SUFFIX = ".mv.db";

    @Option(names = "--store", paramLabel = "PATH|URL",
            description = "The cost store: an embedded H2 database kept in the file PATH.mv.db (created by sync when"
                    + " missing; one process at a time opens it), or a PostgreSQL database"
                    + " jdbc:postgresql://HOST[:PORT]/DB, its user and password read from BILLING_STORE_USER and"
                    + " BILLING_STORE_PASSWORD (or PGUSER and PGPASSWORD), never from the command line. Default: the"
                    + " configuration's \"store\", else billing-data/costs.")
    private String location;

    /** @return whether {@code --store} was given */
    boolean given() {
        return location != null;
    }

    /** @return {@code --store}, else the configuration's {@code "store"}, else {@link #DEFAULT} */
    private String location(BillingConfig config) {
        return location != null ? location : config.store().orElse(DEFAULT);
    }

    /** @return how the user named the store, for messages; a URL without its parameters */
    private String flag(BillingConfig config) {
        return location != null ? "--store " + location.replaceAll("[?;].*$", "")
                : config.store().isPresent() ? config.file() + ": store" : "--store";
    }

    /**
     * @param config the configuration (its {@code "store"})
     * @return where the store is, for messages: the H2 file or the URL (without its parameters)
     */
    String where(BillingConfig config) {
        String l = location(config);
        return l.startsWith(POSTGRESQL) ? l.replaceAll("[?;].*$", "") : file(l).toString();
    }

    /** @return the database file H2 keeps a store at this path in */
    private static Path file(String path) {
        Path p = Path.of(path);
        return p.getFileName() != null && p.getFileName().toString().endsWith(H2_SUFFIX)
                ? p : p.resolveSibling(p.getFileName() + H2_SUFFIX);
    }

    /**
     * @param create whether a missing store is created (sync) or is an error (report)
     * @param config the configuration (its {@code "store"})
     * @param env the environment (the PostgreSQL user and password)
     * @return the open store; the caller closes it
     * @throws CliException (exit 2) when the store is missing and not to be created, cannot be read, or cannot be
     *     opened
     */
    JdbcCostStore open(boolean create, BillingConfig config, Map<String, String> env) {
        return open(create, create, config, env);
    }

    /**
     * @param create whether a missing store is created (sync) or is an error
     * @param write whether the command writes to the store (sync; budgets and anomalies record their alerts);
     *     the others open an H2 file read-only, so that they never rewrite it
     * @param config the configuration (its {@code "store"})
     * @param env the environment (the PostgreSQL user and password)
     * @return the open store; the caller closes it
     * @throws CliException (exit 2) when the store is missing and not to be created, cannot be read, or cannot be
     *     opened
     */
    JdbcCostStore open(boolean create, boolean write, BillingConfig config, Map<String, String> env) {
        String l = location(config);
        String flag = flag(config);
        if (l.startsWith("jdbc:")) {
            return postgres(l, flag, env);
        }
        Path file = file(l);
        Path directory = file.toAbsolutePath().getParent();
        if (Files.isDirectory(directory) && !(Files.isReadable(directory) && Files.isExecutable(directory))) {
            throw CliException.usage(flag + ": the directory " + directory + " cannot be read (permission denied);"
                    + " give the user running billing read and execute permission on it, or another --store");
        }
        if (Files.exists(file) && !Files.isReadable(file)) {
            throw CliException.usage(flag + ": the cost store " + file.toAbsolutePath() + " cannot be read"
                    + " (permission denied); give the user running billing read permission on it");
        }
        if (!create && !Files.isRegularFile(file)) {
            throw CliException.usage(flag + ": no cost store at " + file.toAbsolutePath()
                    + "; run 'billing sync --config FILE" + (given() ? " --store " + l : "") + "' first");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw CliException.usage(flag + ": cannot create the directory " + directory
                    + " (something else is in the way, or it is not writable); give --store a path in a writable"
                    + " directory");
        }
        try {
            // what only reads opens the file read-only: a report never rewrites it
            return JdbcCostStore.builder().embedded(Path.of(l), !write).build();
        } catch (CostStoreException e) {
            throw CliException.usage(flag + ": " + BillingCli.oneLine(e.getMessage()));
        }
    }

    private static JdbcCostStore postgres(String url, String flag, Map<String, String> env) {
        if (!url.startsWith(POSTGRESQL)) {
            throw CliException.usage(flag + ": only PostgreSQL URLs (" + POSTGRESQL + "HOST[:PORT]/DB) or an H2 file"
                    + " path are cost stores");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&;](user|password)=.*")) {
            throw CliException.usage(flag + ": the URL holds a user or password; leave them out of the URL and"
                    + " set BILLING_STORE_USER and BILLING_STORE_PASSWORD (or PGUSER and PGPASSWORD)");
        }
        try {
            return JdbcCostStore.builder().url(url, first(env, USER), first(env, PASSWORD)).build();
        } catch (CostStoreException e) {
            throw CliException.usage(flag + ": " + BillingCli.oneLine(e.getMessage()));
        }
    }

    private static String first(Map<String, String> env, String[] names) {
        for (String n : names) {
            if (env.get(n) != null) {
                return env.get(n);
            }
        }
        return null;
    }
}
