package dev.billing.spring;

import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.core.FetchListener;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderNotEnabledException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the {@link Billing} of {@code billing.*}, naming the property at fault when one is wrong. */
final class BillingFactory {
    private BillingFactory() {
    }

    static Billing create(BillingProperties properties, FetchListener listener) {
        Billing.Builder builder = Billing.builder().listener(listener);
        properties.getProviders().forEach((id, settings) -> builder.providerSettings(id, settings));
        Billing billing;
        try {
            billing = builder.build();
        } catch (ProviderConfigurationException e) {
            throw providerProblem(properties.getProviders(), e);
        }
        try {
            register(billing, properties.getServiceAccounts());
            return billing;
        } catch (RuntimeException e) {
            billing.close();
            throw e;
        }
    }

    private static BillingPropertyException providerProblem(Map<String, Map<String, String>> providers,
                                                            ProviderConfigurationException e) {
        String message = String.valueOf(e.getMessage());
        for (Map.Entry<String, Map<String, String>> provider : providers.entrySet()) {
            String id = provider.getKey();
            if (message.contains("unknown provider '" + id + "'")) {
                return new BillingPropertyException("billing.providers." + id, message,
                        "use the id of an installed provider, or add the provider's jar to the application");
            }
            for (String setting : provider.getValue().keySet()) {
                if (message.contains("'" + setting + "'") && message.contains(id)) {
                    return new BillingPropertyException("billing.providers." + id + "." + setting, message,
                            "give a setting the provider declares, with a value that meets its rule"
                                    + " ('billing providers' lists them)");
                }
            }
        }
        return new BillingPropertyException("billing.providers", message,
                "fix the providers' settings or the installed provider jars");
    }

    private static void register(Billing billing, List<BillingProperties.ServiceAccount> accounts) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < accounts.size(); i++) {
            BillingProperties.ServiceAccount a = accounts.get(i);
            String prefix = "billing.service-accounts[" + i + "].";
            require(prefix + "name", a.getName(), "give the account a unique name, such as web-prod");
            require(prefix + "provider", a.getProvider(), "give the id of the provider that serves the account,"
                    + " one of " + billing.providers().ids());
            require(prefix + "project", a.getProject(), "give the project the account's costs belong to");
            if (!names.add(a.getName())) {
                throw new BillingPropertyException(prefix + "name", "the name '" + a.getName()
                        + "' is given to another service account too", "give each account its own name");
            }
            try {
                billing.providers().get(a.getProvider());
            } catch (ProviderNotEnabledException e) {
                throw new BillingPropertyException(prefix + "provider", e.getMessage(),
                        "use one of the enabled providers " + billing.providers().ids()
                                + ", or add the provider's jar to the application");
            }
            try {
                billing.serviceAccounts().register(a.getName(), a.getProvider(), Credentials.of(a.getCredentials()),
                        a.getProject());
            } catch (InvalidCredentialsException e) {
                throw new BillingPropertyException(prefix + "credentials", e.getMessage(),
                        "give the provider's credential fields under their own names ('billing providers' lists"
                                + " them), such as " + prefix + "credentials.key=${HB_KEY}");
            } catch (BillingException e) {
                String message = String.valueOf(e.getMessage());
                String property = message.contains("credential") ? "credentials"
                        : message.contains("project") ? "project" : "name";
                throw new BillingPropertyException(prefix + property, message, property.equals("credentials")
                        ? "give the provider's credential fields under their own names"
                        : "names and projects are 1 to 128 letters, digits, '.', '_', ':' or '-'");
            }
        }
    }

    private static void require(String property, String value, String fix) {
        if (value == null || value.isBlank()) {
            throw new BillingPropertyException(property, "missing", fix);
        }
    }
}
