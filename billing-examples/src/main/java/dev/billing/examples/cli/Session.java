package dev.billing.examples.cli;

import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.CredentialField;
import dev.billing.core.Credentials;
import dev.billing.core.FetchListener;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import java.io.PrintWriter;
import java.util.Map;

/** Opens a {@link Billing} from a {@link Config}: providers configured, every service account registered. */
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
    static Billing open(Config config, FetchListener listener, PrintWriter err) {
        Billing.Builder builder = Billing.builder().listener(listener).tagAliases(config.tagAliases());
        config.providers().forEach(builder::providerSettings);
        Billing billing;
        try {
            billing = builder.build();
        } catch (BillingException e) {
            throw CliException.usage(config.file() + ": providers: " + e.getMessage());
        }
        try {
            for (String id : config.providers().keySet()) {
                if (billing.providers().find(id).isEmpty()) {
                    throw CliException.usage(config.file() + ": providers." + id + ": unknown provider '" + id
                            + "'; installed providers: " + String.join(", ", billing.providers().ids()));
                }
            }
            for (Config.Account a : config.serviceAccounts()) {
                register(billing, config, a, err);
            }
            return billing;
        } catch (RuntimeException e) {
            billing.close();
            throw e;
        }
    }

    private static void register(Billing billing, Config config, Config.Account a, PrintWriter err) {
        BillingProvider provider = billing.providers().find(a.provider()).orElseThrow(() -> CliException.usage(
                config.file() + ": " + a.where() + ".provider: unknown provider '" + a.provider()
                        + "'; installed providers: " + String.join(", ", billing.providers().ids())));
        Map<String, String> given = config.providers().getOrDefault(a.provider(), Map.of());
        for (ProviderSetting s : billing.providers().settings(a.provider())) {
            if (s.required() && !given.containsKey(s.name())) {
                throw CliException.usage(config.file() + ": providers." + a.provider() + "." + s.name() + " is missing: "
                        + a.where() + " uses " + a.provider() + "; add \"providers\": {\"" + a.provider() + "\": {\""
                        + s.name() + "\": \"...\"}} (" + s.description() + ")");
            }
        }
        try {
            billing.serviceAccounts().register(a.name(), a.provider(), Credentials.of(a.credentials()), a.project());
        } catch (BillingException e) {
            throw CliException.usage(config.file() + ": " + a.where() + ": " + e.getMessage());
        }
        for (CredentialField field : provider.credentialSchema().fields()) {
            if (field.secret() && a.literal().contains(field.name())) {
                err.println("warning: " + config.file() + ": " + a.path() + ".credentials." + field.name()
                        + " is a secret written literally in the file; prefer \"${env:NAME}\"");
            }
        }
    }
}
