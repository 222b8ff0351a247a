package dev.billing.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.testkit.Fault;
import dev.billing.testkit.SimulatorData;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Serves the HyperBilling v1 search API (docs/hyperbilling.md) from a {@link SimulatorState}. */
public final class ApiHandler implements HttpHandler {
    static final String LINKED_ACCOUNTS = "/v1/search/linkedaccount";
    static final String BILLING = "/v1/search/billing";
    private static final int MAX_DAILY_DAYS = 31;
    private static final int MAX_MONTHS = 12;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final SimulatorState state;

    /** @param state what to serve */
    public ApiHandler(SimulatorState state) {
        this.state = state;
    }

    /** One row of an answer, daily or monthly. */
    private record Line(String usageDate, String region, String service, String usageType, String instanceType,
                        BigDecimal cost, BigDecimal quantity) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            state.countRequest();
            pause();
            try {
                route(exchange);
            } catch (ApiError e) {
                e.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                Answers.send(exchange, e.status, Answers.error(e.code, e.getMessage()));
            } catch (RuntimeException e) {
                Answers.send(exchange, 500, Answers.error("INTERNAL_ERROR", "simulator failure: " + e.getClass().getSimpleName()));
            }
        }
    }

    private void pause() {
        if (state.latencyMillis() > 0) {
            try {
                Thread.sleep(state.latencyMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException, ApiError {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String allowed = LINKED_ACCOUNTS.equals(path) ? "GET" : BILLING.equals(path) ? "POST" : null;
        if (allowed == null) {
            throw new ApiError(404, "NOT_FOUND", "no such endpoint: " + path);
        }
        if (!allowed.equals(method)) {
            throw new ApiError(405, "METHOD_NOT_ALLOWED", path + " accepts " + allowed + " only",
                    Map.of("Allow", allowed));
        }
        SimulatorData data = state.data();
        SimulatorData.ApiUser user = authenticate(exchange, data);
        if (!state.admit(user.email())) {
            throw new ApiError(429, "THROTTLED", "more than the allowed requests per second for " + user.email(),
                    Map.of("Retry-After", "1"));
        }
        if (LINKED_ACCOUNTS.equals(path)) {
            for (String account : user.accounts()) {
                rejectIfRevoked(account);
            }
            Answers.send(exchange, 200, linkedAccounts(user));
        } else {
            billing(exchange, data, user);
        }
    }

    private static SimulatorData.ApiUser authenticate(HttpExchange exchange, SimulatorData data) throws ApiError {
        String email = exchange.getRequestHeaders().getFirst("X-Client-Id");
        String key = exchange.getRequestHeaders().getFirst("X-Client-Secret");
        if (email != null && key != null) {
            for (SimulatorData.ApiUser u : data.users()) {
                if (u.email().equals(email) && MessageDigest.isEqual(u.key().getBytes(StandardCharsets.UTF_8),
                        key.getBytes(StandardCharsets.UTF_8))) {
                    return u;
                }
            }
        }
        throw new ApiError(401, "UNAUTHORIZED", "missing or invalid X-Client-Id / X-Client-Secret");
    }

    private void rejectIfRevoked(String account) throws ApiError {
        if (state.faults().has(account, Fault.RejectedKey.class)) {
            throw ApiError.VENDOR.rejectedKey(account);
        }
    }

    private void billing(HttpExchange exchange, SimulatorData data, SimulatorData.ApiUser user)
            throws IOException, ApiError {
        JsonNode body = readBody(exchange.getRequestBody());
        JsonNode filter = body.path("Filter");
        List<String> accounts = accounts(filter.path("LinkedAccount"));
        String granularity = filter.path("Granularity").asText("");
        if (!granularity.equals("DAILY") && !granularity.equals("MONTHLY")) {
            throw new ApiError(400, "INVALID_GRANULARITY",
                    "Filter.Granularity must be DAILY or MONTHLY, got '" + granularity + "'");
        }
        boolean daily = granularity.equals("DAILY");
        LocalDate start = date(filter.path("TimePeriod"), "Start");
        LocalDate end = date(filter.path("TimePeriod"), "End");
        checkPeriod(daily, start, end);
        Currency currency = null;
        for (String account : accounts) {
            if (!data.accounts().contains(account)) {
                throw new ApiError(404, "ACCOUNT_NOT_FOUND", "unknown account " + account);
            }
            if (!user.accounts().contains(account)) {
                throw new ApiError(403, "ACCOUNT_NOT_LINKED", "account " + account + " is not linked to " + user.email());
            }
            if (currency != null && !currency.equals(data.currency(account))) {
                throw new ApiError(400, "MIXED_CURRENCY", "the accounts " + accounts + " bill in different currencies;"
                        + " ask for each separately");
            }
            currency = data.currency(account);
        }
        for (String account : accounts) {
            state.countBillingRequest(account);
        }
        state.faults().apply(exchange, accounts, ApiError.VENDOR);
        List<Line> lines = lines(data, accounts, daily, start, end);
        if (lines.isEmpty()) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        int offset = offset(filter.path("NextDataToken"), lines.size());
        int to = Math.min(lines.size(), offset + state.pageSize());
        String next = to < lines.size() ? token(to) : null;
        Answers.send(exchange, 200, page(Objects.requireNonNull(currency), lines.subList(offset, to), next));
    }

    private static JsonNode readBody(InputStream in) throws IOException, ApiError {
        try {
            JsonNode body = JSON.readTree(in);
            if (body == null || !body.isObject()) {
                throw new ApiError(400, "INVALID_REQUEST", "the request body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(400, "INVALID_REQUEST", "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static List<String> accounts(JsonNode node) throws ApiError {
        List<String> accounts = new ArrayList<>();
        if (node.isTextual()) {
            accounts.add(node.asText());
        } else {
            node.forEach(n -> accounts.add(n.asText()));
        }
        if (accounts.isEmpty()) {
            throw new ApiError(400, "INVALID_REQUEST", "Filter.LinkedAccount must name at least one account");
        }
        return accounts;
    }

    private static LocalDate date(JsonNode period, String field) throws ApiError {
        String text = period.path(field).asText("");
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "INVALID_TIME_PERIOD",
                    "Filter.TimePeriod." + field + " must be YYYY-MM-DD, got '" + text + "'");
        }
    }

    private static void checkPeriod(boolean daily, LocalDate start, LocalDate end) throws ApiError {
        if (!end.isAfter(start)) {
            throw new ApiError(400, "INVALID_TIME_PERIOD", "TimePeriod.End " + end + " must be after Start " + start);
        }
        if (daily && ChronoUnit.DAYS.between(start, end) > MAX_DAILY_DAYS) {
            throw new ApiError(400, "INVALID_TIME_PERIOD", "DAILY requests cover at most " + MAX_DAILY_DAYS
                    + " days; " + start + " to " + end + " is " + ChronoUnit.DAYS.between(start, end));
        }
        if (!daily) {
            if (start.getDayOfMonth() != 1 || end.getDayOfMonth() != 1) {
                throw new ApiError(400, "INVALID_TIME_PERIOD", "MONTHLY requests start and end on the 1st of a month");
            }
            if (ChronoUnit.MONTHS.between(start, end) > MAX_MONTHS) {
                throw new ApiError(400, "INVALID_TIME_PERIOD", "MONTHLY requests cover at most " + MAX_MONTHS
                        + " months");
            }
        }
    }

    private List<Line> lines(SimulatorData data, List<String> accounts, boolean daily, LocalDate start,
                             LocalDate end) {
        List<Line> lines = new ArrayList<>();
        boolean outside = accounts.stream().anyMatch(a -> state.faults().has(a, Fault.RowsOutsidePeriod.class));
        if (outside) {
            LocalDate before = daily ? start.minusDays(1) : start.minusMonths(1);
            lines.add(outsideLine(label(before, daily)));
        }
        Map<List<Object>, Line> monthly = new LinkedHashMap<>();
        for (SimulatorData.Row r : data.rows()) {
            if (!accounts.contains(r.account()) || r.date().isBefore(start) || !r.date().isBefore(end)) {
                continue;
            }
            Line line = new Line(label(r.date(), daily), r.region(), r.service(), r.usageType(), r.instanceType(),
                    r.cost(), r.quantity());
            if (daily) {
                lines.add(line);
            } else {
                List<Object> key = java.util.Arrays.asList(line.usageDate(), line.region(), line.service(),
                        line.usageType(), line.instanceType());
                monthly.merge(key, line, ApiHandler::sum);
            }
        }
        lines.addAll(monthly.values());
        if (accounts.stream().anyMatch(a -> state.faults().has(a, Fault.NullCosts.class))) {
            lines.add(new Line(label(start, daily), "USE1", "AWSSupportBusiness", "", null, null, null));
        }
        if (outside) {
            lines.add(outsideLine(label(end, daily)));
        }
        return lines;
    }

    private static Line sum(Line a, Line b) {
        BigDecimal quantity = a.quantity() == null ? b.quantity()
                : b.quantity() == null ? a.quantity() : a.quantity().add(b.quantity());
        return new Line(a.usageDate(), a.region(), a.service(), a.usageType(), a.instanceType(),
                a.cost().add(b.cost()), quantity);
    }

    private static Line outsideLine(String usageDate) {
        return new Line(usageDate, "USE1", "AmazonEC2", "USE1-BoxUsage:t3.micro", "t3.micro",
                new BigDecimal("999.99"), BigDecimal.ONE);
    }

    private static String label(LocalDate day, boolean daily) {
        return daily ? day.toString() : YearMonth.from(day).toString();
    }

    private static int offset(JsonNode token, int size) throws ApiError {
        if (token.isMissingNode() || token.isNull() || token.asText().isEmpty()) {
            return 0;
        }
        Optional<Integer> offset = Optional.empty();
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token.asText()), StandardCharsets.UTF_8);
            if (decoded.startsWith("page:")) {
                offset = Optional.of(Integer.parseInt(decoded.substring(5)));
            }
        } catch (IllegalArgumentException e) {
            offset = Optional.empty();
        }
        if (offset.isEmpty() || offset.get() <= 0 || offset.get() >= size) {
            throw new ApiError(400, "INVALID_NEXT_DATA_TOKEN", "Filter.NextDataToken is not a token this query returned");
        }
        return offset.get();
    }

    private static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("page:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] linkedAccounts(SimulatorData.ApiUser user) throws IOException {
        return Answers.json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("Results");
            for (String a : user.accounts()) {
                g.writeString(a);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static byte[] page(Currency currency, List<Line> lines, String next) throws IOException {
        return Answers.json(g -> {
            g.writeStartObject();
            if (!currency.getCurrencyCode().equals("USD")) {
                g.writeStringField("Currency", currency.getCurrencyCode());
            }
            g.writeArrayFieldStart("Results");
            for (Line l : lines) {
                g.writeStartObject();
                g.writeObjectFieldStart("GroupBy");
                g.writeStringField("USAGE_DATE", l.usageDate());
                g.writeStringField("REGION", l.region());
                g.writeStringField("SERVICE_CODE", l.service());
                g.writeStringField("USAGE_TYPE", l.usageType());
                g.writeStringField("INSTANCE_TYPE", l.instanceType());
                g.writeEndObject();
                g.writeObjectFieldStart("Value");
                g.writeFieldName("USAGE_COST");
                if (l.cost() == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(l.cost());
                }
                g.writeFieldName("USAGE_QUANTITY");
                if (l.quantity() == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(l.quantity());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (next != null) {
                g.writeStringField("NextDataToken", next);
            }
            g.writeEndObject();
        });
    }
}
