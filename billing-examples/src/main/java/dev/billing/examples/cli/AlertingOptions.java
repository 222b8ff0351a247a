package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.jdbc.JdbcCostStore;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that alert ({@code budgets}, {@code anomalies}): {@code --format table|json},
 * {@code --from-store} (answer from the cost store, which then remembers the alerts) and {@code --store}.
 */
final class AlertingOptions {
    /** The output formats. */
    enum Format {
        table, json
    }

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table (default) or json.")
    private Format format;

    @Option(names = "--from-store", description = "Answer from the cost store kept by 'billing sync' (see --store)"
            + " instead of asking the providers; alerts are remembered in it.")
    private boolean fromStore;

    @Mixin
    private StoreOption store;

    /** @return whether {@code --format json} was given */
    boolean json() {
        return format == Format.json;
    }

    /** @return whether {@code --from-store} was given */
    boolean fromStore() {
        return fromStore;
    }

    /** @throws CliException (exit 2) when {@code --store} is given without {@code --from-store} */
    void check() {
        if (!fromStore && store.given()) {
            throw CliException.usage("--store reads the cost store: add --from-store");
        }
    }

    /**
     * @param config the configuration (its {@code "store"})
     * @param env the environment (the PostgreSQL user and password)
     * @return with {@code --from-store}, the existing store opened to read costs and write alerts; else {@code null}
     */
    JdbcCostStore open(BillingConfig config, Map<String, String> env) {
        return fromStore ? store.open(false, true, config, env) : null;
    }
}
