package dev.billing.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.core.AnomalySettings;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.Budget;
import dev.billing.core.CredentialField;
import dev.billing.core.Credentials;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Money;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.core.support.Bounds;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration file {@code billing.json} (docs/configuration.md): providers and their settings, the billing
 * service accounts, tag aliases, budgets, anomaly settings and the cost store. Every string value may hold
 * {@code ${env:NAME}}, replaced by the environment variable. Read by the CLI ({@code --config}) and by the Spring
 * Boot starter ({@code billing.config-file}), with the same rules and messages.
 *
 * <pre>{@code
 * BillingConfig config = BillingConfig.parse(file, Files.readString(file), System.getenv());
 * try (Billing billing = config.open(Billing.builder(), System.err::println)) { ... }
 * }</pre>
 *
 * <p>Every problem is a {@link BillingConfigException} naming the file, the field and the fix. No value of this
 * class shows a credential: {@link Account#credentials()} is {@link Credentials}, whose {@code toString} shows
 * field names only.
 */
public final class BillingConfig {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // exact amounts and percentages: BigDecimal from the first character parsed
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([^}]*)}");
    private static final Set<String> FIELDS = Set.of("providers", "serviceAccounts", "budgets", "anomalies",
            "tagAliases", "store");

    private final Path file;
    private final Map<String, Map<String, String>> providers;
    private final List<Account> serviceAccounts;
    private final List<Budget> budgets;
    private final AnomalySettings anomalies;
    private final TagAliases tagAliases;
    private final String store;

    private BillingConfig(Path file, Map<String, Map<String, String>> providers, List<Account> serviceAccounts,
                          List<Budget> budgets, AnomalySettings anomalies, TagAliases tagAliases, String store) {
        this.file = file;
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        providers.forEach((id, settings) -> p.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(settings))));
        this.providers = Collections.unmodifiableMap(p);
        this.serviceAccounts = List.copyOf(serviceAccounts);
        this.budgets = List.copyOf(budgets);
        this.anomalies = anomalies;
        this.tagAliases = tagAliases;
        this.store = store;
    }

    /**
     * One service account entry of {@code "serviceAccounts"}.
     *
     * @param field where it is in the file, for example {@code serviceAccounts[0]}
     * @param name its name
     * @param provider its provider id
     * @param project its project
     * @param credentials the credential values, {@code ${env:...}} resolved
     * @param literalFields the credential fields written as literal values (no {@code ${env:...}})
     */
    public record Account(String field, String name, String provider, String project, Credentials credentials,
                          Set<String> literalFields) {
        /** Checks that nothing is null; copies {@code literalFields}. */
        public Account {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(credentials, "credentials");
            literalFields = Collections.unmodifiableSet(new LinkedHashSet<>(literalFields));
        }

        /** @return the field and the name, as messages name the account: {@code serviceAccounts[0] ('web-prod')} */
        public String where() {
            return field + " ('" + Bounds.echo(name) + "')";
        }
    }

    /**
     * Reads a whole configuration file: {@code "serviceAccounts"} is required.
     *
     * @param file the file, as messages name it
     * @param text its content (a leading byte order mark is ignored)
     * @param env the environment variables {@code ${env:NAME}} reads
     * @return the configuration
     * @throws BillingConfigException naming the file, the field and what to fix
     */
    public static BillingConfig parse(Path file, String text, Map<String, String> env) {
        return new Reader(file, env, null).config(tree(file, text));
    }

    /**
     * Reads the settings of a configuration file for a host that registers its service accounts itself (the
     * Spring Boot starter): the file must not have {@code "serviceAccounts"}, and budgets are scoped to the
     * host's service accounts and projects.
     *
     * @param file the file, as messages name it
     * @param text its content (a leading byte order mark is ignored)
     * @param env the environment variables {@code ${env:NAME}} reads
     * @param projectsByServiceAccount each of the host's service account names and its project, in order
     * @return the configuration, with no service accounts
     * @throws BillingConfigException naming the file, the field and what to fix
     */
    public static BillingConfig parseSettings(Path file, String text, Map<String, String> env,
                                              Map<String, String> projectsByServiceAccount) {
        List<Account> host = new ArrayList<>();
        projectsByServiceAccount.forEach((name, project) -> host.add(
                new Account("", name, "", project, Credentials.of(Map.of()), Set.of())));
        return new Reader(file, env, host).config(tree(file, text));
    }

    private static JsonNode tree(Path file, String text) {
        Objects.requireNonNull(file, "file");
        String json = text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark some editors write
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new BillingConfigException("", file + ": invalid JSON" + where + ": " + e.getOriginalMessage()
                    + "; fix the JSON syntax there");
        }
    }

    /** @return the file read */
    public Path file() {
        return file;
    }

    /** @return each configured provider id and its settings ({@code "providers"}), in file order */
    public Map<String, Map<String, String>> providers() {
        return providers;
    }

    /** @return the service accounts ({@code "serviceAccounts"}), in file order; none from {@link #parseSettings} */
    public List<Account> serviceAccounts() {
        return serviceAccounts;
    }

    /** @return the budgets ({@code "budgets"}), in file order */
    public List<Budget> budgets() {
        return budgets;
    }

    /** @return the anomaly settings ({@code "anomalies"}), {@link AnomalySettings#DEFAULTS} when absent */
    public AnomalySettings anomalies() {
        return anomalies;
    }

    /** @return the tag keys read under a canonical key ({@code "tagAliases"}), {@link TagAliases#NONE} when absent */
    public TagAliases tagAliases() {
        return tagAliases;
    }

    /** @return the cost store ({@code "store"}: an H2 file path or a PostgreSQL JDBC URL), if given */
    public Optional<String> store() {
        return Optional.ofNullable(store);
    }

    /**
     * Builds a {@link Billing} with this file's provider settings and tag aliases, and registers every service
     * account.
     *
     * @param builder the builder to complete (its listener, clock... as the caller wants)
     * @param warnings hears each warning (a secret credential written literally in the file), in one line
     * @return the open instance; the caller closes it
     * @throws BillingConfigException naming the file and field for an unknown provider, a bad or missing setting,
     *     or a service account the registry refuses
     */
    public Billing open(Billing.Builder builder, Consumer<String> warnings) {
        builder.tagAliases(tagAliases);
        providers.forEach(builder::providerSettings);
        Billing billing;
        try {
            billing = builder.build();
        } catch (BillingException e) {
            throw new BillingConfigException("providers", file + ": providers: " + e.getMessage());
        }
        try {
            for (String id : providers.keySet()) {
                if (billing.providers().find(id).isEmpty()) {
                    throw new BillingConfigException("providers." + id, file + ": providers." + id
                            + ": unknown provider '" + id + "'; installed providers: "
                            + String.join(", ", billing.providers().ids()));
                }
            }
            for (Account a : serviceAccounts) {
                register(billing, a, warnings);
            }
            return billing;
        } catch (RuntimeException e) {
            billing.close();
            throw e;
        }
    }

    private void register(Billing billing, Account a, Consumer<String> warnings) {
        BillingProvider provider = billing.providers().find(a.provider()).orElseThrow(() ->
                new BillingConfigException(a.field() + ".provider", file + ": " + a.where() + ".provider: unknown"
                        + " provider '" + a.provider() + "'; installed providers: "
                        + String.join(", ", billing.providers().ids())));
        Map<String, String> given = providers.getOrDefault(a.provider(), Map.of());
        for (ProviderSetting s : billing.providers().settings(a.provider())) {
            if (s.required() && !given.containsKey(s.name())) {
                String field = "providers." + a.provider() + "." + s.name();
                throw new BillingConfigException(field, file + ": " + field + " is missing: " + a.where() + " uses "
                        + a.provider() + "; add \"providers\": {\"" + a.provider() + "\": {\"" + s.name()
                        + "\": \"...\"}} (" + s.description() + ")");
            }
        }
        try {
            billing.serviceAccounts().register(a.name(), a.provider(), a.credentials(), a.project());
        } catch (BillingException e) {
            throw new BillingConfigException(a.field(), file + ": " + a.where() + ": " + e.getMessage());
        }
        for (CredentialField field : provider.credentialSchema().fields()) {
            if (field.secret() && a.literalFields().contains(field.name())) {
                warnings.accept(file + ": " + a.field() + ".credentials." + field.name()
                        + " is a secret written literally in the file; prefer \"${env:NAME}\"");
            }
        }
    }

    @Override
    public String toString() {
        return "BillingConfig[" + file + ", providers " + providers.keySet() + ", " + serviceAccounts.size()
                + " service accounts, " + budgets.size() + " budgets]";
    }

    /** Reads the tree, naming the path of whatever is wrong. */
    private static final class Reader {
        private final Path file;
        private final Map<String, String> env;
        /** The host's service accounts ({@link #parseSettings}), or {@code null}: the file's. */
        private final List<Account> host;

        Reader(Path file, Map<String, String> env, List<Account> host) {
            this.file = file;
            this.env = Objects.requireNonNull(env, "env");
            this.host = host;
        }

        BillingConfig config(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw error("the top level", "must be a JSON object with \"providers\" and \"serviceAccounts\"");
            }
            allowOnly(root, "", FIELDS);
            Map<String, Map<String, String>> providers = new LinkedHashMap<>();
            JsonNode ps = root.path("providers");
            if (!ps.isMissingNode()) {
                requireObject(ps, "providers");
                ps.properties().forEach(e -> providers.put(e.getKey(),
                        strings(e.getValue(), "providers." + e.getKey(), null)));
            }
            List<Account> accounts = host == null ? accounts(root.path("serviceAccounts")) : host;
            if (host != null && root.has("serviceAccounts")) {
                throw error("serviceAccounts", "the application registers its service accounts itself; this file's"
                        + " are not read: remove \"serviceAccounts\" and declare them where the application's are");
            }
            List<Budget> budgets = new ArrayList<>();
            JsonNode bs = root.path("budgets");
            if (!bs.isMissingNode()) {
                if (!bs.isArray()) {
                    throw error("budgets", "must be a list of budgets");
                }
                for (int i = 0; i < bs.size(); i++) {
                    Budget b = budget(bs.get(i), "budgets[" + i + "]", accounts);
                    if (budgets.stream().anyMatch(x -> x.name().equals(b.name()))) {
                        throw error("budgets[" + i + "].name", "'" + Bounds.echo(b.name()) + "' is the name of an earlier budget:"
                                + " give each budget a unique name");
                    }
                    budgets.add(b);
                }
            }
            JsonNode anomalies = root.path("anomalies");
            String store = root.has("store") ? text(root, "the top level", "store", "the cost store: an H2 file path"
                    + " such as \"billing-data/costs\" or \"jdbc:postgresql://HOST/DB\"") : null;
            return new BillingConfig(file, providers, host == null ? accounts : List.of(), budgets,
                    anomalies.isMissingNode() ? AnomalySettings.DEFAULTS : anomalies(anomalies),
                    root.has("tagAliases") ? tagAliases(root.get("tagAliases")) : TagAliases.NONE, store);
        }

        private List<Account> accounts(JsonNode sas) {
            if (!sas.isArray() || sas.isEmpty()) {
                throw error("serviceAccounts", "is missing or empty: add a list of service accounts, each with"
                        + " \"name\", \"provider\", \"project\" and \"credentials\"");
            }
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < sas.size(); i++) {
                accounts.add(account(sas.get(i), "serviceAccounts[" + i + "]"));
            }
            return accounts;
        }

        private TagAliases tagAliases(JsonNode node) {
            String shape = "must map each canonical tag key to the keys read as it, such as {\"team\": [\"Team\","
                    + " \"owner-team\"]}";
            if (!node.isObject()) {
                throw error("tagAliases", shape);
            }
            Map<String, List<String>> aliases = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String at = "tagAliases." + e.getKey();
                if (!e.getValue().isArray()) {
                    throw error(at, shape);
                }
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < e.getValue().size(); i++) {
                    JsonNode k = e.getValue().get(i);
                    if (!k.isTextual()) {
                        throw error(at + "[" + i + "]", "must be a string: a tag key");
                    }
                    keys.add(resolve(k.asText(), at + "[" + i + "]"));
                }
                aliases.put(e.getKey(), keys);
            }
            try {
                return TagAliases.of(aliases);
            } catch (InvalidRequestException e) {
                throw error("tagAliases", e.getMessage());
            }
        }

        private AnomalySettings anomalies(JsonNode node) {
            requireObject(node, "anomalies");
            allowOnly(node, "anomalies.", Set.of("sensitivity", "minimumPercent", "minimumIncrease", "tagKeys"));
            AnomalySettings d = AnomalySettings.DEFAULTS;
            BigDecimal sensitivity = node.has("sensitivity") ? decimal(node.get("sensitivity"),
                    "anomalies.sensitivity", "how many spreads a day must rise above its baseline, such as \"3\"")
                    : d.sensitivity();
            BigDecimal percent = node.has("minimumPercent") ? decimal(node.get("minimumPercent"),
                    "anomalies.minimumPercent", "the percentage of the baseline a day must rise by, such as \"20\"")
                    : d.minimumPercent();
            Map<Currency, BigDecimal> increase = new LinkedHashMap<>();
            JsonNode inc = node.path("minimumIncrease");
            if (!inc.isMissingNode()) {
                requireObject(inc, "anomalies.minimumIncrease");
                for (Map.Entry<String, JsonNode> e : inc.properties()) {
                    String at = "anomalies.minimumIncrease." + e.getKey();
                    Currency currency;
                    try {
                        currency = Money.currency(e.getKey());
                    } catch (IllegalArgumentException ex) {
                        throw error(at, "'" + e.getKey() + "' is not an ISO 4217 currency code such as USD");
                    }
                    increase.put(currency, decimal(e.getValue(), at, "the least increase in " + e.getKey()
                            + " that counts, such as \"10\""));
                }
            }
            List<String> tagKeys = new ArrayList<>();
            JsonNode tags = node.path("tagKeys");
            if (!tags.isMissingNode()) {
                if (!tags.isArray()) {
                    throw error("anomalies.tagKeys", "must be a list of tag keys, such as [\"team\"]");
                }
                for (int i = 0; i < tags.size(); i++) {
                    if (!tags.get(i).isTextual()) {
                        throw error("anomalies.tagKeys[" + i + "]", "must be a string");
                    }
                    tagKeys.add(resolve(tags.get(i).asText(), "anomalies.tagKeys[" + i + "]"));
                }
            }
            try {
                return new AnomalySettings(sensitivity, percent, increase, tagKeys);
            } catch (InvalidRequestException e) {
                throw error("anomalies", e.getMessage().replaceFirst("^anomalies: ", ""));
            }
        }

        private Budget budget(JsonNode node, String path, List<Account> accounts) {
            requireObject(node, path);
            allowOnly(node, path + ".", Set.of("name", "scope", "amount", "currency", "period", "thresholds"));
            String name = text(node, path, "name", "give the budget a unique name");
            String where = path + " ('" + Bounds.echo(name) + "')";
            Budget.Scope scope = scope(node.get("scope"), where + ".scope", accounts);
            BigDecimal amount = decimal(node.get("amount"), where + ".amount", "the monthly limit, such as \"5000\"");
            String code = text(node, where, "currency", "the budget's ISO 4217 currency, such as \"USD\"");
            Currency currency;
            try {
                currency = Money.currency(code);
            } catch (IllegalArgumentException e) {
                throw error(where + ".currency", "'" + code + "' is not an ISO 4217 currency code such as USD");
            }
            JsonNode period = node.get("period");
            if (period != null && !(period.isTextual() && period.asText().equalsIgnoreCase("MONTHLY"))) {
                throw error(where + ".period", "must be \"MONTHLY\" (the only budget period)");
            }
            List<Budget.Threshold> thresholds = new ArrayList<>();
            JsonNode ts = node.path("thresholds");
            if (!ts.isMissingNode() && !ts.isArray()) {
                throw error(where + ".thresholds", "must be a list such as [{\"percent\": 80}, {\"percent\": 100,"
                        + " \"forecast\": true}]");
            }
            for (int i = 0; i < ts.size(); i++) {
                String at = where + ".thresholds[" + i + "]";
                JsonNode t = ts.get(i);
                requireObject(t, at);
                allowOnly(t, at + ".", Set.of("percent", "forecast"));
                BigDecimal percent = decimal(t.get("percent"), at + ".percent", "a percentage of the amount, such as 80");
                JsonNode forecast = t.path("forecast");
                if (!forecast.isMissingNode() && !forecast.isBoolean()) {
                    throw error(at + ".forecast", "must be true (compare the month-end forecast) or false (actual spend)");
                }
                try {
                    thresholds.add(new Budget.Threshold(percent, forecast.asBoolean(false)));
                } catch (InvalidRequestException e) {
                    throw error(at + ".percent", e.getMessage());
                }
            }
            try {
                return new Budget(name, scope, new Money(amount, currency), Budget.Period.MONTHLY, thresholds);
            } catch (InvalidRequestException e) {
                throw error(where, e.getMessage());
            }
        }

        private Budget.Scope scope(JsonNode node, String path, List<Account> accounts) {
            String fix = "must be \"domain\", {\"project\": P} or {\"serviceAccount\": NAME}";
            if (node == null || node.isNull()) {
                throw error(path, "is missing: it " + fix);
            }
            if (node.isTextual() && node.asText().equals("domain")) {
                return Budget.Scope.domain();
            }
            if (!node.isObject() || node.size() != 1 || !(node.has("project") || node.has("serviceAccount"))
                    || !node.elements().next().isTextual()) {
                throw error(path, fix);
            }
            if (node.has("project")) {
                String project = resolve(node.get("project").asText(), path + ".project");
                List<String> known = accounts.stream().map(Account::project).distinct().sorted().toList();
                if (!known.contains(project)) {
                    throw error(path + ".project", "no service account belongs to project '" + project
                            + "'; configured projects: " + String.join(", ", known));
                }
                return Budget.Scope.project(project);
            }
            String name = resolve(node.get("serviceAccount").asText(), path + ".serviceAccount");
            List<String> known = accounts.stream().map(Account::name).toList();
            if (!known.contains(name)) {
                throw error(path + ".serviceAccount", "no service account is named '" + Bounds.echo(name)
                        + "'; configured service accounts: " + String.join(", ", known));
            }
            return Budget.Scope.serviceAccount(name);
        }

        /** A decimal given as a JSON string or number, read exactly. */
        private BigDecimal decimal(JsonNode v, String path, String what) {
            if (v == null || v.isNull()) {
                throw error(path, "is missing: " + what);
            }
            try {
                if (v.isNumber()) {
                    return Bounds.decimal(v.decimalValue());
                }
                if (v.isTextual()) {
                    return Bounds.decimal(resolve(v.asText(), path));
                }
            } catch (NumberFormatException e) {
                if (e.getMessage().contains("supported range") || e.getMessage().contains("characters a decimal")) {
                    throw error(path, e.getMessage() + ": " + what);
                }
            }
            throw error(path, "must be a decimal number: " + what);
        }

        private Account account(JsonNode node, String path) {
            requireObject(node, path);
            if (node.has("labels")) {
                // ServiceAccount labels are for host applications; no command reads them, so none is accepted
                throw error(path + ".labels", "no command uses service account labels: remove \"labels\" (to"
                        + " tell accounts apart, give them names and projects)");
            }
            allowOnly(node, path + ".", Set.of("name", "provider", "project", "credentials"));
            String name = text(node, path, "name", "give the service account a unique name");
            String where = path + " ('" + Bounds.echo(name) + "')";
            String provider = text(node, where, "provider", "name the provider, for example \"hyperbilling-aws\""
                    + " (see 'billing providers')");
            String project = text(node, where, "project", "every billing service account belongs to a project;"
                    + " add \"project\": \"<project-id>\"");
            JsonNode creds = node.path("credentials");
            if (!creds.isObject()) {
                throw error(where + ".credentials", "is missing: add the credentials the provider asks for"
                        + " (see 'billing providers')");
            }
            Set<String> literal = new LinkedHashSet<>();
            Map<String, String> credentials = strings(creds, path + ".credentials", literal);
            return new Account(path, name, provider, project, Credentials.of(credentials), literal);
        }

        private String text(JsonNode node, String where, String field, String fix) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                throw error(where, "\"" + field + "\" is missing: " + fix);
            }
            if (!v.isTextual()) {
                throw error(where + "." + field, "must be a string");
            }
            return resolve(v.asText(), where + "." + field);
        }

        /** Reads an object of string values; records the keys written without {@code ${env:...}} in {@code literal}. */
        private Map<String, String> strings(JsonNode node, String path, Set<String> literal) {
            requireObject(node, path);
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw error(path + "." + e.getKey(), "must be a string");
                }
                String raw = v.asText();
                if (literal != null && !ENV.matcher(raw).find()) {
                    literal.add(e.getKey());
                }
                out.put(e.getKey(), resolve(raw, path + "." + e.getKey()));
            }
            return out;
        }

        private String resolve(String raw, String path) {
            Matcher m = ENV.matcher(raw);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value = env.get(name);
                if (value == null) {
                    throw error(path, "environment variable " + name + " (from \"${env:" + name + "}\") is not set:"
                            + " export it, or change the value");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        private void allowOnly(JsonNode node, String prefix, Set<String> allowed) {
            node.properties().forEach(e -> {
                String f = e.getKey();
                if (!allowed.contains(f)) {
                    throw error(prefix + f, "unknown field; allowed here: " + String.join(", ", sorted(allowed)));
                }
            });
        }

        private void requireObject(JsonNode node, String path) {
            if (!node.isObject()) {
                throw error(path, "must be a JSON object");
            }
        }

        private BillingConfigException error(String path, String message) {
            return new BillingConfigException(path, file + ": " + path + ": " + message);
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
