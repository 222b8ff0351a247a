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

    /**
     * A field of the export table: its name, its BigQuery type (a RECORD's fields), whether it is REPEATED.
     *
     * @param name the field's name
     * @param type its type, for a leaf
     * @param repeated whether it is an array
     * @param fields a RECORD's fields, empty for a leaf
     */
    private record Field(String name, String type, boolean repeated, List<Field> fields) {
        String typeText() {
            String t = fields.isEmpty() ? type : structText();
            return repeated ? "ARRAY<" + t + ">" : t;
        }

        String structText() {
            return "STRUCT<" + String.join(", ", fields.stream().map(f -> f.name + " " + f.typeText()).toList()) + ">";
        }

        Field field(String n) {
            return fields.stream().filter(f -> f.name.equalsIgnoreCase(n)).findFirst().orElse(null);
        }
    }

    private static Field leaf(String name, String type) {
        return new Field(name, type, false, List.of());
    }

    private static Field record(String name, Field... fields) {
        return new Field(name, "STRUCT", false, List.of(fields));
    }

    private static Field repeated(String name, Field... fields) {
        return new Field(name, "STRUCT", true, List.of(fields));
    }

    /**
     * The columns of the Cloud Billing <em>standard usage cost</em> export table: Google's "Structure of Standard data
     * export" (https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/standard-usage, the field
     * table of the standard usage cost data, read in December 2026, its newest fields {@code price},
     * {@code consumption_model} and the {@code cost_at_*} columns from 15 July 2025), with the ingestion-time
     * partitioning's pseudo-columns. {@code project.labels} is a REPEATED RECORD of {@code key}, {@code value}
     * ("the key-value pair that comprises the label on the Google Cloud project where the usage occurred"), as
     * {@code labels} is for the resource; {@code resource} and {@code subscription} are in the detailed export only.
     * A query naming any other field is refused {@code 400 invalidQuery}, with BigQuery's message.
     */
    private static final Field EXPORT_SCHEMA = record("",
            leaf("billing_account_id", "STRING"),
            record("invoice", leaf("month", "STRING"), leaf("publisher_type", "STRING")),
            leaf("cost_type", "STRING"),
            record("service", leaf("id", "STRING"), leaf("description", "STRING")),
            record("sku", leaf("id", "STRING"), leaf("description", "STRING")),
            leaf("usage_start_time", "TIMESTAMP"), leaf("usage_end_time", "TIMESTAMP"),
            record("project", leaf("id", "STRING"), leaf("number", "STRING"), leaf("name", "STRING"),
                    leaf("ancestry_numbers", "STRING"),
                    repeated("ancestors", leaf("resource_name", "STRING"), leaf("display_name", "STRING")),
                    repeated("labels", leaf("key", "STRING"), leaf("value", "STRING"))),
            repeated("labels", leaf("key", "STRING"), leaf("value", "STRING")),
            repeated("system_labels", leaf("key", "STRING"), leaf("value", "STRING")),
            record("location", leaf("location", "STRING"), leaf("country", "STRING"), leaf("region", "STRING"),
                    leaf("zone", "STRING")),
            leaf("cost", "FLOAT64"), leaf("currency", "STRING"), leaf("currency_conversion_rate", "FLOAT64"),
            record("usage", leaf("amount", "FLOAT64"), leaf("unit", "STRING"), leaf("amount_in_pricing_units", "FLOAT64"),
                    leaf("pricing_unit", "STRING")),
            repeated("credits", leaf("name", "STRING"), leaf("amount", "FLOAT64"), leaf("full_name", "STRING"),
                    leaf("id", "STRING"), leaf("type", "STRING")),
            record("adjustment_info", leaf("id", "STRING"), leaf("description", "STRING"), leaf("mode", "STRING"),
                    leaf("type", "STRING")),
            leaf("export_time", "TIMESTAMP"),
            repeated("tags", leaf("key", "STRING"), leaf("value", "STRING"), leaf("inherited", "BOOL"),
                    leaf("namespace", "STRING")),
            leaf("cost_at_list", "FLOAT64"), leaf("transaction_type", "STRING"), leaf("seller_name", "STRING"),
            record("price", leaf("effective_price", "NUMERIC"), leaf("tier_start_amount", "NUMERIC"),
                    leaf("unit", "STRING"), leaf("pricing_unit_quantity", "NUMERIC"), leaf("list_price", "NUMERIC"),
                    leaf("effective_price_default", "NUMERIC"), leaf("list_price_consumption_model", "NUMERIC")),
            leaf("cost_at_effective_price_default", "NUMERIC"), leaf("cost_at_list_consumption_model", "NUMERIC"),
            record("consumption_model", leaf("id", "STRING"), leaf("description", "STRING")),
            leaf("_PARTITIONTIME", "TIMESTAMP"), leaf("_PARTITIONDATE", "DATE"));
    /** Words of the opt-in expressions that are not names of columns. */
    private static final Set<String> KEYWORDS = Set.of("SELECT", "AS", "STRUCT", "FROM", "GROUP", "BY", "ORDER", "ASC",
            "DESC", "WHERE", "AND", "OR", "NOT", "NULL", "TRUE", "FALSE", "IS", "IN", "DISTINCT", "LIMIT", "NUMERIC",
            "BIGNUMERIC", "STRING", "INT64", "FLOAT64", "BOOL", "DATE", "TIMESTAMP", "JSON");
    private static final java.util.regex.Pattern UNNESTED = java.util.regex.Pattern.compile(
            "UNNEST\\((?:ARRAY_CONCAT_AGG\\()?([A-Za-z_][\\w.]*)\\)+ AS (\\w+)");
    private static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("\\bAS (\\w+)");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
            "(?<![\\w.@])([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)(\\s*\\()?");

    /** Which opt-in columns a query asks for. */
    private record Shape(boolean projectLabels, boolean creditTypes) {
        List<String[]> columns() {
            List<String[]> columns = new ArrayList<>(SCHEMA);
            if (projectLabels) {
                columns.add(new String[] {"project_labels", "STRING"});
            }
            if (creditTypes) {
                columns.add(new String[] {"credits_by_type", "STRING"});
            }
            return columns;
        }
    }

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
        final Shape shape;
        int pending;

        Job(String id, String project, String email, String billingAccount, List<List<String>> result, long bytes,
            Shape shape, int pending) {
            this.id = id;
            this.project = project;
            this.email = email;
            this.billingAccount = billingAccount;
            this.result = result;
            this.bytes = bytes;
            this.shape = shape;
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

    /**
     * @param table a table name
     * @param projectLabels whether the query asks for {@code project_labels}
     * @param creditTypes whether the query asks for {@code credits_by_type}
     * @return the query text the provider sends for it
     */
    public static String expectedQuery(String table, boolean projectLabels, boolean creditTypes) {
        String grouped = "1, 2, 3, 4, 5, 6, 7, 10" + (projectLabels ? ", 12" : "");
        return (HEAD
                + (projectLabels ? ",\n  " + PROJECT_LABELS_ITEM : "")
                + (creditTypes ? ",\n  " + CREDITS_BY_TYPE_ITEM : "")
                + "\n"
                + "FROM `" + TABLE_MARK + "`\n"
                + "WHERE _PARTITIONTIME >= TIMESTAMP(DATE_SUB(@start, INTERVAL " + PARTITION_DAYS_BEFORE + " DAY))\n"
                + "  AND _PARTITIONTIME < TIMESTAMP(DATE_ADD(@end, INTERVAL " + PARTITION_DAYS_AFTER + " DAY))\n"
                + "  AND usage_start_time >= TIMESTAMP(@start)\n"
                + "  AND usage_start_time < TIMESTAMP(@end)\n"
                + "  AND (@billing_account = '' OR billing_account_id = @billing_account)\n"
                + "  AND (@project = '' OR project.id = @project)\n"
                + "GROUP BY " + grouped + "\n"
                + "ORDER BY " + grouped).replace(TABLE_MARK, table);
    }

    /** The select list of the contract's columns, up to {@code cost_at_list}; the opt-in columns follow it. */
    private static final String HEAD = "SELECT\n"
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
                + "  SUM(CAST(cost_at_list AS NUMERIC)) AS cost_at_list";
    /** The opt-in column of the project's labels: a STRING, grouped like {@code labels}. */
    private static final String PROJECT_LABELS_ITEM = "TO_JSON_STRING(project.labels) AS project_labels";
    /** The opt-in column of the group's credits summed per type: a STRING, an aggregate. */
    private static final String CREDITS_BY_TYPE_ITEM = "TO_JSON_STRING(ARRAY(SELECT AS STRUCT IFNULL(c.type, '') AS type,"
            + " CAST(SUM(CAST(c.amount AS NUMERIC)) AS STRING) AS amount"
            + " FROM UNNEST(ARRAY_CONCAT_AGG(credits)) AS c GROUP BY 1 ORDER BY 1)) AS credits_by_type";

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
        Shape shape = shape(text);
        int tableAt = text.indexOf("\nFROM `") + "\nFROM `".length();
        String asked = text.substring(tableAt, Math.max(tableAt, text.indexOf('`', tableAt)));
        if (!text.equals(expectedQuery(asked, shape.projectLabels(), shape.creditTypes()))) {
            throw error(400, "invalidQuery", "Syntax error: this simulator runs only the gcp-billing-export query");
        }
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
        List<List<String>> result = evaluate(start, end, firstPartition, endPartition, account, gcpProject, shape);
        // BigQuery bills the referenced columns of the partitions a query reads (its partition filter prunes the rest)
        long bytes = ROW_BYTES * rows.stream().filter(r -> inPartitions(r, firstPartition, endPartition)).count();
        String location = request.path("location").asText("US");
        if (request.path("dryRun").asBoolean(false)) {
            ObjectNode dry = JSON.createObjectNode().put("kind", "bigquery#queryResponse");
            dry.set("schema", schema(shape));
            dry.putObject("jobReference").put("projectId", project).put("location", location);
            dry.put("totalBytesProcessed", Long.toString(bytes)).put("jobComplete", true).put("cacheHit", false);
            return dry;
        }
        Job job = new Job("job_sim" + jobCounter.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8),
                project, email, account, result, bytes, shape, pendingPolls);
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
        answer.set("schema", schema(job.shape));
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

    /**
     * Reads the opt-in select items after {@code cost_at_list}: each may name only fields the export table has (else
     * BigQuery's {@code invalidQuery} answer), and must be one of the two the provider sends, in its order.
     */
    private static Shape shape(String text) throws Answer {
        int from = text.indexOf("\nFROM `");
        if (!text.startsWith(HEAD) || from < HEAD.length()) {
            throw error(400, "invalidQuery", "Syntax error: this simulator runs only the gcp-billing-export query");
        }
        String extra = text.substring(HEAD.length(), from);
        List<String> items = extra.isEmpty() ? List.of() : List.of(extra.substring(1).split(",\n  ", -1));
        for (String item : items) {
            checkNames(item.strip());
        }
        List<String> given = items.stream().map(String::strip).toList();
        for (Shape shape : List.of(new Shape(false, false), new Shape(true, false), new Shape(false, true),
                new Shape(true, true))) {
            List<String> wanted = new ArrayList<>();
            if (shape.projectLabels()) {
                wanted.add(PROJECT_LABELS_ITEM);
            }
            if (shape.creditTypes()) {
                wanted.add(CREDITS_BY_TYPE_ITEM);
            }
            if (wanted.equals(given)) {
                return shape;
            }
        }
        throw error(400, "invalidQuery", "Syntax error: this simulator runs only the gcp-billing-export query");
    }

    /**
     * Refuses a name of a column or field the export table does not have, with BigQuery's messages: {@code
     * Unrecognized name: x}, {@code Field name x does not exist in STRUCT<...>}, {@code Cannot access field x on a
     * value with type ARRAY<...>} (a REPEATED field's fields are reached through {@code UNNEST} only).
     */
    private static void checkNames(String item) throws Answer {
        String code = item.replaceAll("'[^']*'", "''");
        Map<String, String> unnested = new HashMap<>();
        java.util.regex.Matcher u = UNNESTED.matcher(code);
        while (u.find()) {
            unnested.put(u.group(2).toLowerCase(java.util.Locale.ROOT), u.group(1));
        }
        Set<String> aliases = new java.util.HashSet<>();
        java.util.regex.Matcher a = ALIAS.matcher(code);
        while (a.find()) {
            aliases.add(a.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        java.util.regex.Matcher m = NAME.matcher(code);
        while (m.find()) {
            if (m.group(2) != null) {
                continue; // a function
            }
            List<String> path = new ArrayList<>(List.of(m.group(1).split("\\.")));
            String first = path.get(0).toLowerCase(java.util.Locale.ROOT);
            int through = 0;
            if (unnested.containsKey(first)) {
                List<String> array = List.of(unnested.get(first).split("\\."));
                path.remove(0);
                path.addAll(0, array);
                through = array.size();
            } else if (KEYWORDS.contains(first.toUpperCase(java.util.Locale.ROOT)) || aliases.contains(first)) {
                continue;
            }
            Field field = EXPORT_SCHEMA;
            for (int i = 0; i < path.size(); i++) {
                if (field.repeated() && i != through) {
                    throw error(400, "invalidQuery", "Cannot access field " + path.get(i) + " on a value with type "
                            + field.typeText());
                }
                Field next = field.field(path.get(i));
                if (next == null) {
                    throw error(400, "invalidQuery", i == 0 ? "Unrecognized name: " + path.get(i)
                            : "Field name " + path.get(i) + " does not exist in " + field.structText());
                }
                field = next;
            }
        }
    }

    private List<List<String>> evaluate(LocalDate start, LocalDate end, LocalDate firstPartition, LocalDate endPartition,
                                        String account, String project, Shape shape) {
        Instant from = start.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = end.atStartOfDay().toInstant(ZoneOffset.UTC);
        Map<List<String>, Sums> groups = new TreeMap<>(KEY_ORDER);
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
            List<String> key = new ArrayList<>(List.of(r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate().toString(),
                    r.service(), r.region() == null ? "" : r.region(), r.sku(), r.projectId() == null ? "" : r.projectId(),
                    r.costType(), r.currency(), labelsJson(r.labels())));
            if (shape.projectLabels()) {
                key.add(labelsJson(r.projectLabels()));
            }
            Sums sums = groups.computeIfAbsent(key, k -> new Sums());
            sums.cost = sums.cost.add(ExportRow.numeric(r.cost()));
            for (Credit c : r.credits()) {
                sums.credits = sums.credits.add(ExportRow.numeric(c.amount()));
                sums.byType.merge(c.type(), ExportRow.numeric(c.amount()), BigDecimal::add);
            }
            if (r.costAtList() != null) { // SUM ignores NULL, and is NULL when every value is
                sums.atList = (sums.atList == null ? BigDecimal.ZERO : sums.atList).add(ExportRow.numeric(r.costAtList()));
            }
        }
        List<List<String>> out = new ArrayList<>();
        groups.forEach((key, sums) -> {
            List<String> row = new ArrayList<>(key.subList(0, 7));
            row.add(numeric(sums.cost));
            row.add(numeric(sums.credits));
            row.add(key.get(7));
            row.add(sums.atList == null ? null : numeric(sums.atList));
            if (shape.projectLabels()) {
                row.add(key.get(8));
            }
            if (shape.creditTypes()) { // ARRAY(SELECT AS STRUCT type, CAST(SUM(...) AS STRING) ... GROUP BY 1 ORDER BY 1)
                ArrayNode byType = JSON.createArrayNode();
                sums.byType.forEach((type, amount) -> byType.addObject().put("type", type).put("amount", numeric(amount)));
                row.add(byType.toString());
            }
            out.add(row);
        });
        return out;
    }

    /** A group's sums: cost, credits (and by type), cost at list (null while every value is). */
    private static final class Sums {
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal credits = BigDecimal.ZERO;
        BigDecimal atList;
        final Map<String, BigDecimal> byType = new TreeMap<>();
    }

    /** @return {@code TO_JSON_STRING} of a labels array: {@code [{"key":"k","value":"v"},...]}, {@code []} when none */
    private static String labelsJson(Map<String, String> labels) {
        ArrayNode array = JSON.createArrayNode();
        labels.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
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

    private static ObjectNode schema(Shape shape) {
        ObjectNode schema = JSON.createObjectNode();
        ArrayNode fields = schema.putArray("fields");
        for (String[] f : shape.columns()) {
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
