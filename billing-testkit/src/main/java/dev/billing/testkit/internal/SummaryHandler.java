package dev.billing.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.testkit.Fault;
import dev.billing.testkit.SummaryData;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Serves the HyperBilling summary API ({@code GET /summary}) from a {@link SummaryData}: checks the
 * RS256 bearer token with the account's public key, answers the nested
 * {@code [{kind, month, data: [{project_id, project_name, data: [rows]}]}]} for each asked kind, and
 * shows the per-account {@link Fault faults}.
 */
public final class SummaryHandler implements HttpHandler {
    /** The kinds served, and the key each groups a project's rows by. */
    public static final List<String> KINDS = List.of("daily_cost", "monthly_cost", "cost_by_service", "cost_by_region");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter YYYYMM = DateTimeFormatter.ofPattern("uuuuMM");
    private static final BigDecimal KRW_PER_USD = new BigDecimal("1300");
    private static final long MAX_LIFETIME = 600;
    private static final long SKEW = 60;

    private final String audience;
    private final Clock clock;
    private volatile SummaryData data;
    private final FaultBook faults = new FaultBook("HyperBillingSummarySimulator", Set.of(Fault.RowsOutsidePeriod.class,
            Fault.NullCosts.class, Fault.RowsOfAnotherMonth.class, Fault.UnaskedKinds.class, Fault.ErrorIn200.class));
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    /**
     * @param data what to serve
     * @param audience the host name tokens must name as {@code aud}
     * @param clock the clock tokens are checked against
     */
    public SummaryHandler(SummaryData data, String audience, Clock clock) {
        this.data = Objects.requireNonNull(data, "data");
        this.audience = audience;
        this.clock = clock;
    }

    /** @return the data served */
    public SummaryData data() {
        return data;
    }

    /** @param data the data to serve from now on */
    public void data(SummaryData data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * @param accountId a billing account id
     * @param fault a fault for it, from now on
     */
    public void addFault(String accountId, Fault fault) {
        faults.add(accountId, fault);
    }

    /** Removes every fault, releasing waiting requests. */
    public void clearFaults() {
        faults.clear();
    }

    /** Releases waiting requests for good. */
    public void close() {
        faults.close();
    }

    /**
     * @param accountId a billing account id
     * @return the summary requests naming it that passed authentication, retries included
     */
    public int requests(String accountId) {
        AtomicInteger n = requests.get(accountId);
        return n == null ? 0 : n.get();
    }

    /** @return every request answered, of any kind and status */
    public int totalRequests() {
        return total.get();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            total.incrementAndGet();
            try {
                Answers.send(exchange, 200, route(exchange));
            } catch (ApiError e) {
                e.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                Answers.send(exchange, e.status, Answers.error(e.code, e.getMessage()));
            } catch (RuntimeException e) {
                Answers.send(exchange, 500, Answers.error("INTERNAL_ERROR", "simulator failure: " + e.getClass().getSimpleName()));
            }
        }
    }

    private byte[] route(HttpExchange exchange) throws IOException, ApiError {
        if (!"/summary".equals(exchange.getRequestURI().getPath())) {
            throw new ApiError(404, "NOT_FOUND", "no such endpoint: " + exchange.getRequestURI().getPath());
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            throw new ApiError(405, "METHOD_NOT_ALLOWED", "/summary accepts GET only", Map.of("Allow", "GET"));
        }
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        String platform = one(query, "platform");
        String accountId = one(query, "account_id");
        SummaryData served = data;
        SummaryData.Account account = served.account(accountId)
                .filter(a -> a.platform().equals(platform))
                .orElseThrow(() -> new ApiError(404, "ACCOUNT_NOT_FOUND", "no " + platform + " account " + accountId));
        authenticate(exchange.getRequestHeaders().getFirst("Authorization"), account);
        if (has(accountId, Fault.RejectedKey.class)) {
            throw new ApiError(401, "UNAUTHORIZED", "the key of " + account.clientEmail() + " is revoked");
        }
        String monthText = one(query, "month");
        YearMonth month;
        try {
            month = monthText.matches("\\d{6}") ? YearMonth.parse(monthText, YYYYMM) : null;
        } catch (RuntimeException e) {
            month = null;
        }
        if (month == null) {
            throw new ApiError(400, "INVALID_MONTH", "month must be yyyymm, got '" + monthText + "'");
        }
        List<String> kinds = query.getOrDefault("kind", List.of());
        if (kinds.isEmpty() || !KINDS.containsAll(kinds)) {
            throw new ApiError(400, "INVALID_KIND", "kind must be one of " + KINDS + ", got " + kinds);
        }
        requests.computeIfAbsent(accountId, a -> new AtomicInteger()).incrementAndGet();
        faults.apply(exchange, List.of(accountId), ApiError.VENDOR);
        Optional<Fault.ErrorIn200> errorIn200 = faults.first(accountId, Fault.ErrorIn200.class);
        if (errorIn200.isPresent()) {
            return Answers.error(errorIn200.get().errorCode(), "simulated error for account " + accountId);
        }
        return answer(served, account, month, kinds);
    }

    private void authenticate(String authorization, SummaryData.Account account) throws ApiError {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new ApiError(401, "UNAUTHORIZED", "missing Authorization: Bearer <JWT>");
        }
        String[] parts = authorization.substring("Bearer ".length()).trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new ApiError(401, "INVALID_TOKEN", "the bearer token is not a JWT");
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            Base64.Decoder url = Base64.getUrlDecoder();
            header = JSON.readTree(url.decode(parts[0]));
            claims = JSON.readTree(url.decode(parts[1]));
            signature = url.decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiError(401, "INVALID_TOKEN", "the bearer token is not a readable JWT");
        }
        if (!"RS256".equals(header.path("alg").asText()) || !"JWT".equals(header.path("typ").asText())) {
            throw new ApiError(401, "INVALID_TOKEN", "the token header must be {\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(account.publicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(signature)) {
                throw new ApiError(401, "INVALID_SIGNATURE", "the token's signature does not match the key of "
                        + account.clientEmail());
            }
        } catch (GeneralSecurityException e) {
            throw new ApiError(401, "INVALID_SIGNATURE", "the token's signature cannot be checked");
        }
        for (String claim : List.of("iss", "sub", "email")) {
            if (!account.clientEmail().equals(claims.path(claim).asText())) {
                throw new ApiError(401, "INVALID_TOKEN", "claim '" + claim + "' must be " + account.clientEmail());
            }
        }
        if (!audience.equals(claims.path("aud").asText())) {
            throw new ApiError(401, "INVALID_AUDIENCE", "claim 'aud' must be " + audience);
        }
        long now = clock.instant().getEpochSecond();
        long iat = claims.path("iat").asLong(Long.MIN_VALUE);
        long exp = claims.path("exp").asLong(Long.MIN_VALUE);
        if (!claims.path("iat").isIntegralNumber() || !claims.path("exp").isIntegralNumber()
                || iat > now + SKEW || exp <= now || exp - iat > MAX_LIFETIME) {
            throw new ApiError(401, "TOKEN_EXPIRED", "the token is expired, not yet valid, or lives longer than "
                    + MAX_LIFETIME + " s");
        }
    }

    /** A project's rows of one kind, grouped by the kind's key, each source row one costs entry. */
    private record Group(String project, String key, List<SummaryData.Row> rows) {
    }

    private byte[] answer(SummaryData served, SummaryData.Account account, YearMonth month, List<String> kinds)
            throws IOException {
        String id = account.accountId();
        List<String> answered = new ArrayList<>(kinds);
        if (has(id, Fault.UnaskedKinds.class)) {
            KINDS.stream().filter(k -> !kinds.contains(k)).forEach(answered::add);
        }
        boolean anotherMonth = has(id, Fault.RowsOfAnotherMonth.class);
        boolean outside = has(id, Fault.RowsOutsidePeriod.class);
        boolean nullCosts = has(id, Fault.NullCosts.class);
        return Answers.json(g -> {
            g.writeStartArray();
            for (String kind : answered) {
                writeItem(g, served, account, kind, month, kinds.contains(kind) && anotherMonth,
                        kinds.contains(kind) && outside, kinds.contains(kind) && nullCosts);
                if (kinds.contains(kind) && anotherMonth) {
                    writeItem(g, served, account, kind, month.minusMonths(1), false, false, false);
                }
            }
            g.writeEndArray();
        });
    }

    private void writeItem(JsonGenerator g, SummaryData served, SummaryData.Account account, String kind,
                           YearMonth month, boolean anotherMonth, boolean outside, boolean nullCosts) throws IOException {
        Function<SummaryData.Row, String> key = switch (kind) {
            case "daily_cost" -> r -> r.date().toString();
            case "cost_by_service" -> SummaryData.Row::service;
            case "cost_by_region" -> SummaryData.Row::region;
            default -> r -> "";
        };
        Map<String, Map<String, List<SummaryData.Row>>> byProject = new LinkedHashMap<>();
        for (SummaryData.Row r : served.rows()) {
            if (r.accountId().equals(account.accountId()) && YearMonth.from(r.date()).equals(month)) {
                byProject.computeIfAbsent(r.projectId(), p -> new LinkedHashMap<>())
                        .computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
            }
        }
        String code = account.currency().getCurrencyCode();
        String invoiceMonth = month.format(YYYYMM);
        g.writeStartObject();
        g.writeStringField("kind", kind);
        g.writeStringField("month", invoiceMonth);
        g.writeArrayFieldStart("data");
        boolean first = true;
        for (var project : byProject.entrySet()) {
            g.writeStartObject();
            g.writeStringField("project_id", project.getKey());
            g.writeStringField("project_name", "Project " + project.getKey());
            g.writeArrayFieldStart("data");
            for (var group : project.getValue().entrySet()) {
                writeRow(g, kind, group.getKey(), invoiceMonth, group.getValue(), code);
            }
            if (first) {
                String day = month.atDay(1).toString();
                if (outside && kind.equals("daily_cost")) {
                    writeRow(g, kind, month.atDay(1).minusDays(1).toString(), invoiceMonth, costs("999.99"), code);
                    writeRow(g, kind, month.plusMonths(1).atDay(1).toString(), invoiceMonth, costs("999.99"), code);
                }
                if (anotherMonth) {
                    writeRow(g, kind, kind.equals("daily_cost") ? day : "Other", month.minusMonths(1).format(YYYYMM),
                            costs("777.77"), code);
                }
                if (nullCosts) {
                    writeRow(g, kind, kind.equals("daily_cost") ? day : "Support", invoiceMonth, costs(null), code);
                }
                first = false;
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** @return one costs entry of that final cost (null: {@code "final_cost": null}), without credits */
    private static List<SummaryData.Row> costs(String finalCost) {
        return List.of(new SummaryData.Row("", "", LocalDate.EPOCH, "", "", finalCost == null ? null : new BigDecimal(finalCost)));
    }

    private static BigDecimal usd(BigDecimal amount, String currency) {
        return amount == null || currency.equals("USD") ? amount : amount.divide(KRW_PER_USD, 6, RoundingMode.HALF_EVEN);
    }

    private static void writeRow(JsonGenerator g, String kind, String key, String invoiceMonth, List<SummaryData.Row> costs,
                                 String currency) throws IOException {
        g.writeStartObject();
        switch (kind) {
            case "daily_cost" -> {
                g.writeStringField("invoice_month", invoiceMonth);
                g.writeStringField("date", key);
            }
            case "cost_by_service" -> {
                g.writeStringField("invoice_month", invoiceMonth);
                g.writeStringField("service_id", Integer.toHexString(key.hashCode()).toUpperCase(java.util.Locale.ROOT));
                g.writeStringField("service_name", key);
            }
            case "cost_by_region" -> {
                g.writeStringField("invoice_month", invoiceMonth);
                g.writeStringField("region_id", key);
                g.writeBooleanField("multi_region", key.equals("global"));
            }
            default -> g.writeStringField("invoice_month", invoiceMonth);
        }
        g.writeArrayFieldStart("costs");
        for (SummaryData.Row row : costs) {
            // final_cost = cost + credit, credits negative; the *_in_usd forms converted the same way
            BigDecimal cost = row.cost();
            BigDecimal credit = cost == null ? null : row.credit();
            g.writeStartObject();
            number(g, "cost", cost);
            number(g, "credit", credit);
            number(g, "final_cost", row.finalCost());
            number(g, "cost_in_usd", usd(cost, currency));
            number(g, "credit_in_usd", usd(credit, currency));
            number(g, "final_cost_in_usd", usd(row.finalCost(), currency));
            g.writeStringField("currency", currency);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String field, BigDecimal value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value);
        }
    }

    private boolean has(String accountId, Class<? extends Fault> type) {
        return faults.has(accountId, type);
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return params;
    }

    private static String one(Map<String, List<String>> query, String name) throws ApiError {
        List<String> values = query.getOrDefault(name, List.of());
        if (values.size() != 1 || values.get(0).isEmpty()) {
            throw new ApiError(400, "INVALID_REQUEST", "query parameter '" + name + "' is required once");
        }
        return values.get(0);
    }
}
