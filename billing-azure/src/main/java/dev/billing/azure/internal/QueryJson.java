package dev.billing.azure.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Query API's JSON: the request body, and the answer's {@code properties.columns},
 * {@code properties.rows} and {@code properties.nextLink}. Numbers are read as exact decimals,
 * never through {@code double}.
 */
final class QueryJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private QueryJson() {
    }

    /**
     * The body of {@code POST {scope}/providers/Microsoft.CostManagement/query}.
     *
     * @param costType {@code ActualCost} or {@code AmortizedCost}
     * @param first the window's first day
     * @param last the window's last day (the API's end is inclusive)
     * @param grouping the dimensions to group by
     * @param tagKey a tag name grouped by after the dimensions ({@code {"type": "TagKey", "name": tagKey}}), or null;
     *     at most two groupings in all (the 2023-11-01 specification's {@code QueryDataset.grouping maxItems})
     * @param filter the dataset's filter, or null
     */
    static byte[] body(String costType, LocalDate first, LocalDate last, List<String> grouping, String tagKey,
                       JsonNode filter) {
        if (grouping.size() + (tagKey == null ? 0 : 1) > 2) {
            throw new IllegalArgumentException("a query can have up to 2 group by clauses");
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", costType);
        root.put("timeframe", "Custom");
        ObjectNode period = root.putObject("timePeriod");
        period.put("from", first + "T00:00:00+00:00");
        period.put("to", last + "T23:59:59+00:00");
        ObjectNode dataset = root.putObject("dataset");
        dataset.put("granularity", "Daily");
        ObjectNode total = dataset.putObject("aggregation").putObject("totalCost");
        total.put("name", "Cost");
        total.put("function", "Sum");
        ArrayNode groups = dataset.putArray("grouping");
        for (String g : grouping) {
            groups.addObject().put("type", "Dimension").put("name", g);
        }
        if (tagKey != null) {
            groups.addObject().put("type", "TagKey").put("name", tagKey);
        }
        if (filter != null) {
            dataset.set("filter", filter);
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param dimension a dimension
     * @param values its values
     * @return the filter {@code {"dimensions": {"name": dimension, "operator": "In", "values": values}}}
     */
    static ObjectNode in(String dimension, List<String> values) {
        return comparison("dimensions", dimension, values);
    }

    /**
     * A tag value filter. The 2023-11-01 specification ({@code costmanagement.json}, Azure/azure-rest-api-specs
     * commit 126b6dc1fd1fd1a5b408febed72903465e72d546) gives {@code QueryFilter} the properties {@code and}, {@code or},
     * {@code dimensions} and {@code tags}, the last two a {@code QueryComparisonExpression} whose {@code operator}
     * enum is {@code ["In"]} and whose {@code values} are strings with {@code minItems: 1}: a filter can select
     * a tag's values, never the resources without the tag.
     *
     * @param tag a tag name
     * @param value one of its values
     * @return the filter {@code {"tags": {"name": tag, "operator": "In", "values": [value]}}}
     */
    static ObjectNode tag(String tag, String value) {
        return comparison("tags", tag, List.of(value));
    }

    private static ObjectNode comparison(String kind, String name, List<String> values) {
        ObjectNode f = MAPPER.createObjectNode();
        ObjectNode d = f.putObject(kind).put("name", name).put("operator", "In");
        values.forEach(d.putArray("values")::add);
        return f;
    }

    /**
     * @param filters filters, null ones ignored
     * @return all of them: null for none, the filter itself for one, else one {@code {"and": [...]}} whose items
     *     are the filters, an {@code and} among them flattened into it ({@code QueryFilter.and}: "Must have at
     *     least 2 items", same source as {@link #tag})
     */
    static JsonNode and(JsonNode... filters) {
        ArrayNode all = MAPPER.createArrayNode();
        for (JsonNode f : filters) {
            if (f != null && f.has("and")) {
                all.addAll((ArrayNode) f.get("and"));
            } else if (f != null) {
                all.add(f);
            }
        }
        if (all.size() < 2) {
            return all.isEmpty() ? null : all.get(0);
        }
        ObjectNode f = MAPPER.createObjectNode();
        f.set("and", all);
        return f;
    }

    /** @return the parsed JSON, or null when the body is empty or not JSON */
    static JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * One page of a query answer.
     *
     * @param columns column name (lower case) to index
     * @param rows the rows, each a JSON array
     * @param nextLink the next page's URL, or null
     */
    record Page(Map<String, Integer> columns, List<JsonNode> rows, String nextLink) {
        static final Page EMPTY = new Page(Map.of(), List.of(), null);

        /** @return the index of the first of these columns present, or -1 */
        int column(String... names) {
            for (String n : names) {
                Integer i = columns.get(n.toLowerCase(Locale.ROOT));
                if (i != null) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * @param body a 200 answer
     * @return the page
     * @throws IllegalArgumentException describing what is wrong with it
     */
    static Page page(byte[] body) {
        if (body == null || body.length == 0) {
            return Page.EMPTY;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the answer is not JSON (" + e.getClass().getSimpleName() + ", "
                    + body.length + " bytes)");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the answer is not a JSON object");
        }
        JsonNode props = root.get("properties");
        if (props == null || !props.isObject()) {
            throw new IllegalArgumentException("the answer has no 'properties' object");
        }
        JsonNode cols = props.get("columns");
        JsonNode rows = props.get("rows");
        if (cols == null || !cols.isArray()) {
            throw new IllegalArgumentException("the answer has no 'properties.columns' array");
        }
        if (rows == null || !rows.isArray()) {
            throw new IllegalArgumentException("the answer has no 'properties.rows' array");
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < cols.size(); i++) {
            String name = cols.get(i).path("name").asText("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("column " + i + " has no name");
            }
            columns.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
        }
        List<JsonNode> list = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            if (!row.isArray() || row.size() != cols.size()) {
                throw new IllegalArgumentException("a row is not an array of " + cols.size() + " values");
            }
            list.add(row);
        }
        JsonNode next = props.get("nextLink");
        if (next == null || next.isNull()) {
            next = root.get("nextLink");
        }
        String link = next == null || next.isNull() || next.asText("").isBlank() ? null : next.asText();
        return new Page(columns, list, link);
    }

    /** @return the {@code error.code} and {@code error.message} of an ARM error answer, as {@code : code: message}, or "" */
    static String describeError(byte[] body) {
        JsonNode root = tree(body);
        if (root == null) {
            return "";
        }
        JsonNode error = root.path("error");
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        if (code.isEmpty() && message.isEmpty()) {
            return "";
        }
        return ": " + Tokens.shorten(code + (message.isEmpty() ? "" : " " + message));
    }

    static String errorCode(byte[] body) {
        JsonNode root = tree(body);
        return root == null ? "" : root.path("error").path("code").asText("");
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
