package dev.billing.gcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.provider.support.RetryableFailure;
import dev.billing.core.support.Bounds;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two BigQuery REST calls the provider makes: {@code jobs.query}
 * ({@code POST /bigquery/v2/projects/{projectId}/queries}) and {@code jobs.getQueryResults}
 * ({@code GET /bigquery/v2/projects/{projectId}/queries/{jobId}}), with a bearer token, retries and
 * the mapping of BigQuery's error answers ({@code error.errors[].reason}) to the SDK's exceptions.
 */
final class BigQueryClient {
    /** The long poll each call asks BigQuery for, in milliseconds. */
    static final int TIMEOUT_MS = 10_000;
    private static final Set<String> RATE_LIMITED = Set.of("rateLimitExceeded", "quotaExceeded");
    private static final Set<String> TRANSIENT = Set.of("backendError", "internalError");

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final Transport transport;
    private final AccessTokens tokens;

    BigQueryClient(Transport transport, AccessTokens tokens) {
        this.transport = transport;
        this.tokens = tokens;
    }

    /** @return the access tokens this client sends */
    AccessTokens tokens() {
        return tokens;
    }

    /** {@code jobs.query} with the export query and its parameters. */
    QueryPage query(Caller caller, String queryProject, LocalDate start, LocalDate end, boolean dryRun,
                    AtomicInteger requests) {
        Config c = transport.config();
        ObjectNode body = JSON.createObjectNode();
        body.put("kind", "bigquery#queryRequest");
        body.put("query", c.query().text(caller.table()));
        body.put("useLegacySql", false);
        body.put("parameterMode", "NAMED");
        body.set("queryParameters", ExportQuery.parameters(JSON.getNodeFactory(), start, end, caller.billingAccount(),
                caller.project()));
        if (c.location() != null) {
            body.put("location", c.location());
        }
        body.put("maxResults", c.pageSize());
        body.put("timeoutMs", TIMEOUT_MS);
        if (c.maximumBytesBilled() > 0) {
            body.put("maximumBytesBilled", Long.toString(c.maximumBytesBilled()));
        }
        if (dryRun) {
            body.put("dryRun", true);
        }
        // the same requestId on every retry: BigQuery runs the query once
        body.put("requestId", UUID.randomUUID().toString());
        String path = "/bigquery/v2/projects/" + segment(queryProject) + "/queries";
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return call(caller, dryRun ? "jobs.query (dry run)" : "jobs.query", "POST", path, "", bytes, dryRun, requests);
    }

    /**
     * A JSON number cell as plain text; one outside the bounds keeps its short scientific text (its plain text
     * could take gigabytes) for the row's reader to refuse.
     */
    private static String plain(BigDecimal d) {
        try {
            return Bounds.decimal(d).toPlainString();
        } catch (NumberFormatException e) {
            return d.toString();
        }
    }

    /** {@code jobs.getQueryResults}: polls an unfinished job, or reads the page {@code pageToken} names. */
    QueryPage results(Caller caller, QueryPage job, String pageToken, AtomicInteger requests) {
        StringBuilder q = new StringBuilder("?maxResults=").append(transport.config().pageSize())
                .append("&timeoutMs=").append(TIMEOUT_MS);
        String location = job.location() != null ? job.location() : transport.config().location();
        if (location != null) {
            q.append("&location=").append(URLEncoder.encode(location, StandardCharsets.UTF_8));
        }
        if (pageToken != null) {
            q.append("&pageToken=").append(URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        }
        String path = "/bigquery/v2/projects/" + segment(job.projectId()) + "/queries/" + segment(job.jobId());
        return call(caller, "jobs.getQueryResults", "GET", path, q.toString(), null, false, requests);
    }

    private QueryPage call(Caller caller, String what, String method, String path, String query, byte[] body,
                           boolean dryRun, AtomicInteger requests) {
        boolean[] refreshed = {false};
        URI uri = URI.create(transport.config().endpoint() + path + query);
        return transport.retrying(caller, what, attempt -> {
            while (true) {
                String token = tokens.token(caller, requests);
                HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(transport.config().http().requestTimeout())
                        .header("Authorization", "Bearer " + token).header("Accept", "application/json");
                if (body == null) {
                    b.GET();
                } else {
                    b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
                }
                HttpResponse<byte[]> response = transport.send(caller, b.build(), method + " " + path, attempt, requests);
                if (response.statusCode() == 401 && !refreshed[0]) {
                    // the cached token expired early or was revoked: get a new one, once
                    refreshed[0] = true;
                    tokens.invalidate(caller);
                    continue;
                }
                return handle(caller, what, response, dryRun);
            }
        });
    }

    private QueryPage handle(Caller caller, String what, HttpResponse<byte[]> response, boolean dryRun) {
        int status = response.statusCode();
        String name = caller.serviceAccount();
        if (status == 200) {
            try {
                return parse(response.body(), dryRun);
            } catch (IOException | RuntimeException e) {
                throw new ProviderProtocolException(Transport.PROVIDER + " sent an unusable answer to " + what
                        + " (HTTP 200) for service account '" + name + "': " + caller.scrub(shorten(e.getMessage())),
                        name, status, null);
            }
        }
        JsonNode error = parseQuietly(response.body()).path("error");
        String reason = "";
        for (JsonNode e : error.path("errors")) {
            reason = e.path("reason").asText("");
            if (!reason.isEmpty()) {
                break;
            }
        }
        String message = caller.scrub(shorten(error.path("message").asText("")));
        String detail = "HTTP " + status + (reason.isEmpty() ? "" : " " + reason) + (message.isEmpty() ? "" : ": " + message);
        if (status == 429 || (status == 403 && RATE_LIMITED.contains(reason))) {
            throw RetryableFailure.throttled(detail, 429, transport.retryAfter(response));
        }
        if (status == 500 || status == 502 || status == 503 || status == 504 || TRANSIENT.contains(reason)) {
            throw RetryableFailure.unavailable(detail, status, null);
        }
        if (status == 401) {
            throw new CredentialsRejectedException("credentials rejected by " + Transport.PROVIDER + ": BigQuery refused"
                    + " the access token of service account '" + name + "' (" + detail + ") on " + what
                    + "; check " + caller.source(), name, status);
        }
        if (status == 403) {
            throw new CredentialsRejectedException("credentials rejected by " + Transport.PROVIDER + ": access denied to"
                    + " service account '" + name + "' (" + caller.credential().principal() + ") on " + what + " (" + detail
                    + "); the service account lacks BigQuery Data Viewer on the table " + caller.table()
                    + ", or BigQuery Job User on the query project", name, status);
        }
        if (status == 404) {
            throw new ProviderConfigurationException(Transport.PROVIDER + ": BigQuery does not find the table "
                    + caller.table() + " or the query project for service account '" + name + "' (" + detail + ") on "
                    + what + "; check the credential 'table' (project.dataset.gcp_billing_export_v1_...), the provider"
                    + " settings 'queryProject' and 'location'");
        }
        if (status == 400 && reason.equals("invalidQuery")) {
            throw new ProviderProtocolException(Transport.PROVIDER + ": BigQuery rejected the export query for service"
                    + " account '" + name + "' (" + detail + "); is " + caller.table()
                    + " a standard usage cost export table?", name, status, null);
        }
        if (status == 400) {
            throw new InvalidRequestException(Transport.PROVIDER + ": BigQuery rejected " + what + " for service account '"
                    + name + "' (" + detail + ")", name, status, null);
        }
        throw new ProviderProtocolException(Transport.PROVIDER + " answered " + what + " with unexpected " + detail
                + " for service account '" + name + "'", name, status, null);
    }

    static QueryPage parse(byte[] body, boolean dryRun) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode complete = root.get("jobComplete");
        if (complete == null && dryRun) {
            complete = JSON.getNodeFactory().booleanNode(true);
        }
        if (complete == null || !complete.isBoolean()) {
            throw new IOException("no boolean jobComplete");
        }
        JsonNode ref = root.path("jobReference");
        String projectId = textOrNull(ref.get("projectId"));
        String jobId = textOrNull(ref.get("jobId"));
        List<String> columns = null;
        JsonNode fields = root.path("schema").get("fields");
        if (fields != null) {
            columns = new ArrayList<>();
            for (JsonNode f : fields) {
                columns.add(f.path("name").asText(""));
            }
        }
        List<String[]> rows = new ArrayList<>();
        JsonNode rowsNode = root.get("rows");
        if (rowsNode != null && !rowsNode.isNull()) {
            if (!rowsNode.isArray()) {
                throw new IOException("rows is not an array");
            }
            for (JsonNode row : rowsNode) {
                JsonNode f = row.get("f");
                if (f == null || !f.isArray()) {
                    throw new IOException("a row has no f array");
                }
                String[] cells = new String[f.size()];
                for (int i = 0; i < cells.length; i++) {
                    JsonNode v = f.get(i).get("v");
                    if (v != null && !v.isNull() && !v.isValueNode()) {
                        throw new IOException("a row's cell " + (i + 1) + " is not a scalar");
                    }
                    // NUMERIC and DATE cells are strings; asText of a textual node is the exact text
                    cells[i] = v == null || v.isNull() ? null : v.isBigDecimal() ? plain(v.decimalValue()) : v.asText();
                }
                rows.add(cells);
            }
        }
        long bytes = -1;
        JsonNode tbp = root.get("totalBytesProcessed");
        if (tbp != null && !tbp.isNull()) {
            try {
                bytes = Long.parseLong(tbp.asText());
            } catch (NumberFormatException e) {
                throw new IOException("totalBytesProcessed is not a whole number");
            }
        }
        return new QueryPage(complete.asBoolean(), projectId, jobId, textOrNull(ref.get("location")), columns, rows,
                textOrNull(root.get("pageToken")), bytes);
    }

    private static JsonNode parseQuietly(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? null : JSON.readTree(body);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || n.asText().isEmpty() ? null : n.asText();
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return Bounds.message(s.length() > 500 ? s.substring(0, 500) + "..." : s);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
