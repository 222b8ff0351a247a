package dev.billing.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.testkit.Fault;
import dev.billing.testkit.AzureCostManagementSimulator.Principal;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@link dev.billing.testkit.AzureCostManagementSimulator}: the token endpoint and
 * the Query API, with per-scope faults.
 */
public final class AzureHandler implements HttpHandler {
    /** The api-versions of the Query API the simulator answers. */
    static final Set<String> API_VERSIONS = Set.of("2023-11-01", "2023-03-01", "2022-10-01", "2021-10-01", "2019-11-01");
    static final String ARM_SCOPE = "https://management.azure.com/.default";
    private static final String BEARER_CHALLENGE = "Bearer authorization_uri=\"https://login.microsoftonline.com/common\"";
    private static final String QUERY_SUFFIX = "/providers/microsoft.costmanagement/query";
    private static final Pattern TOKEN_PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");
    private static final Pattern SCOPE = Pattern.compile("(?i)/subscriptions/([^/]+)(?:/resourceGroups/([^/]+))?"
            + "|/providers/Microsoft\\.Billing/billingAccounts/([^/]+)");
    private static final Set<String> DIMENSIONS = Set.of("servicename", "resourcelocation", "subscriptionid",
            "resourcegroupname", "resourcegroup", "chargetype");

    // The Query API's request rules, from Microsoft's REST specification: Azure/azure-rest-api-specs,
    // specification/cost-management/resource-manager/Microsoft.CostManagement/stable/2023-11-01/costmanagement.json
    // (commit 126b6dc1fd1fd1a5b408febed72903465e72d546), definitions QueryDefinition, QueryDataset,
    // QueryAggregation, QueryGrouping, QueryColumnType, QueryFilter and QueryComparisonExpression.
    /** QueryDefinition.type enum. */
    static final Set<String> QUERY_TYPES = Set.of("Usage", "ActualCost", "AmortizedCost");
    /** QueryDefinition.timeframe enum. */
    static final Set<String> TIMEFRAMES = Set.of("MonthToDate", "BillingMonthToDate", "TheLastMonth",
            "TheLastBillingMonth", "WeekToDate", "Custom");
    /** QueryDataset.granularity enum (the property is optional: absent means one total per group). */
    static final Set<String> GRANULARITIES = Set.of("Daily");
    /** QueryDataset.aggregation maxItems: "Query can have up to 2 aggregation clauses". */
    static final int MAX_AGGREGATIONS = 2;
    /** QueryDataset.grouping maxItems: "Query can have up to 2 group by clauses". */
    static final int MAX_GROUPINGS = 2;
    /** QueryAggregation.function enum. */
    static final Set<String> FUNCTIONS = Set.of("Sum");
    /** QueryColumnType enum, the QueryGrouping.type. */
    static final Set<String> COLUMN_TYPES = Set.of("TagKey", "Dimension");
    /** QueryFilter.and / .or minItems: "Must have at least 2 items". */
    static final int MIN_FILTER_OPERANDS = 2;
    /** QueryComparisonExpression.operator enum; its values have minItems 1. */
    static final Set<String> OPERATORS = Set.of("In");
    private static final int MAX_BODY = 1 << 20;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final List<Principal> principals;
    private final Map<String, Principal> identities;
    private final String systemIdentity;
    private final String identityHeader;
    private final Map<String, List<String>> billingAccounts;
    private final List<Row> rows;
    private final int pageSize;
    private final Duration tokenLifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final FaultBook faults = new FaultBook("AzureCostManagementSimulator", Set.of(Fault.RowsOutsidePeriod.class));
    private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queryRequests = new ConcurrentHashMap<>();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param principals the app registrations
     * @param billingAccounts billing account id (lower case) to its subscriptions
     * @param rows the cost lines
     * @param pageSize rows per page
     * @param tokenLifetime the lifetime of issued tokens
     * @param identities the managed identities, by lower-case client id
     * @param systemIdentity the client id of the system-assigned identity, or null
     */
    public AzureHandler(List<Principal> principals, Map<String, List<String>> billingAccounts, List<Row> rows,
                        int pageSize, Duration tokenLifetime, Map<String, Principal> identities,
                        String systemIdentity) {
        this.principals = List.copyOf(principals);
        this.identities = Map.copyOf(identities);
        this.systemIdentity = systemIdentity;
        byte[] secret = new byte[18];
        random.nextBytes(secret);
        this.identityHeader = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.billingAccounts = Map.copyOf(billingAccounts);
        this.rows = List.copyOf(rows);
        this.pageSize = pageSize;
        this.tokenLifetime = tokenLifetime;
    }

    /** An answer that replaces the query's: a status, headers and an ARM error body. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient Map<String, String> headers;
        final transient ObjectNode body;

        Refusal(int status, Map<String, String> headers, ObjectNode body) {
            super(null, null, false, false);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }

    /** How the Query API answers faults. */
    private static final FaultBook.Vendor<Refusal> VENDOR = new FaultBook.Vendor<>() {
        @Override
        public Refusal throttle(Fault.RetryAfter retryAfter) {
            String s = Long.toString(FaultBook.seconds(retryAfter, Instant.now()));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", s);
            headers.put("x-ms-ratelimit-microsoft.costmanagement-entity-retry-after", s);
            headers.put("x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after", s);
            headers.put("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining", "QueryResource:0");
            // common-types.json 2023-11-01, ErrorResponse: "429 TooManyRequests - Request is throttled. Retry after
            // waiting for the time specified in the x-ms-ratelimit-microsoft.consumption-retry-after header"
            headers.put("x-ms-ratelimit-microsoft.consumption-retry-after", s);
            return new Refusal(429, headers, AzureHandler.error("429", "Too many requests. Please retry."));
        }

        @Override
        public Refusal serverError(int status) {
            return status == 503 ? error(503, "ServiceUnavailable", "The service is temporarily unavailable.")
                    : error(status, "InternalServerError", "The server encountered an internal error.");
        }

        @Override
        public Refusal error(int status, String code, String message) {
            return new Refusal(status, Map.of(), AzureHandler.error(code, message));
        }

        @Override
        public Refusal rejectedKey(String scope) {
            return new Refusal(401, Map.of("WWW-Authenticate", BEARER_CHALLENGE),
                    AzureHandler.error("InvalidAuthenticationToken", "The access token is invalid."));
        }
    };

    private record Issued(Principal principal, Instant expiresAt) {
    }

    /**
     * @param scope a scope
     * @param fault a fault for its queries, from now on
     */
    public void fault(String scope, Fault fault) {
        faults.add(scope.toLowerCase(Locale.ROOT), fault);
    }

    /** Removes every fault and releases waiting requests. */
    public void clearFaults() {
        faults.clear();
    }

    /** Releases waiting requests for good. */
    public void close() {
        faults.close();
    }

    /**
     * @param tenantId a tenant
     * @param clientId a client
     * @return a new token for them
     */
    public String issue(String tenantId, String clientId) {
        Principal p = principals.stream().filter(x -> x.tenantId().equalsIgnoreCase(tenantId)
                && x.clientId().equalsIgnoreCase(clientId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no principal " + clientId + " in tenant " + tenantId));
        return newToken(p);
    }

    /** Expires every token issued so far. */
    public void expireTokens() {
        tokens.replaceAll((t, i) -> new Issued(i.principal(), Instant.EPOCH));
    }

    /**
     * @param clientId a client
     * @return its token requests so far
     */
    public int tokenRequests(String clientId) {
        AtomicInteger n = tokenRequests.get(clientId.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    /**
     * @param scope a scope
     * @return its query requests so far
     */
    public int queryRequests(String scope) {
        AtomicInteger n = queryRequests.get(scope.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    /** @return the secret the App Service identity endpoint expects in {@code X-IDENTITY-HEADER} */
    public String identityHeader() {
        return identityHeader;
    }

    /** @return the query bodies received */
    public List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            byte[] body = read(ex.getRequestBody());
            if (body == null) {
                send(ex, 413, error("RequestEntityTooLarge", "the body is too large"));
                return;
            }
            Matcher token = TOKEN_PATH.matcher(path);
            if (path.equals(IMDS_PATH) || path.equals(APP_SERVICE_PATH)) {
                managedIdentity(ex, path.equals(IMDS_PATH));
            } else if (token.matches()) {
                token(ex, URLDecoder.decode(token.group(1), StandardCharsets.UTF_8), body);
            } else if (path.toLowerCase(Locale.ROOT).endsWith(QUERY_SUFFIX)) {
                query(ex, path.substring(0, path.length() - QUERY_SUFFIX.length()), body);
            } else {
                send(ex, 404, error("NotFound", "no such API: " + path));
            }
        } catch (RuntimeException e) {
            try {
                send(ex, 500, error("InternalServerError", e.getClass().getSimpleName()));
            } catch (IOException | RuntimeException ignored) {
                // the client went away
            }
        }
    }

    private void token(HttpExchange ex, String tenant, byte[] body) throws IOException {
        Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
        String clientId = form.getOrDefault("client_id", "");
        tokenRequests.computeIfAbsent(clientId.toLowerCase(Locale.ROOT), c -> new AtomicInteger()).incrementAndGet();
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, aadError("invalid_request", 900561, "The endpoint only accepts POST requests."));
            return;
        }
        boolean tenantKnown = principals.stream().anyMatch(p -> p.tenantId().equalsIgnoreCase(tenant));
        if (!tenantKnown) {
            send(ex, 400, aadError("invalid_request", 90002, "Tenant '" + tenant + "' not found."));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            send(ex, 400, aadError("unsupported_grant_type", 70003, "The app requested an unsupported grant type."));
            return;
        }
        if (!ARM_SCOPE.equals(form.get("scope"))) {
            send(ex, 400, aadError("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid."));
            return;
        }
        Principal p = principals.stream().filter(x -> x.tenantId().equalsIgnoreCase(tenant)
                && x.clientId().equalsIgnoreCase(clientId)).findFirst().orElse(null);
        if (p == null) {
            send(ex, 400, aadError("unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'."));
            return;
        }
        String secret = form.get("client_secret");
        if (secret == null || secret.isEmpty()) {
            send(ex, 401, aadError("invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
            return;
        }
        if (!MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), p.clientSecret().getBytes(StandardCharsets.UTF_8))) {
            send(ex, 401, aadError("invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent"
                    + " in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + p.clientId() + "'."));
            return;
        }
        ObjectNode ok = JSON.createObjectNode();
        ok.put("token_type", "Bearer");
        ok.put("expires_in", tokenLifetime.toSeconds());
        ok.put("ext_expires_in", tokenLifetime.toSeconds());
        ok.put("access_token", newToken(p));
        send(ex, 200, ok);
    }

    // Managed identity token endpoints, as Microsoft documents them:
    // IMDS: "How to use managed identities for Azure resources on an Azure VM to acquire an access token"
    //   (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token): GET with the
    //   header Metadata: true, api-version 2018-02-01, resource, optional client_id; a request without the header is
    //   refused (400, "Required metadata header not specified"); an unknown identity is 400 "Identity not found";
    //   the answer's expires_in and expires_on are strings of seconds.
    // App Service / Functions: "How to use managed identities for App Service and Azure Functions", REST endpoint
    //   reference (learn.microsoft.com/azure/app-service/overview-managed-identity): GET {IDENTITY_ENDPOINT} with
    //   X-IDENTITY-HEADER: {IDENTITY_HEADER}, api-version 2019-08-01, resource, optional client_id; the answer has
    //   access_token, expires_on (Unix seconds), resource, token_type, client_id.
    /** Where the simulator serves IMDS's token endpoint. */
    public static final String IMDS_PATH = "/metadata/identity/oauth2/token";
    /** Where the simulator serves the App Service identity endpoint ({@code IDENTITY_ENDPOINT}). */
    public static final String APP_SERVICE_PATH = "/msi/token";
    static final String MANAGED_RESOURCE = "https://management.azure.com/";

    private void managedIdentity(HttpExchange ex, boolean imds) throws IOException {
        Map<String, String> params = form(ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
        String clientId = params.getOrDefault("client_id", "");
        String key = (clientId.isEmpty() && systemIdentity != null ? systemIdentity : clientId).toLowerCase(Locale.ROOT);
        tokenRequests.computeIfAbsent(key, c -> new AtomicInteger()).incrementAndGet();
        if (!"GET".equals(ex.getRequestMethod())) {
            send(ex, 405, miError("invalid_request", "The request method is not supported."));
            return;
        }
        if (imds && !"true".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Metadata"))) {
            send(ex, 400, miError("invalid_request", "Required metadata header not specified"));
            return;
        }
        String secret = ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER");
        if (!imds && (secret == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                identityHeader.getBytes(StandardCharsets.UTF_8)))) {
            send(ex, 401, miError("invalid_request", "The X-IDENTITY-HEADER header is missing or wrong."));
            return;
        }
        String version = imds ? "2018-02-01" : "2019-08-01";
        if (!version.equals(params.get("api-version"))) {
            send(ex, 400, miError("invalid_request", "The api-version is missing or not supported: use " + version + "."));
            return;
        }
        if (!MANAGED_RESOURCE.equals(params.get("resource"))) {
            send(ex, 400, miError("invalid_resource", "AADSTS500011: The resource principal named "
                    + params.getOrDefault("resource", "") + " was not found in the tenant."));
            return;
        }
        Principal p = identities.get(key);
        if (p == null) {
            send(ex, 400, miError("invalid_request", "Identity not found"));
            return;
        }
        long expiresOn = Instant.now().plus(tokenLifetime).getEpochSecond();
        ObjectNode ok = JSON.createObjectNode();
        ok.put("access_token", newToken(p));
        if (imds) {
            ok.put("refresh_token", "");
            ok.put("expires_in", Long.toString(tokenLifetime.toSeconds()));
            ok.put("expires_on", Long.toString(expiresOn));
            ok.put("not_before", Long.toString(Instant.now().getEpochSecond()));
        } else {
            ok.put("expires_on", Long.toString(expiresOn));
            ok.put("client_id", p.clientId());
        }
        ok.put("resource", MANAGED_RESOURCE);
        ok.put("token_type", "Bearer");
        send(ex, 200, ok);
    }

    private static ObjectNode miError(String error, String description) {
        ObjectNode root = JSON.createObjectNode();
        root.put("error", error);
        root.put("error_description", description);
        return root;
    }

    private String newToken(Principal p) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String t = "eyJ0eXAiOiJKV1QifQ." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tokens.put(t, new Issued(p, Instant.now().plus(tokenLifetime)));
        return t;
    }

    private void query(HttpExchange ex, String scopePath, byte[] body) throws IOException {
        String scopeKey = scopePath.toLowerCase(Locale.ROOT);
        queryRequests.computeIfAbsent(scopeKey, s -> new AtomicInteger()).incrementAndGet();
        Matcher scope = SCOPE.matcher(scopePath);
        if (!scope.matches()) {
            send(ex, 400, error("BadRequest", "Invalid scope '" + scopePath + "'."));
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, error("MethodNotAllowed", "Use POST."));
            return;
        }
        Map<String, String> params = form(ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
        String version = params.get("api-version");
        if (version == null || !API_VERSIONS.contains(version)) {
            send(ex, 400, error(version == null ? "MissingApiVersionParameter" : "InvalidApiVersionParameter",
                    "The api-version '" + (version == null ? "" : version) + "' is invalid. The supported versions are '"
                            + String.join(",", API_VERSIONS) + "'."));
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        Issued issued = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7).trim()) : null;
        if (issued == null) {
            ex.getResponseHeaders().add("WWW-Authenticate", BEARER_CHALLENGE);
            send(ex, 401, error(auth == null ? "AuthenticationFailed" : "InvalidAuthenticationToken",
                    "The access token is invalid."));
            return;
        }
        if (!Instant.now().isBefore(issued.expiresAt())) {
            send(ex, 401, error("ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time."));
            return;
        }
        if (!allowed(issued.principal(), scopeKey)) {
            send(ex, 403, error("AuthorizationFailed", "The client '" + issued.principal().clientId()
                    + "' does not have authorization to perform action 'Microsoft.CostManagement/query/action' over scope '"
                    + scopePath + "' or the scope is invalid."));
            return;
        }
        try {
            faults.apply(ex, List.of(scopeKey), VENDOR);
        } catch (Refusal r) {
            r.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            send(ex, r.status, r.body);
            return;
        }
        synchronized (bodies) {
            bodies.add(new String(body, StandardCharsets.UTF_8));
        }
        Query q;
        try {
            q = Query.parse(JSON.readTree(body));
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            send(ex, 400, error("BadRequest", "Invalid query definition: " + e.getMessage()));
            return;
        }
        int offset = 0;
        String skip = params.get("$skiptoken");
        String bodyHash = hash(JSON.writeValueAsBytes(JSON.readTree(body)));
        if (skip != null) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(skip), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            String[] parts = decoded.split("\\|", 2);
            if (parts.length != 2 || !parts[0].matches("\\d{1,9}") || !parts[1].equals(bodyHash)) {
                send(ex, 400, error("BadRequest", "Invalid $skiptoken: a nextLink must be posted with the query's body."));
                return;
            }
            offset = Integer.parseInt(parts[0]);
        }
        LocalDate last = faults.has(scopeKey, Fault.RowsOutsidePeriod.class) ? q.to.plusDays(1) : q.to;
        List<List<Object>> result = aggregate(scope, q, last);
        int end = Math.min(result.size(), offset + pageSize);
        ObjectNode root = JSON.createObjectNode();
        root.put("id", scopePath + "/providers/Microsoft.CostManagement/query/" + HexFormat.of().formatHex(bytes(8)));
        root.put("name", HexFormat.of().formatHex(bytes(8)));
        root.put("type", "Microsoft.CostManagement/query");
        root.putNull("location");
        root.putNull("sku");
        root.putNull("eTag");
        ObjectNode props = root.putObject("properties");
        if (end < result.size()) {
            String token = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((end + "|" + bodyHash).getBytes(StandardCharsets.UTF_8));
            props.put("nextLink", "http://" + ex.getRequestHeaders().getFirst("Host") + scopePath
                    + "/providers/Microsoft.CostManagement/query?api-version=" + version + "&$skiptoken=" + token);
        } else {
            props.putNull("nextLink");
        }
        ArrayNode cols = props.putArray("columns");
        cols.addObject().put("name", q.costColumn).put("type", "Number");
        if (q.daily) {
            cols.addObject().put("name", "UsageDate").put("type", "Number");
        }
        for (Grouping g : q.grouping) {
            if (g.tag()) {
                // a TagKey grouping answers two columns, TagKey and TagValue (null where the resource has no such
                // tag): /work/shared/spec/providers.md, azure-cost-management
                cols.addObject().put("name", "TagKey").put("type", "String");
                cols.addObject().put("name", "TagValue").put("type", "String");
            } else {
                cols.addObject().put("name", g.name()).put("type", "String");
            }
        }
        cols.addObject().put("name", "Currency").put("type", "String");
        ArrayNode out = props.putArray("rows");
        for (List<Object> r : result.subList(Math.min(offset, result.size()), end)) {
            ArrayNode a = out.addArray();
            for (Object v : r) {
                if (v instanceof BigDecimal d) {
                    a.add(d);
                } else if (v instanceof Long l) {
                    a.add(l);
                } else {
                    a.add((String) v);
                }
            }
        }
        send(ex, 200, root);
    }

    private List<List<Object>> aggregate(Matcher scope, Query q, LocalDate last) {
        String sub = scope.group(1);
        String rg = scope.group(2);
        String billing = scope.group(3);
        List<String> billed = billing == null ? List.of() : billingAccounts.getOrDefault(billing.toLowerCase(Locale.ROOT), List.of());
        Map<List<Object>, BigDecimal> sums = new LinkedHashMap<>();
        for (Row r : rows) {
            boolean inScope = billing != null
                    ? r.billingAccount().equalsIgnoreCase(billing) || billed.stream().anyMatch(s -> s.equalsIgnoreCase(r.subscriptionId()))
                    : r.subscriptionId().equalsIgnoreCase(sub) && (rg == null || r.resourceGroup().equalsIgnoreCase(rg));
            if (!inScope || r.date().isBefore(q.from) || r.date().isAfter(last)) {
                continue;
            }
            List<Object> key = new ArrayList<>();
            if (q.daily) {
                key.add((long) (r.date().getYear() * 10000 + r.date().getMonthValue() * 100 + r.date().getDayOfMonth()));
            }
            if (!q.filter.test(r)) {
                continue;
            }
            for (Grouping g : q.grouping) {
                if (g.tag()) {
                    key.add(g.name());
                    key.add(tag(r, g.name()));
                } else {
                    key.add(value(r, g.name().toLowerCase(Locale.ROOT)));
                }
            }
            key.add(r.currency());
            // QueryDefinition.type: ActualCost bills purchases when made, AmortizedCost spreads them (same source)
            sums.merge(key, "amortizedcost".equalsIgnoreCase(q.type) ? r.amortizedCost() : r.cost(), BigDecimal::add);
        }
        List<List<Object>> out = new ArrayList<>();
        sums.forEach((k, v) -> {
            List<Object> row = new ArrayList<>();
            row.add(v);
            row.addAll(k);
            out.add(row);
        });
        out.sort(Comparator.comparing(Object::toString));
        return out;
    }

    private static boolean allowed(Principal p, String scopeKey) {
        if (p.scopes().isEmpty()) {
            return true;
        }
        return p.scopes().stream().anyMatch(s -> scopeKey.equals(s) || scopeKey.startsWith(s + "/"));
    }

    /**
     * One {@code QueryGrouping}.
     *
     * @param tag whether its {@code type} is {@code TagKey} (else {@code Dimension})
     * @param name the dimension or tag name
     */
    private record Grouping(boolean tag, String name) {
    }

    /** A parsed query definition. */
    private static final class Query {
        LocalDate from;
        LocalDate to;
        boolean daily;
        String costColumn;
        String type;
        List<Grouping> grouping = new ArrayList<>();
        java.util.function.Predicate<Row> filter = r -> true;

        static Query parse(JsonNode root) {
            Query q = new Query();
            String type = root.path("type").asText("");
            if (!oneOf(QUERY_TYPES, type)) {
                throw new IllegalArgumentException("'type' must be one of " + QUERY_TYPES + ", got '" + type + "'");
            }
            q.type = type;
            String timeframe = root.path("timeframe").asText("");
            if (!oneOf(TIMEFRAMES, timeframe)) {
                throw new IllegalArgumentException("'timeframe' must be one of " + TIMEFRAMES + ", got '" + timeframe + "'");
            }
            if (!"custom".equalsIgnoreCase(timeframe)) {
                throw new IllegalArgumentException("the simulator answers only 'timeframe': 'Custom'");
            }
            JsonNode period = root.path("timePeriod");
            q.from = day(period.path("from").asText(""));
            q.to = day(period.path("to").asText(""));
            if (q.to.isBefore(q.from)) {
                throw new IllegalArgumentException("timePeriod 'to' is before 'from'");
            }
            if (q.to.isAfter(q.from.plusYears(1))) {
                throw new IllegalArgumentException("timePeriod is longer than one year");
            }
            JsonNode dataset = root.path("dataset");
            if (!dataset.isObject()) {
                throw new IllegalArgumentException("'dataset' is required");
            }
            JsonNode granularity = dataset.path("granularity");
            if (!granularity.isMissingNode() && !oneOf(GRANULARITIES, granularity.asText(""))) {
                throw new IllegalArgumentException("'dataset.granularity' must be one of " + GRANULARITIES + ", got '"
                        + granularity.asText("") + "'");
            }
            q.daily = !granularity.isMissingNode();
            JsonNode aggregation = dataset.path("aggregation");
            if (!aggregation.isObject() || aggregation.isEmpty() || aggregation.size() > MAX_AGGREGATIONS) {
                throw new IllegalArgumentException("'dataset.aggregation' must have 1 to " + MAX_AGGREGATIONS + " clauses");
            }
            for (JsonNode agg : aggregation) {
                if (!agg.hasNonNull("name") || !oneOf(FUNCTIONS, agg.path("function").asText(""))) {
                    throw new IllegalArgumentException("each aggregation needs a 'name' and a 'function' of " + FUNCTIONS);
                }
            }
            if (aggregation.size() != 1) {
                throw new IllegalArgumentException("the simulator answers exactly one aggregation");
            }
            JsonNode agg = aggregation.elements().next();
            String name = agg.path("name").asText("");
            if (!Set.of("cost", "pretaxcost").contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("the simulator aggregates only Cost or PreTaxCost");
            }
            q.costColumn = name.equalsIgnoreCase("cost") ? "Cost" : "PreTaxCost";
            JsonNode grouping = dataset.path("grouping");
            if (grouping.size() > MAX_GROUPINGS) {
                throw new IllegalArgumentException("'dataset.grouping' has " + grouping.size()
                        + " clauses; a query can have up to " + MAX_GROUPINGS + " group by clauses");
            }
            for (JsonNode g : grouping) {
                String columnType = g.path("type").asText("");
                String dim = g.path("name").asText("");
                if (!oneOf(COLUMN_TYPES, columnType) || dim.isEmpty()) {
                    throw new IllegalArgumentException("each grouping needs a 'type' of " + COLUMN_TYPES + " and a 'name'");
                }
                // QueryGrouping.type is a QueryColumnType: TagKey groups by a tag's values, Dimension by a column
                boolean tag = "tagkey".equalsIgnoreCase(columnType);
                if (!tag && !DIMENSIONS.contains(dim.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("unknown grouping '" + dim + "'");
                }
                q.grouping.add(new Grouping(tag, dim));
            }
            if (dataset.has("filter")) {
                q.filter = filter(dataset.get("filter"));
            }
            return q;
        }

        private static java.util.function.Predicate<Row> filter(JsonNode f) {
            List<String> keys = new ArrayList<>();
            f.fieldNames().forEachRemaining(keys::add);
            if (keys.size() != 1) {
                throw new IllegalArgumentException("a filter has exactly one of 'and', 'or', 'dimensions', 'tags'");
            }
            JsonNode v = f.get(keys.get(0));
            switch (keys.get(0)) {
                case "and", "or" -> {
                    if (!v.isArray() || v.size() < MIN_FILTER_OPERANDS) {
                        throw new IllegalArgumentException("the logical '" + keys.get(0) + "' expression must have at least "
                                + MIN_FILTER_OPERANDS + " items");
                    }
                    List<java.util.function.Predicate<Row>> parts = new ArrayList<>();
                    v.forEach(x -> parts.add(filter(x)));
                    return keys.get(0).equals("and") ? r -> parts.stream().allMatch(p -> p.test(r))
                            : r -> parts.stream().anyMatch(p -> p.test(r));
                }
                case "dimensions", "tags" -> {
                    // QueryFilter.dimensions and .tags are QueryComparisonExpressions: required name, operator (enum
                    // [In]) and values (an array of strings, minItems 1). Nothing selects a missing tag: a tags
                    // comparison matches the lines whose resource has the tag with one of the values.
                    String dim = v.path("name").asText("").toLowerCase(Locale.ROOT);
                    if (!oneOf(OPERATORS, v.path("operator").asText("")) || !v.path("values").isArray()
                            || v.path("values").isEmpty() || dim.isEmpty()) {
                        throw new IllegalArgumentException("a comparison needs a 'name', an 'operator' of " + OPERATORS
                                + " and at least one value");
                    }
                    v.path("values").forEach(x -> {
                        if (!x.isTextual()) {
                            throw new IllegalArgumentException("the values of a comparison are strings, got " + x);
                        }
                    });
                    if (keys.get(0).equals("tags")) {
                        // tag names match ignoring case, tag values exactly: "Tag names are case-insensitive for
                        // operations ... Tag values are case-sensitive." (Microsoft Learn, "Use tags to organize your
                        // Azure resources and management hierarchy", azure-resource-manager/management/tag-resources)
                        Set<String> tagValues = new java.util.HashSet<>();
                        v.path("values").forEach(x -> tagValues.add(x.asText()));
                        return r -> tagValues.contains(tag(r, dim));
                    }
                    if (!DIMENSIONS.contains(dim)) {
                        throw new IllegalArgumentException("unknown filter dimension '" + v.path("name").asText("") + "'");
                    }
                    Set<String> values = new java.util.HashSet<>();
                    v.path("values").forEach(x -> values.add(x.asText("").toLowerCase(Locale.ROOT)));
                    return r -> values.contains(value(r, dim).toLowerCase(Locale.ROOT));
                }
                default -> throw new IllegalArgumentException("a filter has exactly one of 'and', 'or', 'dimensions', 'tags'");
            }
        }

        private static boolean oneOf(Set<String> values, String v) {
            return values.stream().anyMatch(x -> x.equalsIgnoreCase(v));
        }

        private static LocalDate day(String text) {
            if (text.length() < 10) {
                throw new IllegalArgumentException("timePeriod needs 'from' and 'to' dates");
            }
            return LocalDate.parse(text.substring(0, 10));
        }
    }

    /** @return a row's value of a tag, its name matched case-insensitively as Azure matches tag names; null without it */
    private static String tag(Row r, String name) {
        return r.tags().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** @return a row's value of a dimension (lower-case name) */
    private static String value(Row r, String dimension) {
        return switch (dimension) {
            case "servicename" -> r.service();
            case "resourcelocation" -> r.location();
            case "subscriptionid" -> r.subscriptionId();
            case "chargetype" -> r.chargeType();
            default -> r.resourceGroup();
        };
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String hash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new HashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return root;
    }

    private static ObjectNode aadError(String error, int code, String description) {
        ObjectNode root = JSON.createObjectNode();
        root.put("error", error);
        root.put("error_description", "AADSTS" + code + ": " + description + " Trace ID: 00000000-0000-0000-0000-000000000000"
                + " Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: " + Instant.now());
        root.putArray("error_codes").add(code);
        root.put("timestamp", Instant.now().toString());
        root.put("trace_id", "00000000-0000-0000-0000-000000000000");
        root.put("correlation_id", "00000000-0000-0000-0000-000000000000");
        root.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return root;
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        return b.length > MAX_BODY ? null : b;
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
