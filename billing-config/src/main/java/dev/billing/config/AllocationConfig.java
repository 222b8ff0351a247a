package dev.billing.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.Allocation;
import dev.billing.core.InvalidAllocationException;
import dev.billing.core.support.Bounds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code "allocation"} block of {@code billing.json} (docs/allocation.md, docs/cli.md):
 *
 * <pre>
 * "allocation": {
 *   "rules": [{"name": "ml", "when": {"subAccount": ["222222222222"]}, "project": "project-ml"}],
 *   "splits": [{"name": "platform", "from": {"project": ["project-platform"]},
 *               "to": ["project-web", "project-data"], "method": "fixed", "percents": ["70", "30"]}]
 * }
 * </pre>
 *
 * Every error is one line naming the file and the rule or split.
 */
final class AllocationConfig {
    private final Path file;

    private AllocationConfig(Path file) {
        this.file = file;
    }

    /**
     * @param file the file, as messages name it
     * @param node the {@code "allocation"} value
     * @return the allocation
     * @throws BillingConfigException naming the file and the rule or split
     */
    static Allocation read(Path file, JsonNode node) {
        return new AllocationConfig(file).allocation(node);
    }

    private Allocation allocation(JsonNode node) {
        requireObject(node, "allocation", "must be an object with \"rules\" and \"splits\"");
        allowOnly(node, "allocation", Set.of("rules", "splits"));
        List<Allocation.Rule> rules = new ArrayList<>();
        List<Allocation.Split> splits = new ArrayList<>();
        JsonNode rs = list(node, "rules");
        for (int i = 0; i < rs.size(); i++) {
            rules.add(rule(rs.get(i), "allocation.rules[" + i + "]"));
        }
        JsonNode ss = list(node, "splits");
        for (int i = 0; i < ss.size(); i++) {
            splits.add(split(ss.get(i), "allocation.splits[" + i + "]"));
        }
        try {
            return Allocation.of(rules, splits);
        } catch (InvalidAllocationException e) {
            throw refused("allocation", e);
        }
    }

    private JsonNode list(JsonNode node, String field) {
        JsonNode list = node.path(field);
        if (list.isMissingNode()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!list.isArray()) {
            throw error("allocation." + field, "must be a list");
        }
        return list;
    }

    private Allocation.Rule rule(JsonNode node, String path) {
        requireObject(node, path, "must be an object with \"name\", \"when\" and \"project\" or \"projectFromTag\"");
        allowOnly(node, path, Set.of("name", "when", "project", "projectFromTag"));
        String name = text(node, path, "name");
        try {
            return Allocation.Rule.of(name, conditions(node.path("when"), path, name, "when"),
                    optionalText(node, path, "project"), optionalText(node, path, "projectFromTag"));
        } catch (InvalidAllocationException e) {
            throw refused(path, e);
        }
    }

    private Allocation.Split split(JsonNode node, String path) {
        requireObject(node, path, "must be an object with \"name\", \"from\", \"to\" and \"method\"");
        allowOnly(node, path, Set.of("name", "from", "to", "method", "percents"));
        String name = text(node, path, "name");
        String method = text(node, path, "method");
        try {
            return Allocation.Split.of(name, conditions(node.path("from"), path, name, "from"),
                    strings(node.path("to"), path + ".to"), method,
                    node.has("percents") ? strings(node.get("percents"), path + ".percents") : List.of());
        } catch (InvalidAllocationException e) {
            throw refused(path, e);
        }
    }

    private Map<String, List<String>> conditions(JsonNode node, String path, String name, String field) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw error(path + " ('" + Bounds.echo(name) + "')." + field, "must map each dimension (or tag:KEY) to a"
                    + " list of accepted values, such as {\"service\": [\"AmazonEC2\"]}");
        }
        node.properties().forEach(e -> out.put(e.getKey(), strings(e.getValue(), path + " ('" + Bounds.echo(name)
                + "')." + field + "." + e.getKey())));
        return out;
    }

    private List<String> strings(JsonNode node, String path) {
        if (!node.isArray()) {
            throw error(path, "must be a list of strings, such as [\"a\", \"b\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : node) {
            if (!v.isTextual()) {
                throw error(path, "must be a list of strings; write numbers in quotes, such as \"70\"");
            }
            out.add(v.asText());
        }
        return out;
    }

    private String text(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw error(path + "." + field, "is missing or not a string");
        }
        return v.asText();
    }

    private String optionalText(JsonNode node, String path, String field) {
        return node.has(field) ? text(node, path, field) : null;
    }

    private void requireObject(JsonNode node, String path, String shape) {
        if (node == null || !node.isObject()) {
            throw error(path, shape);
        }
    }

    private void allowOnly(JsonNode node, String path, Set<String> allowed) {
        node.properties().forEach(e -> {
            if (!allowed.contains(e.getKey())) {
                throw error(path + "." + e.getKey(), "unknown field; allowed here: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        });
    }

    private BillingConfigException refused(String path, InvalidAllocationException e) {
        return new BillingConfigException(path, file + ": " + e.getMessage());
    }

    private BillingConfigException error(String path, String message) {
        return new BillingConfigException(path, file + ": " + path + ": " + message);
    }
}
