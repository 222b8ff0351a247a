package dev.billing.testkit.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.testkit.BigQueryBillingExportSimulator.Credit;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import dev.billing.testkit.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the token endpoint and {@code jobs.query} / {@code jobs.getQueryResults} for
 * {@link dev.billing.testkit.BigQueryBillingExportSimulator}.
 */
public final class BigQueryExportHandler implements HttpHandler {
    private static final String TABLE_MARK = "\u0000TABLE\u0000";
    /**
     * The OAuth scopes each method accepts: the {@code scopes} of {@code bigquery.jobs.query},
     * {@code bigquery.jobs.getQueryResults} and {@code bigquery.jobs.get} in Google's BigQuery discovery
     * document (googleapis/google-api-go-client, bigquery/v2/bigquery-api.json, commit
     * 0084468843d65b1620da73d8263bf7d2ffb18bbd). A token without one of them is refused {@code 403}
     * {@code insufficientPermissions}. ({@code bigquery.readonly} is not among the document's scopes.)
     */
    public static final Map<String, Set<String>> METHOD_SCOPES = Map.of(
            "bigquery.jobs.query", Set.of("https://www.googleapis.com/auth/bigquery",
                    "https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/cloud-platform.read-only"),
            "bigquery.jobs.getQueryResults", Set.of("https://www.googleapis.com/auth/bigquery",
                    "https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/cloud-platform.read-only"),
            "bigquery.jobs.get", Set.of("https://www.googleapis.com/auth/bigquery",
                    "https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/cloud-platform.read-only"));
    /** Partitions the query reads before {@code @start} and after {@code @end} (its {@code _PARTITIONTIME} filter). */
    private static final int PARTITION_DAYS_BEFORE = 1;
    private static final int PARTITION_DAYS_AFTER = 40;
    /** The bytes one export row adds to {@code totalBytesProcessed} when its partition is read. */
    public static final long ROW_BYTES = 400;
    private static final String QUERIES = "/bigquery/v2/projects/";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final List<String[]> SCHEMA = List.of(new String[] {"usage_date", "DATE"},
            new String[] {"service", "STRING"}, new String[] {"region", "STRING"}, new String[] {"sku", "STRING"},
            new String[] {"gcp_project", "STRING"}, new String[] {"cost_type", "STRING"},
            new String[] {"currency", "STRING"}, new String[] {"cost", "NUMERIC"}, new String[] {"credits", "NUMERIC"},
            new String[] {"labels", "STRING"}, new String[] {"cost_at_list", "NUMERIC"});

    private final String table;
    private final String projectId;
    private final List<ExportRow> rows;
    private final int pageSize;
    private final int pendingPolls;
    private final Duration tokenLifetime;
    private final String endpoint;
    private final Map<String, List<PublicKey>> trusted = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final FaultBook faults = new FaultBook("BigQueryBillingExportSimulator", Set.of());
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger queryRequests = new AtomicInteger();
    private final AtomicInteger resultRequests = new AtomicInteger();
    private final AtomicLong jobCounter = new AtomicLong();
    private volatile String lastQueryRequest;
    private final SecureRandom random = new SecureRandom();

    private record Issued(String email, Set<String> scopes, Instant expires) {
    }

    private record User(String email, String clientId, String clientSecret) {
    }

    /** A workload identity pool provider: the subject token it trusts, its principal, whom it may impersonate. */
    private record Pool(String subjectToken, String principal, String impersonates) {
    }

    private static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** {@code subjectTokenType}: the values sts/v1/sts-api.json (revision 20220402) lists. */
    private static final Set<String> SUBJECT_TOKEN_TYPES = Set.of("urn:ietf:params:oauth:token-type:jwt",
            "urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:aws:token-type:aws4_request",
            "urn:ietf:params:oauth:token-type:access_token");
    private static final String METADATA_TOKEN = "/computeMetadata/v1/instance/service-accounts/default/token";
    private static final String METADATA_PROJECT = "/computeMetadata/v1/project/project-id";
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private volatile String attached;
    private final AtomicInteger metadataRequests = new AtomicInteger();
    private final AtomicInteger stsRequests = new AtomicInteger();
    private final AtomicInteger impersonationRequests = new AtomicInteger();

    private static final class Job {
        final String id;
        final String project;
        final String email;
        final String billingAccount;
        final List<List<String>> result;
        final long bytes;
        int pending;

        Job(String id, String project, String email, String billingAccount, List<List<String>> result, long bytes,
            int pending) {
            this.id = id;
            this.project = project;
            this.email = email;
            this.billingAccount = billingAccount;
            this.result = result;
            this.bytes = bytes;
            this.pending = pending;
        }
    }

    /** An error answer. */
    private static final class Answer extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient JsonNode body;
        final String retryAfter;

        Answer(int status, JsonNode body, String retryAfter) {
            super(null, null, false, false);
            this.status = status;
            this.body = body;
            this.retryAfter = retryAfter;
        }
    }

    /**
     * @param table the table served
     * @param projectId the keys' project
     * @param rows the export rows
     * @param pageSize rows per answer
     * @param pendingPolls answers with jobComplete false per job
     * @param tokenLifetime access token lifetime
     * @param endpoint the base URL
     */
    public BigQueryExportHandler(String table, String projectId, List<ExportRow> rows, int pageSize, int pendingPolls,
                                 Duration tokenLifetime, String endpoint) {
        this.table = table;
        this.projectId = projectId;
        this.rows = rows;
        this.pageSize = pageSize;
        this.pendingPolls = pendingPolls;
        this.tokenLifetime = tokenLifetime;
        this.endpoint = endpoint;
    }

    /** @param table a table name @return the query text the provider sends for it */
    public static String expectedQuery(String table) {
        return ("SELECT\n"
                + "  DATE(usage_start_time) AS usage_date,\n"
                + "  IFNULL(service.description, '') AS service,\n"
                + "  IFNULL(location.region, '') AS region,\n"
                + "  IFNULL(sku.description, '') AS sku,\n"
                + "  IFNULL(project.id, '') AS gcp_project,\n"
                + "  IFNULL(cost_type, '') AS cost_type,\n"
                + "  currency,\n"
                + "  SUM(CAST(cost AS NUMERIC)) AS cost,\n"
                + "  SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0)) AS credits,\n"
                + "  TO_JSON_STRING(labels) AS labels,\n"
                + "  SUM(CAST(cost_at_list AS NUMERIC)) AS cost_at_list\n"
                + "FROM `" + TABLE_MARK + "`\n"
                + "WHERE _PARTITIONTIME >= TIMESTAMP(DATE_SUB(@start, INTERVAL " + PARTITION_DAYS_BEFORE + " DAY))\n"
                + "  AND _PARTITIONTIME < TIMESTAMP(DATE_ADD(@end, INTERVAL " + PARTITION_DAYS_AFTER + " DAY))\n"
                + "  AND usage_start_time >= TIMESTAMP(@start)\n"
                + "  AND usage_start_time < TIMESTAMP(@end)\n"
                + "  AND (@billing_account = '' OR billing_account_id = @billing_account)\n"
                + "  AND (@project = '' OR project.id = @project)\n"
                + "GROUP BY 1, 2, 3, 4, 5, 6, 7, 10\n"
                + "ORDER BY 1, 2, 3, 4, 5, 6, 7, 10").replace(TABLE_MARK, table);
    }

    /** @return the table served */
    public String table() {
        return table;
    }

    /** @param email the account @param trust whether its key is trusted @return a key file's JSON */
    public String issueKey(String email, boolean trust) {
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (trust) {
            trusted.computeIfAbsent(email, e -> new CopyOnWriteArrayList<>()).add(pair.getPublic());
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = JSON.createObjectNode();
        key.put("type", "service_account").put("project_id", projectId)
                .put("private_key_id", UUID.randomUUID().toString().replace("-", ""))
                .put("private_key", pem).put("client_email", email).put("client_id", "1" + Math.abs(random.nextLong()))
                .put("auth_uri", "https://accounts.google.com/o/oauth2/auth").put("token_uri", endpoint + "/token");
        return key.toPrettyString();
    }

    /** @param email the service account the metadata server hands tokens for, or null for none */
    public void attach(String email) {
        attached = email;
    }

    /** @param email a user @return an {@code authorized_user} file's JSON text whose refresh token this endpoint takes */
    public String issueUser(String email) {
        String refresh = "1//sim-" + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        User user = new User(email, "764086051850-sim.apps.googleusercontent.com", "d-FL95Q19q7MQmFpd7hHD0Ty");
        users.put(refresh, user);
        return JSON.createObjectNode().put("type", "authorized_user").put("account", email)
                .put("client_id", user.clientId()).put("client_secret", user.clientSecret())
                .put("refresh_token", refresh).put("quota_project_id", projectId).put("token_uri", endpoint + "/token")
                .toPrettyString();
    }

    /**
     * @param impersonates the service account the pool's identities may impersonate, or null
     * @return {@code {audience, subjectToken}}: a new workload identity pool provider and a subject token it trusts
     */
    public String[] issuePool(String impersonates) {
        String id = "pool" + jobCounter.incrementAndGet();
        String audience = "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/" + id
                + "/providers/sim";
        byte[] raw = new byte[48];
        random.nextBytes(raw);
        String subject = "eyJhbGciOiJSUzI1NiJ9.sim-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        pools.put(audience, new Pool(subject, "principal://iam.googleapis.com/projects/123456789012/locations/global/"
                + "workloadIdentityPools/" + id + "/subject/workload", impersonates));
        return new String[] {audience, subject};
    }

    /** @return metadata server requests */
    public int metadataRequests() {
        return metadataRequests.get();
    }

    /** @return token exchange ({@code /v1/token}) requests */
    public int stsRequests() {
        return stsRequests.get();
    }

    /** @return {@code generateAccessToken} requests */
    public int impersonationRequests() {
        return impersonationRequests.get();
    }

    /** @param email an account whose queries are denied from now on */
    public void denyAccess(String email) {
        denied.add(email);
    }

    /** Forgets every access token. */
    public void revokeTokens() {
        tokens.clear();
    }

    /** @param account the billing account @param fault the fault */
    public void fault(String account, Fault fault) {
        faults.add(account, fault);
    }

    /** Removes every fault, releasing waiting requests. */
    public void clearFaults() {
        faults.clear();
    }

    /** @return token requests */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** @return jobs.query requests */
    public int queryRequests() {
        return queryRequests.get();
    }

    /** @return jobs.getQueryResults requests */
    public int resultRequests() {
        return resultRequests.get();
    }

    /** @return the last jobs.query body */
    public String lastQueryRequest() {
        return lastQueryRequest;
    }

    /** Releases hanging requests. */
    public void close() {
        faults.close();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            try {
                JsonNode answer;
                if (path.startsWith("/computeMetadata/")) {
                    metadata(exchange, path);
                    return;
                } else if (path.equals("/v1/token") && method.equals("POST")) {
                    stsRequests.incrementAndGet();
                    answer = sts(exchange, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                } else if (path.startsWith("/v1/projects/") && path.endsWith(":generateAccessToken")
                        && method.equals("POST")) {
                    impersonationRequests.incrementAndGet();
                    answer = generateAccessToken(exchange, path,
                            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                } else if (path.equals("/token") && method.equals("POST")) {
                    tokenRequests.incrementAndGet();
                    answer = token(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                } else if (path.startsWith(QUERIES) && path.endsWith("/queries") && method.equals("POST")) {
                    queryRequests.incrementAndGet();
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    lastQueryRequest = body;
                    String email = bearer(exchange, "bigquery.jobs.query");
                    answer = query(exchange, email, segment(path, 4), body);
                } else if (path.startsWith(QUERIES) && path.contains("/queries/") && method.equals("GET")) {
                    resultRequests.incrementAndGet();
                    String email = bearer(exchange, "bigquery.jobs.getQueryResults");
                    answer = results(exchange, email, segment(path, 4), segment(path, 6),
                            query(exchange.getRequestURI().getRawQuery()));
                } else {
                    throw error(404, "notFound", "Not found: " + method + " " + path);
                }
                send(exchange, 200, answer, null);
            } catch (Answer a) {
                send(exchange, a.status, a.body, a.retryAfter);
            }
        }
    }

    // ---- token endpoint

    private JsonNode token(String form) throws Answer {
        Map<String, String> params = query(form);
        if ("refresh_token".equals(params.get("grant_type"))) {
            return refresh(params);
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(params.get("grant_type"))) {
            throw oauth("unsupported_grant_type", "Invalid grant_type: " + params.get("grant_type"));
        }
        String jwt = params.getOrDefault("assertion", "");
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw oauth("invalid_grant", "Invalid JWT: not three parts");
        }
        JsonNode header;
        JsonNode claims;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw oauth("invalid_grant", "Invalid JWT: unreadable header or claims");
        }
        if (!"RS256".equals(header.path("alg").asText())) {
            throw oauth("invalid_grant", "Invalid JWT: alg must be RS256");
        }
        String iss = claims.path("iss").asText("");
        boolean verified = false;
        for (PublicKey key : trusted.getOrDefault(iss, List.of())) {
            try {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(key);
                rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                if (rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                    verified = true;
                    break;
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this key
            }
        }
        if (!verified) {
            throw oauth("invalid_grant", "Invalid JWT Signature.");
        }
        if (!(endpoint + "/token").equals(claims.path("aud").asText())) {
            throw oauth("invalid_grant", "Invalid JWT: aud must be the token endpoint " + endpoint + "/token");
        }
        long now = Instant.now().getEpochSecond();
        long iat = claims.path("iat").asLong(-1);
        long exp = claims.path("exp").asLong(-1);
        if (iat < 0 || exp <= iat || exp - iat > 3600 || iat > now + 300 || exp < now - 300) {
            throw oauth("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a"
                    + " reasonable timeframe. Check your iat and exp values in the JWT claim.");
        }
        Set<String> scopes = Set.of(claims.path("scope").asText("").trim().split(" +"));
        if (scopes.contains("")) {
            throw oauth("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        }
        return JSON.createObjectNode().put("access_token", issue(iss, scopes)).put("expires_in", tokenLifetime.toSeconds())
                .put("token_type", "Bearer");
    }

    /** @return a new access token for {@code email} with {@code scopes}, valid for the token lifetime */
    private String issue(String email, Set<String> scopes) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = "ya29.sim-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, new Issued(email, scopes, Instant.now().plus(tokenLifetime)));
        return token;
    }

    // ---- Application Default Credentials: authorized_user refresh, metadata server, STS, IAM Credentials

    /** The refresh token grant (RFC 6749 section 6) of an {@code authorized_user} file: the user's token, cloud-platform. */
    private JsonNode refresh(Map<String, String> params) throws Answer {
        User user = users.get(params.getOrDefault("refresh_token", ""));
        if (user == null || !user.clientId().equals(params.get("client_id"))
                || !user.clientSecret().equals(params.get("client_secret"))) {
            throw oauth("invalid_grant", "Bad Request");
        }
        return JSON.createObjectNode().put("access_token", issue(user.email(), Set.of(CLOUD_PLATFORM)))
                .put("expires_in", tokenLifetime.toSeconds()).put("token_type", "Bearer");
    }

    /**
     * The metadata server's token and project id. Google's documentation
     * (https://cloud.google.com/compute/docs/metadata/querying-metadata, "Query metadata"): a request must carry
     * {@code Metadata-Flavor: Google}, and one without it, or with {@code X-Forwarded-For}, is refused
     * {@code 403 Forbidden}; the token answer is {@code access_token}, {@code expires_in}, {@code token_type}.
     * Without an attached service account the token path is {@code 404}.
     */
    private void metadata(HttpExchange exchange, String path) throws IOException {
        metadataRequests.incrementAndGet();
        Headers h = exchange.getRequestHeaders();
        if (!"Google".equals(h.getFirst("Metadata-Flavor")) || h.containsKey("X-Forwarded-For")) {
            sendText(exchange, 403, "Your client does not have permission to get URL " + path + " from this server."
                    + " Missing Metadata-Flavor:Google header.", "text/html; charset=UTF-8");
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            sendText(exchange, 405, "Method Not Allowed", "text/html; charset=UTF-8");
        } else if (path.equals(METADATA_PROJECT)) {
            sendText(exchange, 200, projectId, "application/text");
        } else if (path.equals(METADATA_TOKEN) && attached != null) {
            send(exchange, 200, JSON.createObjectNode().put("access_token", issue(attached, Set.of(CLOUD_PLATFORM)))
                    .put("expires_in", tokenLifetime.toSeconds()).put("token_type", "Bearer"), null);
        } else {
            sendText(exchange, 404, "Not Found", "text/html; charset=UTF-8");
        }
    }

    /**
     * {@code sts.token} (googleapis/google-api-go-client, sts/v1/sts-api.json, revision 20220402, commit
     * 01d3654546c18d6919bf61e79cbdc327ef8f264f; the OAuth 2.0 token exchange of RFC 8693, form encoded): "do not send
     * the Authorization header"; {@code grant_type} must be {@code urn:ietf:params:oauth:grant-type:token-exchange},
     * {@code requested_token_type} {@code urn:ietf:params:oauth:token-type:access_token}, {@code subject_token_type}
     * one of the four the document lists; {@code audience} and {@code scope} are required for an external credential.
     * Answers {@code access_token}, {@code issued_token_type}, {@code token_type} and {@code expires_in}.
     */
    private JsonNode sts(HttpExchange exchange, String form) throws Answer {
        if (exchange.getRequestHeaders().containsKey("Authorization")) {
            throw oauth("invalid_request", "The Authorization header must not be sent to the token exchange endpoint.");
        }
        Map<String, String> p = query(form);
        if (!"urn:ietf:params:oauth:grant-type:token-exchange".equals(p.get("grant_type"))) {
            throw oauth("unsupported_grant_type", "Invalid grant_type.");
        }
        if (!ACCESS_TOKEN_TYPE.equals(p.get("requested_token_type"))) {
            throw oauth("invalid_request", "Invalid requested_token_type.");
        }
        if (!SUBJECT_TOKEN_TYPES.contains(p.getOrDefault("subject_token_type", ""))) {
            throw oauth("invalid_request", "Invalid subject_token_type.");
        }
        String audience = p.getOrDefault("audience", "");
        Pool pool = pools.get(audience);
        if (pool == null) {
            throw oauth("invalid_target", "The target service indicated by the \"audience\" parameters is invalid.");
        }
        Set<String> scopes = Set.of(p.getOrDefault("scope", "").trim().split(" +"));
        if (scopes.contains("")) {
            throw oauth("invalid_scope", "The scope parameter is required.");
        }
        if (!pool.subjectToken().equals(p.get("subject_token"))) {
            throw oauth("invalid_grant", "The subject token is invalid or expired.");
        }
        return JSON.createObjectNode().put("access_token", issue(pool.principal(), scopes))
                .put("issued_token_type", ACCESS_TOKEN_TYPE).put("token_type", "Bearer")
                .put("expires_in", tokenLifetime.toSeconds());
    }

    /**
     * {@code iamcredentials.projects.serviceAccounts.generateAccessToken} (iamcredentials/v1/iamcredentials-api.json,
     * revision 20200821, commit 11c6d65dc726957025fe31dade8a1a472377f4f2): {@code POST
     * /v1/projects/-/serviceAccounts/{email}:generateAccessToken}, scope {@code cloud-platform}, the {@code -}
     * wildcard required, {@code scope} (at least one) and {@code lifetime}; answers {@code accessToken} and
     * {@code expireTime}. The caller must be allowed to impersonate the account (Service Account Token Creator).
     */
    private JsonNode generateAccessToken(HttpExchange exchange, String path, String body) throws Answer {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Issued caller = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
        if (caller == null || Instant.now().isAfter(caller.expires())) {
            throw error(401, "authError", "Request had invalid authentication credentials.");
        }
        if (!caller.scopes().contains(CLOUD_PLATFORM)) {
            throw error(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
        }
        String name = path.substring("/v1/".length(), path.length() - ":generateAccessToken".length());
        if (!name.startsWith("projects/-/serviceAccounts/")) {
            throw error(400, "badRequest", "The `-` wildcard character is required in the project of " + name);
        }
        String email = URLDecoder.decode(name.substring("projects/-/serviceAccounts/".length()), StandardCharsets.UTF_8);
        Pool pool = pools.values().stream().filter(x -> x.principal().equals(caller.email())).findFirst().orElse(null);
        if (pool == null || !email.equals(pool.impersonates())) {
            throw error(403, "forbidden", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may"
                    + " not exist).");
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw error(400, "invalid", "Invalid JSON payload received.");
        }
        Set<String> scopes = new java.util.HashSet<>();
        request.path("scope").forEach(x -> scopes.add(x.asText()));
        if (scopes.isEmpty()) {
            throw error(400, "invalid", "Scope required.");
        }
        return JSON.createObjectNode().put("accessToken", issue(email, scopes))
                .put("expireTime", Instant.now().plus(tokenLifetime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString());
    }

    private static Answer oauth(String error, String description) {
        return new Answer(400, JSON.createObjectNode().put("error", error).put("error_description", description), null);
    }

    private String bearer(HttpExchange exchange, String method) throws Answer {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Issued issued = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
        if (issued == null || Instant.now().isAfter(issued.expires())) {
            throw error(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 access"
                    + " token, login cookie or other valid authentication credential.");
        }
        if (issued.scopes().stream().noneMatch(METHOD_SCOPES.get(method)::contains)) {
            // Google's answer to a token whose scopes the method does not accept (AIP-193 ErrorInfo reason)
            Answer a = error(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
            ((ObjectNode) a.body.path("error")).putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
                    .put("domain", "googleapis.com").putObject("metadata").put("method", "google.cloud.bigquery.v2."
                            + (method.endsWith(".query") ? "JobService.Query" : "JobService.GetQueryResults"))
                    .put("service", "bigquery.googleapis.com");
            throw a;
        }
        return issued.email();
    }

    // ---- jobs.query

    private JsonNode query(HttpExchange exchange, String email, String project, String body) throws Answer, IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw error(400, "invalid", "Invalid JSON payload received.");
        }
        if (!request.path("useLegacySql").isBoolean() || request.path("useLegacySql").asBoolean()) {
            throw error(400, "invalidQuery", "the provider's query is standard SQL: useLegacySql must be false");
        }
        if (!"NAMED".equals(request.path("parameterMode").asText())) {
            throw error(400, "invalidQuery", "Query parameters must be NAMED (parameterMode)");
        }
        String text = request.path("query").asText("");
        String[] around = expectedQuery(TABLE_MARK).split(TABLE_MARK, -1);
        if (!text.startsWith(around[0]) || !text.endsWith(around[1]) || text.length() <= around[0].length() + around[1].length()) {
            throw error(400, "invalidQuery", "Syntax error: this simulator runs only the gcp-billing-export query");
        }
        String asked = text.substring(around[0].length(), text.length() - around[1].length());
        Map<String, String> params = parameters(request.path("queryParameters"));
        LocalDate start = date(params, "start");
        LocalDate end = date(params, "end");
        String account = params.get("billing_account");
        String gcpProject = params.get("project");
        faults.apply(exchange, List.of(account), VENDOR);
        if (!asked.equals(table)) {
            throw error(404, "notFound", "Not found: Table " + asked.replaceFirst("\\.", ":") + " was not found in location US");
        }
        if (denied.contains(email)) {
            throw error(403, "accessDenied", "Access Denied: Table " + table.replaceFirst("\\.", ":") + ": User does not have"
                    + " permission to query table " + table + ", or perhaps it does not exist.");
        }
        LocalDate firstPartition = start.minusDays(PARTITION_DAYS_BEFORE);
        LocalDate endPartition = end.plusDays(PARTITION_DAYS_AFTER);
        List<List<String>> result = evaluate(start, end, firstPartition, endPartition, account, gcpProject);
        // BigQuery bills the referenced columns of the partitions a query reads (its partition filter prunes the rest)
        long bytes = ROW_BYTES * rows.stream().filter(r -> inPartitions(r, firstPartition, endPartition)).count();
        String location = request.path("location").asText("US");
        if (request.path("dryRun").asBoolean(false)) {
            ObjectNode dry = JSON.createObjectNode().put("kind", "bigquery#queryResponse");
            dry.set("schema", schema());
            dry.putObject("jobReference").put("projectId", project).put("location", location);
            dry.put("totalBytesProcessed", Long.toString(bytes)).put("jobComplete", true).put("cacheHit", false);
            return dry;
        }
        Job job = new Job("job_sim" + jobCounter.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8),
                project, email, account, result, bytes, pendingPolls);
        jobs.put(job.id, job);
        int max = request.path("maxResults").asInt(pageSize);
        return page(job, location, 0, max, "bigquery#queryResponse");
    }

    private JsonNode results(HttpExchange exchange, String email, String project, String jobId, Map<String, String> q)
            throws Answer, IOException {
        Job job = jobs.get(jobId);
        if (job == null || !job.project.equals(project) || !job.email.equals(email)) {
            throw error(404, "notFound", "Not found: Job " + project + ":" + jobId);
        }
        faults.apply(exchange, List.of(job.billingAccount), VENDOR);
        int offset = 0;
        String token = q.get("pageToken");
        if (token != null) {
            String expected = "p" + jobId.hashCode() + "-";
            if (!token.startsWith(expected)) {
                throw error(400, "invalid", "Invalid page token");
            }
            try {
                offset = Integer.parseInt(token.substring(expected.length()));
            } catch (NumberFormatException e) {
                throw error(400, "invalid", "Invalid page token");
            }
        }
        int max = q.containsKey("maxResults") ? Integer.parseInt(q.get("maxResults")) : pageSize;
        return page(job, q.getOrDefault("location", "US"), offset, max, "bigquery#getQueryResultsResponse");
    }

    private JsonNode page(Job job, String location, int offset, int maxResults, String kind) {
        ObjectNode answer = JSON.createObjectNode().put("kind", kind);
        answer.putObject("jobReference").put("projectId", job.project).put("jobId", job.id).put("location", location);
        synchronized (job) {
            if (job.pending > 0) {
                job.pending--;
                answer.put("jobComplete", false);
                return answer;
            }
        }
        answer.set("schema", schema());
        int size = Math.max(1, Math.min(pageSize, maxResults));
        int to = Math.min(job.result.size(), offset + size);
        ArrayNode out = answer.putArray("rows");
        for (List<String> row : job.result.subList(Math.min(offset, to), to)) {
            ArrayNode f = out.addObject().putArray("f");
            for (String v : row) {
                f.addObject().put("v", v);
            }
        }
        if (to < job.result.size()) {
            answer.put("pageToken", "p" + job.id.hashCode() + "-" + to);
        }
        answer.put("totalRows", Integer.toString(job.result.size()));
        answer.put("totalBytesProcessed", Long.toString(job.bytes));
        answer.put("jobComplete", true).put("cacheHit", false);
        return answer;
    }

    private static boolean inPartitions(ExportRow r, LocalDate first, LocalDate end) {
        LocalDate partition = r.partition();
        return !partition.isBefore(first) && partition.isBefore(end);
    }

    private List<List<String>> evaluate(LocalDate start, LocalDate end, LocalDate firstPartition, LocalDate endPartition,
                                        String account, String project) {
        Instant from = start.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = end.atStartOfDay().toInstant(ZoneOffset.UTC);
        Map<List<String>, BigDecimal[]> groups = new TreeMap<>(KEY_ORDER);
        for (ExportRow r : rows) {
            if (!inPartitions(r, firstPartition, endPartition)
                    || r.usageStartTime().isBefore(from) || !r.usageStartTime().isBefore(to)) {
                continue;
            }
            if (!account.isEmpty() && !account.equals(r.billingAccountId())) {
                continue;
            }
            if (!project.isEmpty() && !project.equals(r.projectId())) {
                continue;
            }
            List<String> key = List.of(r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate().toString(), r.service(),
                    r.region() == null ? "" : r.region(), r.sku(), r.projectId() == null ? "" : r.projectId(),
                    r.costType(), r.currency(), labelsJson(r));
            BigDecimal[] sums = groups.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, null});
            sums[0] = sums[0].add(ExportRow.numeric(r.cost()));
            for (Credit c : r.credits()) {
                sums[1] = sums[1].add(ExportRow.numeric(c.amount()));
            }
            if (r.costAtList() != null) { // SUM ignores NULL, and is NULL when every value is
                sums[2] = (sums[2] == null ? BigDecimal.ZERO : sums[2]).add(ExportRow.numeric(r.costAtList()));
            }
        }
        List<List<String>> out = new ArrayList<>();
        groups.forEach((key, sums) -> {
            List<String> row = new ArrayList<>(key.subList(0, 7));
            row.add(numeric(sums[0]));
            row.add(numeric(sums[1]));
            row.add(key.get(7));
            row.add(sums[2] == null ? null : numeric(sums[2]));
            out.add(row);
        });
        return out;
    }

    /** @return {@code TO_JSON_STRING(labels)}: {@code [{"key":"k","value":"v"},...]}, {@code []} when none */
    private static String labelsJson(ExportRow r) {
        ArrayNode array = JSON.createArrayNode();
        r.labels().forEach((k, v) -> array.addObject().put("key", k).put("value", v));
        return array.toString();
    }

    private static final Comparator<List<String>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    /** @return NUMERIC as BigQuery's JSON carries it: a plain decimal string without trailing zeros */
    private static String numeric(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> parameters(JsonNode list) throws Answer {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("start", "DATE");
        expected.put("end", "DATE");
        expected.put("billing_account", "STRING");
        expected.put("project", "STRING");
        Map<String, String> values = new HashMap<>();
        for (JsonNode p : list) {
            String name = p.path("name").asText("");
            String type = p.path("parameterType").path("type").asText("");
            if (!expected.containsKey(name)) {
                throw error(400, "invalidQuery", "Undeclared query parameter: " + name);
            }
            if (!expected.get(name).equals(type)) {
                throw error(400, "invalidQuery", "Query parameter '" + name + "' must be of type " + expected.get(name)
                        + ", got " + type);
            }
            JsonNode v = p.path("parameterValue").path("value");
            if (!v.isTextual()) {
                throw error(400, "invalidQuery", "Query parameter '" + name + "' has no value");
            }
            values.put(name, v.asText());
        }
        for (String name : expected.keySet()) {
            if (!values.containsKey(name)) {
                throw error(400, "invalidQuery", "Query parameter '" + name + "' not found");
            }
        }
        return values;
    }

    private static LocalDate date(Map<String, String> params, String name) throws Answer {
        try {
            return LocalDate.parse(params.get(name));
        } catch (DateTimeParseException e) {
            throw error(400, "invalidQuery", "Invalid DATE literal for parameter " + name);
        }
    }

    private static ObjectNode schema() {
        ObjectNode schema = JSON.createObjectNode();
        ArrayNode fields = schema.putArray("fields");
        for (String[] f : SCHEMA) {
            fields.addObject().put("name", f[0]).put("type", f[1]).put("mode", "NULLABLE");
        }
        return schema;
    }

    /**
     * How BigQuery answers faults: throttling is {@code 429} with reason {@code rateLimitExceeded} and
     * {@code Retry-After}; server errors have reason {@code backendError}; {@link Fault#error} sends its code as
     * the reason; a rejected key is {@code 401 authError}.
     */
    private static final FaultBook.Vendor<Answer> VENDOR = new FaultBook.Vendor<>() {
        @Override
        public Answer throttle(Fault.RetryAfter retryAfter) {
            Answer a = BigQueryExportHandler.error(429, "rateLimitExceeded", "Exceeded rate limits: too many api requests"
                    + " per user per method for this user_method. For more information, see"
                    + " https://cloud.google.com/bigquery/docs/troubleshoot-quotas");
            return new Answer(a.status, a.body, FaultBook.header(retryAfter));
        }

        @Override
        public Answer serverError(int status) {
            return BigQueryExportHandler.error(status, "backendError",
                    "Error encountered during execution. Retrying may solve the problem.");
        }

        @Override
        public Answer error(int status, String code, String message) {
            return BigQueryExportHandler.error(status, code, message);
        }

        @Override
        public Answer rejectedKey(String account) {
            return BigQueryExportHandler.error(401, "authError", "Request had invalid authentication credentials.");
        }
    };

    private static Answer error(int status, String reason, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("error").put("code", status).put("message", message);
        e.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
        e.put("status", switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        });
        return new Answer(status, body, null);
    }

    private static String segment(String path, int index) {
        String[] parts = path.split("/", -1);
        return parts.length > index ? URLDecoder.decode(parts[index], StandardCharsets.UTF_8) : "";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void sendText(HttpExchange exchange, int status, String text, String type) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Metadata-Flavor", "Google");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body, String retryAfter) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
