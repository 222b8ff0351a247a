package dev.billing.testkit.internal.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.testkit.AwsCostExplorerSimulator.Account;
import dev.billing.testkit.Fault;
import dev.billing.testkit.internal.FaultBook;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/** Serves AWS Cost Explorer's JSON 1.1 API ({@code GetCostAndUsage}, {@code GetDimensionValues}) from a {@link CostExplorerState}. */
public final class CostExplorerHandler implements HttpHandler {
    static final String TARGET_PREFIX = "AWSInsightsIndexService.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int MAX_BODY = 1 << 20;
    /** The dimensions this simulator's rows carry (a subset of {@link CostExplorerModel#DIMENSIONS}). */
    private static final Set<String> DIMENSIONS = Set.of("LINKED_ACCOUNT", "SERVICE", "REGION", "RECORD_TYPE");
    private static final Set<String> USAGE_METRICS = Set.of("NormalizedUsageAmount", "UsageQuantity");
    private static final Set<String> AMORTIZED_METRICS = Set.of("AmortizedCost", "NetAmortizedCost");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final CostExplorerState state;

    /** @param state what to serve */
    public CostExplorerHandler(CostExplorerState state) {
        this.state = state;
    }

    /** An error answer. */
    private static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;

        ApiError(int status, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
        }
    }

    /**
     * How Cost Explorer answers faults: throttling is {@code LimitExceededException}, the throttling error
     * GetCostAndUsage declares ({@link CostExplorerModel#DECLARED_ERRORS}, botocore
     * {@code data/ce/2017-10-25/service-2.json} at 0e6e2404b85dc336dd2889814e089bde7d1a4c55), HTTP 400 and without
     * {@code Retry-After} as every AWS JSON 1.1 error; server errors are {@code InternalFailure} or
     * {@code ServiceUnavailable}.
     */
    private static final FaultBook.Vendor<ApiError> VENDOR = new FaultBook.Vendor<>() {
        @Override
        public ApiError throttle(Fault.RetryAfter retryAfter) {
            return new ApiError(400, "LimitExceededException", "Rate limit exceeded");
        }

        @Override
        public ApiError serverError(int status) {
            return new ApiError(status, status == 503 ? "ServiceUnavailable" : "InternalFailure", "Internal error");
        }

        @Override
        public ApiError error(int status, String code, String message) {
            return new ApiError(status, code, message);
        }

        @Override
        public ApiError rejectedKey(String account) {
            return new ApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
    };

    private static ApiError validation(String message) {
        return new ApiError(400, "ValidationException", message);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        state.countRequest();
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            try {
                if (body.length > MAX_BODY) {
                    throw new ApiError(413, "SerializationException", "request too large");
                }
                byte[] answer = answer(ex, body);
                send(ex, 200, answer);
            } catch (ApiError e) {
                sendError(ex, e.status, e.type, e.getMessage());
            }
        }
    }

    private byte[] answer(HttpExchange ex, byte[] body) throws ApiError, IOException {
        if (!ex.getRequestMethod().equals("POST") || !"/".equals(ex.getRequestURI().getRawPath())) {
            throw new ApiError(404, "UnknownOperationException", "only POST / is served");
        }
        Account account = authenticate(ex, body);
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(CONTENT_TYPE)) {
            throw new ApiError(400, "SerializationException", "Content-Type must be " + CONTENT_TYPE);
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "SerializationException", "malformed JSON");
        }
        if (req == null || !req.isObject()) {
            throw new ApiError(400, "SerializationException", "the body must be a JSON object");
        }
        if ((TARGET_PREFIX + "GetCostAndUsage").equals(target)) {
            state.countCost(account.account(), new String(body, StandardCharsets.UTF_8));
            state.faults().apply(ex, List.of(account.account()), VENDOR);
            return getCostAndUsage(account, (ObjectNode) req);
        }
        if ((TARGET_PREFIX + "GetDimensionValues").equals(target)) {
            return getDimensionValues(account, req);
        }
        throw new ApiError(400, "UnknownOperationException", "unknown operation " + target);
    }

    private Account authenticate(HttpExchange ex, byte[] body) throws ApiError {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            throw new ApiError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        SigV4.Authorization auth = SigV4.Authorization.parse(header);
        if (auth == null) {
            throw new ApiError(400, "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature'"
                    + " and 'SignedHeaders' parameters with the AWS4-HMAC-SHA256 algorithm");
        }
        Account account = state.byKey(auth.accessKeyId());
        if (account == null) {
            throw new ApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        Function<String, List<String>> headers = name -> ex.getRequestHeaders().get(name);
        SigV4.Refusal refusal = SigV4.verify(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                headers, body, auth, account.secretAccessKey(), state.region(), "ce", state.clock().instant());
        if (refusal != null) {
            throw new ApiError(400, refusal.code(), refusal.message());
        }
        String token = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
        if (account.sessionToken() != null && !account.sessionToken().equals(token)
                || account.sessionToken() == null && token != null) {
            throw new ApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (token != null && !auth.signedHeaders().contains("x-amz-security-token")) {
            throw new ApiError(400, "InvalidSignatureException", "X-Amz-Security-Token must be signed");
        }
        return account;
    }

    // ---- GetCostAndUsage ----

    private byte[] getCostAndUsage(Account account, ObjectNode req) throws ApiError, IOException {
        LocalDate[] period = timePeriod(req);
        for (String member : CostExplorerModel.REQUIRED) {
            if (!req.hasNonNull(member)) {
                throw validation("1 validation error detected: Value null at '" + Character.toLowerCase(member.charAt(0))
                        + member.substring(1) + "' failed to satisfy constraint: Member must not be null");
            }
        }
        String granularity = text(req, "Granularity");
        if (!CostExplorerModel.GRANULARITIES.contains(granularity)) {
            throw validation(CostExplorerModel.enumViolation(granularity, "granularity", CostExplorerModel.GRANULARITIES));
        }
        if (!granularity.equals("DAILY") && !granularity.equals("MONTHLY")) {
            throw validation("Granularity " + granularity + " is not served by this simulator (DAILY or MONTHLY)");
        }
        JsonNode metricsNode = req.get("Metrics");
        if (metricsNode == null || !metricsNode.isArray() || metricsNode.isEmpty()) {
            throw validation("Metrics is required for GetCostAndUsage requests");
        }
        List<String> metrics = new ArrayList<>();
        for (JsonNode m : metricsNode) {
            if (!CostExplorerModel.METRICS.contains(m.asText())) {
                throw validation("Metric " + m.asText() + " is not a valid metric");
            }
            metrics.add(m.asText());
        }
        List<Def> groupBy = new ArrayList<>();
        JsonNode gb = req.get("GroupBy");
        if (gb != null && !gb.isNull()) {
            if (!gb.isArray() || gb.size() > CostExplorerModel.MAX_GROUP_BY) {
                throw validation("GroupBy takes at most " + CostExplorerModel.MAX_GROUP_BY + " group definitions");
            }
            int member = 0;
            for (JsonNode g : gb) {
                member++;
                String type = text(g, "Type");
                String key = text(g, "Key");
                if (!CostExplorerModel.GROUP_DEFINITION_TYPES.contains(type)) {
                    throw validation(CostExplorerModel.enumViolation(type, "groupBy." + member + ".member.type",
                            CostExplorerModel.GROUP_DEFINITION_TYPES));
                }
                if ("DIMENSION".equals(type) && !CostExplorerModel.DIMENSIONS.contains(key)) {
                    throw validation("Dimension " + key + " is not a valid dimension: " + CostExplorerModel.DIMENSIONS);
                }
                if ("COST_CATEGORY".equals(type)) {
                    throw validation("GroupBy Type " + type + " is not served by this simulator (DIMENSION and TAG only)");
                }
                if (key == null || key.isEmpty() || "DIMENSION".equals(type) && !DIMENSIONS.contains(key)) {
                    throw validation("GroupBy Key " + key + " is not served by this simulator: " + DIMENSIONS + " or a tag key");
                }
                Def def = new Def(type, key);
                if (groupBy.contains(def)) {
                    throw validation("GroupBy has " + type + " " + key + " twice");
                }
                groupBy.add(def);
            }
        }
        JsonNode filter = req.get("Filter");
        if (filter != null && !filter.isNull()) {
            checkExpression(filter, 0);
        }
        String token = text(req, "NextPageToken");
        ObjectNode unpaged = req.deepCopy();
        unpaged.remove("NextPageToken");
        String hash = hex(SigV4.sha256(unpaged.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        int offset = token == null ? 0 : offset(token, hash);

        List<Row> rows = new ArrayList<>();
        for (Row r : state.rows()) {
            if (r.account().equals(account.account()) && !r.date().isBefore(period[0]) && r.date().isBefore(period[1])
                    && (filter == null || filter.isNull() || matches(filter, r))) {
                rows.add(r);
            }
        }
        List<LocalDate[]> buckets = buckets(period, granularity.equals("MONTHLY"));
        record Entry(int bucket, List<String> keys, String currency, BigDecimal amount, BigDecimal amortized) {
        }
        List<Entry> entries = new ArrayList<>();
        for (int b = 0; b < buckets.size(); b++) {
            LocalDate[] bucket = buckets.get(b);
            Map<String, Entry> groups = new TreeMap<>();
            for (Row r : rows) {
                if (r.date().isBefore(bucket[0]) || !r.date().isBefore(bucket[1])) {
                    continue;
                }
                List<String> keys = new ArrayList<>();
                for (Def def : groupBy) {
                    keys.add(value(def, r));
                }
                String k = String.join("\u0000", keys) + "\u0000" + r.currency();
                Entry old = groups.get(k);
                groups.put(k, new Entry(b, keys, r.currency(), old == null ? r.amount() : old.amount().add(r.amount()),
                        old == null ? r.amortizedAmount() : old.amortized().add(r.amortizedAmount())));
            }
            if (groups.isEmpty() || groupBy.isEmpty()) {
                if (groupBy.isEmpty() && !groups.isEmpty()) {
                    entries.addAll(groups.values());
                } else {
                    entries.add(new Entry(b, null, null, null, null));
                }
            } else {
                entries.addAll(groups.values());
            }
        }
        int pageSize = groupBy.isEmpty() ? Integer.MAX_VALUE : state.pageSize();
        if (offset > entries.size()) {
            throw new ApiError(400, "InvalidNextTokenException", "The pagination token is invalid.");
        }
        int end = (int) Math.min(entries.size(), (long) offset + pageSize);
        List<Entry> page = entries.subList(offset, end);

        ObjectNode out = JSON.createObjectNode();
        if (!groupBy.isEmpty()) {
            ArrayNode defs = out.putArray("GroupDefinitions");
            groupBy.forEach(d -> defs.addObject().put("Type", d.type()).put("Key", d.key()));
        }
        ArrayNode results = out.putArray("ResultsByTime");
        ObjectNode current = null;
        int currentBucket = -1;
        Set<String> linked = new LinkedHashSet<>();
        for (Entry e : page) {
            if (e.bucket() != currentBucket) {
                currentBucket = e.bucket();
                LocalDate[] bucket = buckets.get(currentBucket);
                current = results.addObject();
                current.putObject("TimePeriod").put("Start", bucket[0].toString()).put("End", bucket[1].toString());
                current.putObject("Total");
                current.putArray("Groups");
                current.put("Estimated", !bucket[0].isBefore(state.estimatedFrom()));
            }
            if (e.keys() == null) {
                if (groupBy.isEmpty()) {
                    metrics((ObjectNode) current.get("Total"), metrics, "USD", BigDecimal.ZERO, BigDecimal.ZERO);
                }
                continue;
            }
            if (groupBy.isEmpty()) {
                ObjectNode total = (ObjectNode) current.get("Total");
                if (total.isEmpty()) {
                    metrics(total, metrics, e.currency(), e.amount(), e.amortized());
                } else {
                    // a second currency of one account: not served (one currency per account)
                    throw new ApiError(500, "InternalFailure", "the simulator's data has two currencies for one account");
                }
                continue;
            }
            ObjectNode g = ((ArrayNode) current.get("Groups")).addObject();
            ArrayNode keys = g.putArray("Keys");
            e.keys().forEach(keys::add);
            metrics(g.putObject("Metrics"), metrics, e.currency(), e.amount(), e.amortized());
            int li = groupBy.indexOf(new Def("DIMENSION", "LINKED_ACCOUNT"));
            if (li >= 0) {
                linked.add(e.keys().get(li));
            }
        }
        if (groupBy.contains(new Def("DIMENSION", "LINKED_ACCOUNT"))) {
            ArrayNode attrs = out.putArray("DimensionValueAttributes");
            for (String l : linked) {
                attrs.addObject().put("Value", l).putObject("Attributes").put("description", state.name(l));
            }
        } else {
            out.putArray("DimensionValueAttributes");
        }
        if (end < entries.size()) {
            out.put("NextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((end + "|" + hash).getBytes(StandardCharsets.UTF_8)));
        }
        return JSON.writeValueAsBytes(out);
    }

    /** A group definition: {@code DIMENSION} or {@code TAG}, and its key. */
    private record Def(String type, String key) {
    }

    private static void metrics(ObjectNode into, List<String> metrics, String currency, BigDecimal amount, BigDecimal amortized) {
        for (String m : metrics) {
            ObjectNode v = into.putObject(m);
            if (USAGE_METRICS.contains(m)) {
                v.put("Amount", "0").put("Unit", "N/A");
            } else {
                v.put("Amount", (AMORTIZED_METRICS.contains(m) ? amortized : amount).toPlainString()).put("Unit", currency);
            }
        }
    }

    private static int offset(String token, String hash) throws ApiError {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "InvalidNextTokenException", "The pagination token is invalid.");
        }
        int bar = decoded.indexOf('|');
        if (bar < 0 || !decoded.substring(0, bar).matches("\\d{1,9}")) {
            throw new ApiError(400, "InvalidNextTokenException", "The pagination token is invalid.");
        }
        if (!decoded.substring(bar + 1).equals(hash)) {
            throw new ApiError(400, "RequestChangedException", "Your request parameters changed between pages. Try again with"
                    + " the old parameters or without a pagination token.");
        }
        return Integer.parseInt(decoded.substring(0, bar));
    }

    private static List<LocalDate[]> buckets(LocalDate[] period, boolean monthly) {
        List<LocalDate[]> out = new ArrayList<>();
        LocalDate s = period[0];
        while (s.isBefore(period[1])) {
            LocalDate next = monthly ? s.withDayOfMonth(1).plusMonths(1) : s.plusDays(1);
            LocalDate e = next.isBefore(period[1]) ? next : period[1];
            out.add(new LocalDate[] {s, e});
            s = e;
        }
        return out;
    }

    private static LocalDate[] timePeriod(JsonNode req) throws ApiError {
        JsonNode tp = req.get("TimePeriod");
        if (tp == null || !tp.isObject()) {
            throw validation("TimePeriod is required");
        }
        LocalDate start = date(text(tp, "Start"), "Start");
        LocalDate end = date(text(tp, "End"), "End");
        if (!start.isBefore(end)) {
            throw validation("Start date (" + start + ") must be before end date (" + end + ")");
        }
        return new LocalDate[] {start, end};
    }

    private static LocalDate date(String s, String field) throws ApiError {
        if (s == null) {
            throw validation("TimePeriod." + field + " is required");
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw validation("TimePeriod." + field + " must be YYYY-MM-DD, got " + s);
        }
    }

    /**
     * A group's key: a dimension's value, or for a tag {@code key$value} ({@code key$} when the line lacks the tag),
     * as Cost Explorer answers a {@code TAG} group definition (API reference, GetCostAndUsage, {@code GroupBy}: "When you
     * group by the TAG type and include a valid tag key, you get all tag values, including empty strings"; the
     * {@code Keys} of such groups read {@code TagKey$value}, seen in aws/aws-sdk-go#5112 as {@code "TAGS$"}).
     */
    private static String value(Def def, Row r) {
        return def.type().equals("TAG") ? def.key() + "$" + r.tags().getOrDefault(def.key(), "") : value(def.key(), r);
    }

    private static String value(String dim, Row r) {
        return switch (dim) {
            case "LINKED_ACCOUNT" -> r.linkedAccount();
            case "SERVICE" -> r.service();
            case "REGION" -> r.region();
            case "RECORD_TYPE" -> r.recordType();
            default -> throw new IllegalStateException(dim);
        };
    }

    private static void checkExpression(JsonNode e, int depth) throws ApiError {
        if (!e.isObject() || depth > 10) {
            throw validation("Filter expressions must be objects, nested at most 10 deep");
        }
        List<String> set = new ArrayList<>();
        e.fieldNames().forEachRemaining(f -> {
            if (!e.get(f).isNull()) {
                set.add(f);
            }
        });
        if (set.size() != 1) {
            throw validation("an Expression takes exactly one of And, Or, Not, Dimensions, Tags, CostCategories; got " + set);
        }
        String op = set.get(0);
        switch (op) {
            case "And", "Or" -> {
                JsonNode list = e.get(op);
                if (!list.isArray() || list.size() < 2) {
                    throw validation(op + " needs a list of at least 2 expressions");
                }
                for (JsonNode x : list) {
                    checkExpression(x, depth + 1);
                }
            }
            case "Not" -> checkExpression(e.get("Not"), depth + 1);
            case "Dimensions" -> {
                JsonNode d = e.get("Dimensions");
                String key = text(d, "Key");
                if (!CostExplorerModel.DIMENSIONS.contains(key)) {
                    throw validation(CostExplorerModel.enumViolation(key, "filter.dimensions.key", CostExplorerModel.DIMENSIONS));
                }
                if (!DIMENSIONS.contains(key)) {
                    throw validation("Dimensions Key " + key + " is not served by this simulator: " + DIMENSIONS);
                }
                JsonNode values = d.get("Values");
                if (values == null || !values.isArray() || values.isEmpty()) {
                    throw validation("Dimensions Values must be a non-empty list");
                }
                JsonNode options = d.get("MatchOptions");
                if (options != null && !options.isNull()) {
                    for (JsonNode o : options) {
                        if (!o.asText().equals("EQUALS")) {
                            throw validation("MatchOptions " + o.asText() + " is not served by this simulator (EQUALS only)");
                        }
                    }
                }
            }
            case "Tags" -> {
                JsonNode t = e.get("Tags");
                String key = text(t, "Key");
                if (key == null || key.isEmpty()) {
                    throw validation("Tags filters without a Key are not served by this simulator");
                }
                JsonNode options = t.get("MatchOptions");
                if (options != null && !options.isNull()) {
                    for (JsonNode o : options) {
                        if (!CostExplorerModel.MATCH_OPTIONS.contains(o.asText())) {
                            throw validation(CostExplorerModel.enumViolation(o.asText(), "filter.tags.matchOptions.member",
                                    CostExplorerModel.MATCH_OPTIONS));
                        }
                        if (!o.asText().equals("EQUALS") && !o.asText().equals("ABSENT")) {
                            throw validation("MatchOptions " + o.asText() + " is not served by this simulator (EQUALS, ABSENT)");
                        }
                    }
                }
            }
            default -> throw validation(op + " filters are not served by this simulator");
        }
    }

    private static boolean matches(JsonNode e, Row r) {
        if (e.hasNonNull("And")) {
            for (JsonNode x : e.get("And")) {
                if (!matches(x, r)) {
                    return false;
                }
            }
            return true;
        }
        if (e.hasNonNull("Or")) {
            for (JsonNode x : e.get("Or")) {
                if (matches(x, r)) {
                    return true;
                }
            }
            return false;
        }
        if (e.hasNonNull("Not")) {
            return !matches(e.get("Not"), r);
        }
        if (e.hasNonNull("Tags")) {
            return tagMatches(e.get("Tags"), r);
        }
        JsonNode d = e.get("Dimensions");
        String v = value(d.get("Key").asText(), r);
        for (JsonNode x : d.get("Values")) {
            if (x.asText().equals(v)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A {@code Tags} filter (service model, shape {@code TagValues}): "If Key is provided and Values isn't specified, the
     * ABSENT MatchOption is applied to the tag Key only", so such a filter, or one with {@code ABSENT}, matches lines
     * without the tag; otherwise a line matches when its value is one of {@code Values}.
     */
    private static boolean tagMatches(JsonNode t, Row r) {
        String value = r.tags().getOrDefault(t.get("Key").asText(), "");
        JsonNode values = t.get("Values");
        boolean absent = values == null || values.isNull() || values.isEmpty();
        JsonNode options = t.get("MatchOptions");
        if (options != null && !options.isNull()) {
            for (JsonNode o : options) {
                absent |= o.asText().equals("ABSENT");
            }
        }
        if (absent) {
            return value.isEmpty();
        }
        for (JsonNode x : values) {
            if (x.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    // ---- GetDimensionValues ----

    private byte[] getDimensionValues(Account account, JsonNode req) throws ApiError, IOException {
        LocalDate[] period = timePeriod(req);
        String dim = text(req, "Dimension");
        if (dim == null || !DIMENSIONS.contains(dim)) {
            throw validation("Dimension " + dim + " is not served by this simulator: " + DIMENSIONS);
        }
        String search = text(req, "SearchString");
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (Row r : state.rows()) {
            if (r.account().equals(account.account()) && !r.date().isBefore(period[0]) && r.date().isBefore(period[1])) {
                String v = value(dim, r);
                if (search == null || v.toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT))) {
                    values.put(v, true);
                }
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("DimensionValues");
        for (String v : values.keySet()) {
            ObjectNode item = list.addObject().put("Value", v);
            ObjectNode attrs = item.putObject("Attributes");
            if (dim.equals("LINKED_ACCOUNT")) {
                attrs.put("description", state.name(v));
            }
        }
        out.put("ReturnSize", values.size()).put("TotalSize", values.size());
        return JSON.writeValueAsBytes(out);
    }

    // ---- wire ----

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void sendError(HttpExchange ex, int status, String type, String message) throws IOException {
        boolean front = type.equals("UnrecognizedClientException") || type.equals("InvalidSignatureException")
                || type.equals("IncompleteSignatureException") || type.equals("MissingAuthenticationTokenException")
                || type.equals("AccessDeniedException") || type.equals("ThrottlingException");
        ex.getResponseHeaders().set("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/"
                + (front ? "com.amazon.coral.service/" : "com.amazon.insights.index/"));
        ObjectNode body = JSON.createObjectNode().put("__type", type);
        body.put(front ? "message" : "Message", message);
        send(ex, status, JSON.writeValueAsBytes(body));
    }

    private static String hex(byte[] b) {
        return SigV4.hex(b);
    }
}
