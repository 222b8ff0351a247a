package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.config.BillingConfigException;
import dev.billing.core.Billing;
import dev.billing.core.FetchListener;
import java.io.PrintWriter;

/** Opens a {@link Billing} from a {@link BillingConfig}: providers configured, every service account registered. */
final class Session {
    private Session() {
    }

    /**
     * @param config the configuration
     * @param listener hears fetch progress
     * @param err where warnings go (a literal secret in the file)
     * @return the open instance; the caller closes it
     * @throws CliException (exit 2) naming the file and field for an unknown provider, a bad setting
     *     or a service account the registry refuses
     */
    static Billing open(BillingConfig config, FetchListener listener, PrintWriter err) {
        try {
            return config.open(Billing.builder().listener(listener), warning -> err.println("warning: " + warning));
        } catch (BillingConfigException e) {
            throw CliException.usage(e.getMessage());
        }
    }
}
