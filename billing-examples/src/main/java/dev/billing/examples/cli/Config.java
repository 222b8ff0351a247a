package dev.billing.examples.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.core.AnomalySettings;
import dev.billing.core.Budget;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Money;
import dev.billing.core.TagAliases;
import dev.billing.core.support.Bounds;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration file (docs/cli.md): providers and their settings, the billing service accounts, the
 * budgets and the anomaly settings. Every string value may hold {@code ${env:NAME}}, replaced by the environment
 * variable.
 *
 * @param file the file read
 * @param providers each configured provider id and its settings, in file order
 * @param serviceAccounts the service accounts, in file order
 * @param budgets the budgets, in file order
 * @param anomalies the anomaly settings ({@code "anomalies"}), the defaults when absent
 * @param tagAliases the tag keys read under a canonical key ({@code "tagAliases"}), none when absent
 * @param store the cost store ({@code "store"}: an H2 file path or a PostgreSQL JDBC URL), or {@code null}
 */
record Config(Path file, Map<String, Map<String, String>> providers, List<Account> serviceAccounts,
              List<Budget> budgets, AnomalySettings anomalies, TagAliases tagAliases, String store) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // exact amounts and percentages: BigDecimal from the first character parsed
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([^}]*)}");

    /**
     * One service account entry.
     *
     * @param path where it is in the file, for example {@code serviceAccounts[0]}
     * @param name its name
     * @param provider its provider id
     * @param project its project
     * @param credentials the credential values, {@code ${env:...}} resolved
     * @param literal the credential fields written as literal values (no {@code ${env:...}})
     */
    record Account(String path, String name, String provider, String project, Map<String, String> credentials,
                   Set<String> literal) {
        String where() {
            return path + " ('" + Bounds.echo(name) + "')";
        }
    }

    /**
     * @param file the configuration file
     * @param env the environment variables
     * @return the configuration
     * @throws CliException (exit 2) naming the file, the field and what to fix
     */
    static Config load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw CliException.usage("config file " + file + " not found: pass --config with the path of an existing"
                    + " configuration file");
        } catch (CharacterCodingException e) {
            throw CliException.usage("config file " + file + " is not UTF-8 text: save it as UTF-8");
        } catch (IOException e) {
            throw CliException.usage("config file " + file + " cannot be read (" + e.getMessage() + "): check the"
                    + " path and its permissions");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark some editors write
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw CliException.usage(file + ": invalid JSON" + where + ": " + e.getOriginalMessage()
                    + "; fix the JSON syntax there");
        }
        return new Reader(file, env).config(root);
    }

    /** Reads the tree, naming the path of whatever is wrong. */
    private static final class Reader {
        private final Path file;
        private final Map<String, String> env;

        Reader(Path file, Map<String, String> env) {
            this.file = file;
            this.env = env;
        }

        Config config(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw error("the top level", "must be a JSON object with \"providers\" and \"serviceAccounts\"");
            }
            allowOnly(root, "", Set.of("providers", "serviceAccounts", "budgets", "anomalies", "tagAliases", "store"));
            Map<String, Map<String, String>> providers = new LinkedHashMap<>();
            JsonNode ps = root.path("providers");
            if (!ps.isMissingNode()) {
                requireObject(ps, "providers");
                ps.properties().forEach(e -> providers.put(e.getKey(),
                        strings(e.getValue(), "providers." + e.getKey(), null)));
            }
            JsonNode sas = root.path("serviceAccounts");
            if (!sas.isArray() || sas.isEmpty()) {
                throw error("serviceAccounts", "is missing or empty: add a list of service accounts, each with"
                        + " \"name\", \"provider\", \"project\" and \"credentials\"");
            }
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < sas.size(); i++) {
                accounts.add(account(sas.get(i), "serviceAccounts[" + i + "]"));
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
            return new Config(file, providers, accounts, budgets,
                    anomalies.isMissingNode() ? AnomalySettings.DEFAULTS : anomalies(anomalies),
                    root.has("tagAliases") ? tagAliases(root.get("tagAliases")) : TagAliases.NONE, store);
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
            return new Account(path, name, provider, project, credentials, literal);
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

        private CliException error(String path, String message) {
            return CliException.usage(file + ": " + path + ": " + message);
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
