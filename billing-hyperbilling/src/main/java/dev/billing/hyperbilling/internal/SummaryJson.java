package dev.billing.hyperbilling.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.core.support.Bounds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of the HyperBilling summary API ({@code GET /summary}): a list of
 * {@code {kind, month, data: [{project_id, project_name, data: [rows]}]}}, each row with a
 * {@code costs} list. Numbers are read as exact decimals (never through a binary floating-point type).
 */
final class SummaryJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private SummaryJson() {
    }

    /** A summary answer: its items, or the error a {@code 200} carried instead. */
    record Answer(List<Item> items, Json.ErrorBody error) {
    }

    /** One element of the answer: one kind of one month. */
    record Item(String kind, String month, List<Row> rows) {
    }

    /**
     * One row of a project, as sent.
     *
     * @param projectId the vendor project ({@code project_id} of the enclosing project), "" when absent
     * @param date {@code date} (daily kinds), or null
     * @param invoiceMonth {@code invoice_month}, or null
     * @param service {@code service_name} (else {@code service_id}), or null
     * @param region {@code region_id}, or null
     * @param costs the {@code costs} entries
     */
    record Row(String projectId, String date, String invoiceMonth, String service, String region, List<Cost> costs) {
    }

    /**
     * One {@code costs} entry.
     *
     * @param finalCost {@code final_cost}, null when the answer sent {@code null}
     * @param cost {@code cost} (before credits), null when absent or {@code null}
     * @param credit {@code credit}, null when absent or {@code null}
     * @param currency {@code currency}
     */
    record Cost(BigDecimal finalCost, BigDecimal cost, BigDecimal credit, String currency) {
    }

    /**
     * @param body a 200 answer
     * @return the answer
     * @throws ReplyException when the body is not a well-formed summary answer
     */
    static Answer parse(byte[] body) {
        if (body.length == 0) {
            throw new ReplyException("empty body", null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new ReplyException("malformed JSON (" + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root != null && root.isObject() && root.has("errorCode")) {
            return new Answer(List.of(), new Json.ErrorBody(text(root, "errorCode"), text(root, "message")));
        }
        if (root == null || !root.isArray()) {
            throw new ReplyException("the body is not a JSON array of {kind, month, data}", null);
        }
        List<Item> items = new ArrayList<>();
        for (JsonNode item : root) {
            if (!item.isObject()) {
                throw new ReplyException("element " + (items.size() + 1) + " of the answer is not a JSON object", null);
            }
            List<Row> rows = new ArrayList<>();
            for (JsonNode project : array(item, "data")) {
                String projectId = text(project, "project_id");
                for (JsonNode row : array(project, "data")) {
                    rows.add(row(projectId == null ? "" : projectId, row));
                }
            }
            items.add(new Item(text(item, "kind"), text(item, "month"), rows));
        }
        return new Answer(items, null);
    }

    private static Row row(String projectId, JsonNode row) {
        if (!row.isObject()) {
            throw new ReplyException("a row of project '" + Json.shorten(projectId) + "' is not a JSON object", null);
        }
        List<Cost> costs = new ArrayList<>();
        for (JsonNode cost : array(row, "costs")) {
            if (!cost.isObject()) {
                throw new ReplyException("a costs entry of project '" + Json.shorten(projectId) + "' is not a JSON object", null);
            }
            JsonNode amount = cost.get("final_cost");
            if (amount == null) {
                throw new ReplyException("a costs entry of project '" + Json.shorten(projectId) + "' has no final_cost", null);
            }
            String currency = text(cost, "currency");
            if (currency == null || currency.isBlank()) {
                throw new ReplyException("a costs entry of project '" + Json.shorten(projectId) + "' has no currency", null);
            }
            costs.add(new Cost(decimal(amount, "final_cost"), optional(cost, "cost"), optional(cost, "credit"),
                    currency.trim()));
        }
        String service = text(row, "service_name");
        return new Row(projectId, text(row, "date"), text(row, "invoice_month"),
                service != null ? service : text(row, "service_id"), text(row, "region_id"), costs);
    }

    private static BigDecimal optional(JsonNode cost, String field) {
        JsonNode n = cost.get(field);
        return n == null ? null : decimal(n, field);
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        if (n.isNull()) {
            return null;
        }
        try {
            if (n.isNumber()) {
                return Bounds.decimal(n.decimalValue());
            }
            if (n.isTextual()) {
                return Bounds.decimal(n.asText());
            }
        } catch (NumberFormatException e) {
            throw new ReplyException(field + " is not a number within bounds: " + e.getMessage(), null);
        }
        throw new ReplyException(field + " is not a number: '" + Json.shorten(n.toString()) + "'", null);
    }

    /** @return the elements of an array field; none when the field is absent or null */
    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new ReplyException("'" + field + "' is not a JSON array", null);
        }
        return n;
    }

    /** @return the text of a scalar field, null when absent or null */
    private static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw new ReplyException("'" + field + "' is not a JSON value", null);
        }
        return n.asText();
    }
}
