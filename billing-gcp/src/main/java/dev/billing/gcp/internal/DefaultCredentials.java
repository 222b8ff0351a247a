package dev.billing.gcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.support.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Application Default Credentials without google-auth, in the order Google documents
 * (https://docs.cloud.google.com/docs/authentication/application-default-credentials, "Search order"):
 * <ol>
 *   <li>the file {@code GOOGLE_APPLICATION_CREDENTIALS} names: a {@code service_account} key or an
 *       {@code external_account} (workload identity federation) configuration;</li>
 *   <li>the file {@code gcloud auth application-default login} writes:
 *       {@code $CLOUDSDK_CONFIG/application_default_credentials.json}, by default
 *       {@code ~/.config/gcloud/} ({@code %APPDATA%\gcloud\} on Windows);</li>
 *   <li>the attached service account, from the metadata server ({@code metadata.google.internal}, or the
 *       host and port {@code GCE_METADATA_HOST} names, as Google's auth libraries read it).</li>
 * </ol>
 * Each variable is read from the JVM system property {@code dev.billing.gcp.NAME} when it is set (an empty
 * value meaning unset), else from the environment variable {@code NAME}: a host (or a test) can point ADC
 * elsewhere without changing the process environment.
 */
final class DefaultCredentials {
    /** The prefix of the system properties that override the environment variables. */
    static final String PROPERTY_PREFIX = "dev.billing.gcp.";
    static final String CREDENTIALS_VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS";
    static final String CONFIG_VARIABLE = "CLOUDSDK_CONFIG";
    static final String METADATA_VARIABLE = "GCE_METADATA_HOST";
    static final String METADATA_HOST = "metadata.google.internal";
    static final String WELL_KNOWN_FILE = "application_default_credentials.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A credential and where it was found (for messages). */
    record Found(GoogleCredential credential, String source, String text) {
    }

    private DefaultCredentials() {
    }

    /**
     * @return the first credential of the search order; the metadata server when no file is found
     * @throws IllegalArgumentException naming the file and what is wrong with it, never quoting it
     */
    static Found find() {
        return find(DefaultCredentials::variable);
    }

    static Found find(UnaryOperator<String> variables) {
        String named = variables.apply(CREDENTIALS_VARIABLE);
        if (named != null) {
            Path file = Path.of(named);
            return read(file, CREDENTIALS_VARIABLE + " (" + file + ")");
        }
        Path wellKnown = wellKnownFile(variables);
        if (Files.isRegularFile(wellKnown)) {
            return read(wellKnown, "the gcloud file " + wellKnown);
        }
        String host = variables.apply(METADATA_VARIABLE);
        GoogleCredential.MetadataServer server =
                new GoogleCredential.MetadataServer(host == null ? METADATA_HOST : host.trim());
        return new Found(server, "the metadata server " + server.host() + " (no " + CREDENTIALS_VARIABLE
                + ", no gcloud file " + wellKnown + ")", null);
    }

    /** @return the property {@code dev.billing.gcp.NAME} if set, else the environment variable; null when empty */
    static String variable(String name) {
        String value = System.getProperty(PROPERTY_PREFIX + name);
        if (value == null) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value;
    }

    static Path wellKnownFile(UnaryOperator<String> variables) {
        String config = variables.apply(CONFIG_VARIABLE);
        if (config != null) {
            return Path.of(config, WELL_KNOWN_FILE);
        }
        String appData = System.getenv("APPDATA");
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") && appData != null) {
            return Path.of(appData, "gcloud", WELL_KNOWN_FILE);
        }
        return Path.of(System.getProperty("user.home"), ".config", "gcloud", WELL_KNOWN_FILE);
    }

    private static Found read(Path file, String source) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Application Default Credentials file " + source
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return new Found(parse(text), source, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Application Default Credentials file " + source + " "
                    + e.getMessage());
        }
    }

    /**
     * @param text a credentials file's JSON text
     * @return its credential
     * @throws IllegalArgumentException saying what is wrong ("is not ..."), never quoting a secret
     */
    static GoogleCredential parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("is not JSON");
        }
        String type = root == null ? "" : root.path("type").asText("");
        return switch (type) {
            case "service_account" -> ServiceAccountKey.parse(text);
            case "authorized_user" -> new GoogleCredential.AuthorizedUser(required(root, "client_id"),
                    required(root, "client_secret"), required(root, "refresh_token"),
                    url(root, "token_uri", ServiceAccountKey.DEFAULT_TOKEN_URI), optional(root, "quota_project_id"),
                    optional(root, "account"));
            case "external_account" -> external(root);
            default -> throw new IllegalArgumentException("has the \"type\" '" + type.replaceAll("[^A-Za-z_]", "")
                    + "'; expected service_account, external_account or authorized_user");
        };
    }

    private static GoogleCredential external(JsonNode root) {
        JsonNode source = root.path("credential_source");
        if (!source.isObject()) {
            throw new IllegalArgumentException("has no \"credential_source\"");
        }
        if (source.has("environment_id") || source.has("executable") || source.has("certificate")) {
            throw new IllegalArgumentException("has a credential_source that is not supported (only \"file\" and"
                    + " \"url\" sources; not AWS, executable or X.509 ones)");
        }
        String file = optional(source, "file");
        // a subject token URL may be a link-local metadata service (Azure's IMDS, http://169.254.169.254) with a query
        URI url = source.has("url") ? url(source, "url", null, true) : null;
        if ((file == null) == (url == null)) {
            throw new IllegalArgumentException("must have exactly one of credential_source.file and credential_source.url");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        source.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        JsonNode format = source.path("format");
        String formatType = format.path("type").asText("text");
        String field = null;
        if (formatType.equals("json")) {
            field = optional(format, "subject_token_field_name");
            if (field == null) {
                throw new IllegalArgumentException("has credential_source.format json without subject_token_field_name");
            }
        } else if (!formatType.equals("text")) {
            throw new IllegalArgumentException("has a credential_source.format type that is neither text nor json");
        }
        URI impersonation = root.has("service_account_impersonation_url")
                ? url(root, "service_account_impersonation_url", null) : null;
        return new GoogleCredential.ExternalAccount(required(root, "audience"), required(root, "subject_token_type"),
                url(root, "token_url", null), impersonation, file, url, headers, field, optional(root, "quota_project_id"));
    }

    private static String required(JsonNode node, String field) {
        String v = optional(node, field);
        if (v == null) {
            throw new IllegalArgumentException("has no \"" + field + "\"");
        }
        return v;
    }

    private static String optional(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n == null || !n.isTextual() || n.asText().isBlank() ? null : n.asText().trim();
    }

    /** @return the field as an https URL (http only on a loopback host), or {@code fallback} when absent */
    private static URI url(JsonNode node, String field, URI fallback) {
        return url(node, field, fallback, false);
    }

    private static URI url(JsonNode node, String field, URI fallback, boolean linkLocalHttp) {
        String text = optional(node, field);
        if (text == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("has no \"" + field + "\"");
            }
            return fallback;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("has a \"" + field + "\" that is not a URL");
        }
        if (linkLocalHttp && uri.getHost() != null && ("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme())
                && (uri.getHost().startsWith("169.254.") || Endpoints.isLoopbackHost(uri.getHost()))))) {
            return uri; // with its query (for example IMDS's api-version and resource)
        }
        Optional<String> problem = Endpoints.problem(uri);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("has a \"" + field + "\" that " + problem.get());
        }
        return uri;
    }
}
