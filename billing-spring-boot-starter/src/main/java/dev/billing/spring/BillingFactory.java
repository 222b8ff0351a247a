package dev.billing.spring;

import dev.billing.config.BillingConfig;
import dev.billing.config.BillingConfigException;
import dev.billing.core.Allocation;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.core.FetchListener;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderNotEnabledException;
import dev.billing.core.TagAliases;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link Billing} of {@code billing.*} and {@code billing.config-file}, naming the property at fault
 * when one is wrong. Where the file and the properties both give a provider setting or a tag alias's canonical
 * key, the property wins; {@code billing.allocation.*}, given, replaces the file's allocation.
 */
final class BillingFactory {
    private static final String CONFIG_FILE = "billing.config-file";

    private BillingFactory() {
    }

    /**
     * @param properties {@code billing.config-file} and the service accounts its budgets may name
     * @return the file's settings
     * @throws BillingPropertyException naming {@code billing.config-file}, the field of the file and the fix
     */
    static BillingConfig configFile(BillingProperties properties) {
        Path file = properties.getConfigFile();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BillingPropertyException(CONFIG_FILE, "file " + file + " not found (the working directory is "
                    + Path.of("").toAbsolutePath() + ")", "give the path of an existing billing.json");
        } catch (CharacterCodingException e) {
            throw new BillingPropertyException(CONFIG_FILE, file + " is not UTF-8 text", "save it as UTF-8");
        } catch (IOException e) {
            throw new BillingPropertyException(CONFIG_FILE, file + " cannot be read (" + e.getMessage() + ")",
                    "check the path and its permissions");
        }
        Map<String, String> projects = new LinkedHashMap<>();
        for (BillingProperties.ServiceAccount a : properties.getServiceAccounts()) {
            if (a.getName() != null && a.getProject() != null) {
                projects.putIfAbsent(a.getName(), a.getProject());
            }
        }
        BillingConfig config;
        try {
            config = BillingConfig.parseSettings(file, text, System.getenv(), projects);
        } catch (BillingConfigException e) {
            throw new BillingPropertyException(CONFIG_FILE, e.getMessage(), e.field().equals("serviceAccounts")
                    ? "declare the service accounts as billing.service-accounts[n].* properties, not in the file"
                    : "fix " + (e.field().isEmpty() ? "the file" : e.field() + " in the file") + " as the message says");
        }
        if (config.store().isPresent()) {
            throw new BillingPropertyException(CONFIG_FILE, file + ": store: the starter does not read the file's"
                    + " store", "remove \"store\" from the file, and give billing.store.url (or billing.store.file)");
        }
        return config;
    }

    /**
     * @param properties {@code billing.*}
     * @param listener the fetch listener
     * @param file the configuration file's settings, or {@code null}
     * @return the billing, every service account registered
     * @throws BillingPropertyException naming the property at fault
     */
    static Billing create(BillingProperties properties, FetchListener listener, BillingConfig file) {
        Map<String, Map<String, String>> fromFile = file == null ? Map.of() : file.providers();
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        fromFile.forEach((id, given) -> settings.put(id, new LinkedHashMap<>(given)));
        properties.getProviders().forEach((id, given) -> settings.computeIfAbsent(id, k -> new LinkedHashMap<>())
                .putAll(given));
        Billing.Builder builder = Billing.builder().listener(listener)
                .tagAliases(tagAliases(properties, file == null ? TagAliases.NONE : file.tagAliases()));
        // billing.allocation.* replaces the file's "allocation" block as a whole
        builder.allocation(!properties.getAllocation().isEmpty() ? allocation(properties.getAllocation())
                : file == null ? Allocation.NONE : file.allocation());
        settings.forEach(builder::providerSettings);
        Billing billing;
        try {
            billing = builder.build();
        } catch (ProviderConfigurationException e) {
            throw providerProblem(properties.getProviders(), file, e);
        }
        try {
            register(billing, properties.getServiceAccounts());
            return billing;
        } catch (RuntimeException e) {
            billing.close();
            throw e;
        }
    }

    /** @return the allocation of {@code billing.allocation.*}, the property at fault named when it is wrong */
    static Allocation allocation(BillingProperties.Allocation given) {
        String fix = "write the rules and splits as docs/allocation.md describes them";
        List<Allocation.Rule> rules = new ArrayList<>();
        for (int i = 0; i < given.getRules().size(); i++) {
            BillingProperties.Rule r = given.getRules().get(i);
            try {
                rules.add(Allocation.Rule.of(r.getName(), r.getWhen(), r.getProject(), r.getProjectFromTag()));
            } catch (BillingException e) {
                throw new BillingPropertyException("billing.allocation.rules[" + i + "]", String.valueOf(e.getMessage()),
                        "give a name, conditions on known dimensions (when.service=..., when[tag:team]=...) and exactly"
                                + " one of project and project-from-tag");
            }
        }
        List<Allocation.Split> splits = new ArrayList<>();
        for (int i = 0; i < given.getSplits().size(); i++) {
            BillingProperties.Split sp = given.getSplits().get(i);
            try {
                splits.add(Allocation.Split.of(sp.getName(), sp.getFrom(), sp.getTo(), sp.getMethod(), sp.getPercents()));
            } catch (BillingException e) {
                throw new BillingPropertyException("billing.allocation.splits[" + i + "]", String.valueOf(e.getMessage()),
                        "give a name, a source (from.project=...), target projects (to=p1,p2), a method (even, fixed,"
                                + " proportional) and, for fixed, percents adding up to 100 (percents=70,30)");
            }
        }
        try {
            return Allocation.of(rules, splits);
        } catch (BillingException e) {
            throw new BillingPropertyException("billing.allocation", String.valueOf(e.getMessage()), fix);
        }
    }

    /** The file's aliases, each canonical key of {@code billing.tag-aliases.*} replacing the file's entry. */
    private static TagAliases tagAliases(BillingProperties properties, TagAliases fromFile) {
        Map<String, List<String>> aliases = new LinkedHashMap<>(fromFile.asMap());
        aliases.putAll(properties.getTagAliases());
        try {
            return TagAliases.of(aliases);
        } catch (BillingException e) {
            String property = properties.getTagAliases().isEmpty() ? CONFIG_FILE : "billing.tag-aliases";
            throw new BillingPropertyException(property, String.valueOf(e.getMessage()), "map each canonical tag key"
                    + " to the other keys read as it, each key listed once, such as"
                    + " billing.tag-aliases.team=Team,owner-team");
        }
    }

    private static BillingPropertyException providerProblem(Map<String, Map<String, String>> providers,
                                                            BillingConfig file, ProviderConfigurationException e) {
        String message = String.valueOf(e.getMessage());
        if (file != null) {
            for (Map.Entry<String, Map<String, String>> provider : file.providers().entrySet()) {
                String id = provider.getKey();
                Map<String, String> overridden = providers.getOrDefault(id, Map.of());
                boolean named = message.contains("unknown provider '" + id + "'") && !providers.containsKey(id)
                        || provider.getValue().keySet().stream().anyMatch(setting -> !overridden.containsKey(setting)
                                && message.contains("'" + setting + "'") && message.contains(id));
                if (named) {
                    return new BillingPropertyException(CONFIG_FILE, file.file() + ": providers." + id + ": " + message,
                            "fix providers." + id + " in the file: the id of an installed provider, with settings it"
                                    + " declares ('billing providers' lists them)");
                }
            }
        }
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
