package dev.billing.azure.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.azure.AzureAccessToken;
import dev.billing.core.BillingException;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.support.Endpoints;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tokens of an Azure managed identity, without azure-identity. Where the App Service / Azure Functions identity
 * endpoint is present ({@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} in the environment) it is used, else
 * the Instance Metadata Service (IMDS) of a VM, scale set, AKS node or container instance.
 *
 * <ul>
 *   <li>IMDS, as Microsoft documents it ("How to use managed identities for Azure resources on an Azure VM to
 *       acquire an access token", learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token):
 *       {@code GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=...}
 *       with the header {@code Metadata: true} (IMDS refuses requests without it), {@code client_id} for a
 *       user-assigned identity; the answer has {@code access_token}, {@code expires_in} and {@code expires_on}
 *       (seconds, as strings).</li>
 *   <li>App Service and Functions ("How to use managed identities for App Service and Azure Functions", REST
 *       endpoint reference, learn.microsoft.com/azure/app-service/overview-managed-identity):
 *       {@code GET {IDENTITY_ENDPOINT}?resource=...&api-version=2019-08-01} with the header
 *       {@code X-IDENTITY-HEADER: {IDENTITY_HEADER}} (a secret), {@code client_id} for a user-assigned identity;
 *       the answer has {@code access_token} and {@code expires_on} (Unix seconds).</li>
 * </ul>
 * The resource is {@value #RESOURCE}. Neither the token nor {@code IDENTITY_HEADER} is ever logged or put in a message.
 */
final class ManagedIdentity {
    /** The Azure Resource Manager resource a managed identity token is asked for. */
    static final String RESOURCE = "https://management.azure.com/";
    /** The IMDS address. */
    static final String DEFAULT_IMDS = "http://169.254.169.254";
    static final String IMDS_PATH = "/metadata/identity/oauth2/token";
    static final String IMDS_API_VERSION = "2018-02-01";
    static final String APP_SERVICE_API_VERSION = "2019-08-01";

    private final URI imds;
    private final Map<String, String> environment;
    private final AzureHttp http;
    private final Clock clock;

    /**
     * @param imds the IMDS base URL (checked with {@link #checkImds})
     * @param environment where {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} are read
     * @param http the HTTP side
     * @param clock the clock expiry is compared with
     */
    ManagedIdentity(URI imds, Map<String, String> environment, AzureHttp http, Clock clock) {
        this.imds = imds;
        this.environment = Map.copyOf(environment);
        this.http = http;
        this.clock = clock;
    }

    /** What the {@code imdsEndpoint} setting must be. */
    static final String IMDS_REQUIREMENT = "be " + DEFAULT_IMDS + ", an https:// URL, or http:// on a loopback host";

    /** @return whether {@code value} is an acceptable IMDS URL ({@link #IMDS_REQUIREMENT}) */
    static boolean acceptable(String value) {
        URI imds;
        try {
            imds = new URI(value.trim());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String host = imds.getHost();
        boolean http = "http".equalsIgnoreCase(imds.getScheme());
        return host != null && (http || "https".equalsIgnoreCase(imds.getScheme()))
                && (!http || "169.254.169.254".equals(host) || Endpoints.isLoopbackHost(host));
    }

    /**
     * @param providerId the provider id, for the message
     * @param imds the IMDS base URL
     * @return the URL, without a trailing slash
     * @throws ProviderConfigurationException unless {@link #acceptable}
     */
    static URI checkImds(String providerId, URI imds) {
        if (!acceptable(imds.toString())) {
            throw new ProviderConfigurationException(providerId + ": setting 'imdsEndpoint' must " + IMDS_REQUIREMENT);
        }
        String s = imds.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** @return whether the App Service / Functions identity endpoint is present in the environment */
    boolean appService() {
        return present("IDENTITY_ENDPOINT") && present("IDENTITY_HEADER");
    }

    private boolean present(String name) {
        String v = environment.get(name);
        return v != null && !v.isBlank();
    }

    /**
     * @param p the principal; its client id, when not empty, names a user-assigned identity
     * @param requests counts requests
     * @param cancel checked before each attempt
     * @return a token for {@value #RESOURCE}
     * @throws BillingException when the endpoint refuses or answers something unusable
     */
    AzureAccessToken token(Principal p, AtomicInteger requests, Cancel cancel) {
        String query = "resource=" + enc(RESOURCE) + (p.clientId().isEmpty() ? "" : "&client_id=" + enc(p.clientId()));
        boolean appService = appService();
        URI uri;
        String header;
        String headerValue;
        if (appService) {
            String endpoint = environment.get("IDENTITY_ENDPOINT").trim();
            uri = URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + "api-version=" + APP_SERVICE_API_VERSION
                    + "&" + query);
            String host = uri.getHost();
            if (host == null || !"https".equalsIgnoreCase(uri.getScheme()) && !Endpoints.isLoopbackHost(host)) {
                throw new ProviderConfigurationException(AzureHttp.PROVIDER + ": IDENTITY_ENDPOINT must be an https:// URL"
                        + " or http:// on a loopback host (the App Service identity endpoint); IDENTITY_HEADER is not sent"
                        + " elsewhere");
            }
            header = "X-IDENTITY-HEADER";
            headerValue = environment.get("IDENTITY_HEADER").trim();
        } else {
            uri = URI.create(imds + IMDS_PATH + "?api-version=" + IMDS_API_VERSION + "&" + query);
            header = "Metadata";
            headerValue = "true";
        }
        String where = appService ? "the App Service identity endpoint" : "the Instance Metadata Service (IMDS)";
        String what = "GET " + uri.getRawPath();
        Instant sent = clock.instant();
        HttpResponse<byte[]> r = http.send(() -> HttpRequest.newBuilder(uri).timeout(http.requestTimeout())
                .header(header, headerValue).header("Accept", "application/json").GET().build(), what, p, requests, cancel);
        JsonNode body = QueryJson.tree(r.body());
        String identity = p.clientId().isEmpty() ? "the system-assigned managed identity"
                : "the user-assigned managed identity " + p.clientId();
        if (r.statusCode() == 200) {
            String token = body == null ? "" : body.path("access_token").asText("");
            Instant expires = expiry(body, sent);
            if (token.isBlank() || expires == null) {
                throw new ProviderProtocolException(where + " answered the token request of service account '"
                        + p.serviceAccount() + "' (HTTP 200) without access_token or expires_on", p.serviceAccount(), 200, null);
            }
            return new AzureAccessToken(token, expires);
        }
        String error = body == null ? "" : Tokens.shorten(body.path("error").asText(""));
        if (r.statusCode() >= 400 && r.statusCode() < 500) {
            throw new CredentialsRejectedException(where + " refused a token for " + identity + " (HTTP " + r.statusCode()
                    + (error.isEmpty() ? "" : " " + error) + ") for service account '" + p.serviceAccount() + "': check that"
                    + " the identity is assigned to this resource" + (p.clientId().isEmpty() ? "" : " and the credential 'clientId'"),
                    p.serviceAccount(), r.statusCode());
        }
        throw new ProviderProtocolException(where + " answered the token request of service account '" + p.serviceAccount()
                + "' with unexpected HTTP " + r.statusCode(), p.serviceAccount(), r.statusCode(), null);
    }

    /** {@code expires_on} (Unix seconds, a number or a string), else {@code expires_in} from when the request was sent. */
    private static Instant expiry(JsonNode body, Instant sent) {
        if (body == null) {
            return null;
        }
        Long on = seconds(body.get("expires_on"));
        if (on != null) {
            return Instant.ofEpochSecond(on);
        }
        Long in = seconds(body.get("expires_in"));
        return in == null ? null : sent.plusSeconds(in);
    }

    private static Long seconds(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        String t = v.asText("").trim();
        return t.matches("\\d{1,12}") ? Long.parseLong(t) : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** @return the IMDS URL and whether the App Service endpoint is used, never the header */
    @Override
    public String toString() {
        return "ManagedIdentity[imds=" + imds + ", appService=" + appService() + "]";
    }
}
