package dev.billing.gcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.support.RetryableFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OAuth 2.0 access tokens for a {@link GoogleCredential}, cached per credential until shortly before
 * they expire. No third-party library:
 * <ul>
 *   <li>a service-account key: the JWT bearer grant (RFC 7523) as Google's token endpoint takes it, a JWT
 *       signed RS256 with the key ({@code iss} = the client e-mail, {@code scope}, {@code aud} = the key's
 *       {@code token_uri}, {@code iat}, {@code exp} = {@code iat} + 1 h) posted as
 *       {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT}, signed with the JDK's
 *       {@link Signature} ({@code SHA256withRSA});</li>
 *   <li>an {@code authorized_user} file: the refresh token grant (RFC 6749 section 6) at its {@code token_uri};</li>
 *   <li>an {@code external_account} file: the subject token (file or URL) exchanged at {@code token_url} by the
 *       token exchange grant (RFC 8693) as the Security Token Service's {@code sts.token} takes it
 *       (googleapis/google-api-go-client, sts/v1/sts-api.json, revision 20220402, commit
 *       01d3654546c18d6919bf61e79cbdc327ef8f264f), then, with {@code service_account_impersonation_url},
 *       {@code iamcredentials.projects.serviceAccounts.generateAccessToken} (iamcredentials/v1/iamcredentials-api.json,
 *       revision 20200821, commit 11c6d65dc726957025fe31dade8a1a472377f4f2: scope {@code cloud-platform}, request
 *       {@code scope} and {@code lifetime}, answer {@code accessToken} and {@code expireTime});</li>
 *   <li>the metadata server: {@code GET .../computeMetadata/v1/instance/service-accounts/default/token} with
 *       {@code Metadata-Flavor: Google} (https://cloud.google.com/compute/docs/metadata/querying-metadata).</li>
 * </ul>
 */
final class AccessTokens {
    /**
     * The least privilege that {@code jobs.query} and {@code jobs.getQueryResults} accept: their
     * {@code scopes} in Google's BigQuery discovery document (googleapis/google-api-go-client,
     * bigquery/v2/bigquery-api.json at 0084468843d65b1620da73d8263bf7d2ffb18bbd) are {@code bigquery},
     * {@code cloud-platform} and {@code cloud-platform.read-only}.
     */
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only";
    /** The scope {@code generateAccessToken} accepts, so the federated token that impersonates needs it. */
    static final String IMPERSONATION_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** A token is renewed this long before it expires. */
    static final Duration EARLY = Duration.ofMinutes(5);
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record CacheKey(String email, String keyId, String tokenUri, int keyHash) {
    }

    private record Token(String value, Instant renewAt) {
        @Override
        public String toString() {
            return "Token[renew at " + renewAt + "]";
        }
    }

    private final Transport transport;
    /** Timeouts, and the clock JWTs and token expiry use. */
    private final HttpSettings http;
    private final Map<Object, Object> locks = new ConcurrentHashMap<>();
    private final Map<Object, Token> tokens = new ConcurrentHashMap<>();

    AccessTokens(Transport transport) {
        this.transport = transport;
        this.http = transport.config().http();
    }

    /**
     * @return a valid access token for the caller's credential, cached or newly obtained
     * @throws CredentialsRejectedException when the token endpoint refuses the credential
     */
    String token(Caller caller, AtomicInteger requests) {
        Object k = key(caller);
        Instant now = http.clock().instant();
        Token t = tokens.get(k);
        if (t == null || !now.isBefore(t.renewAt())) {
            synchronized (locks.computeIfAbsent(k, x -> new Object())) {
                t = tokens.get(k);
                if (t == null || !http.clock().instant().isBefore(t.renewAt())) {
                    t = exchange(caller, requests);
                    tokens.put(k, t);
                }
            }
        }
        caller.secret(t.value());
        return t.value();
    }

    /** Forgets the caller's cached token, after BigQuery refused it. */
    void invalidate(Caller caller) {
        tokens.remove(key(caller));
    }

    /** @return the project the metadata server's workload runs in */
    String metadataProject(Caller caller, GoogleCredential.MetadataServer server, AtomicInteger requests) {
        HttpResponse<byte[]> response = transport.retrying(caller, "the project request to " + server.projectUrl(),
                attempt -> {
                    HttpResponse<byte[]> r = sendMetadata(caller, server, server.projectUrl(), attempt, requests);
                    if (r.statusCode() >= 500) {
                        throw RetryableFailure.unavailable("HTTP " + r.statusCode() + " from the metadata server",
                                r.statusCode(), null);
                    }
                    return r;
                });
        String project = new String(response.body(), StandardCharsets.UTF_8).trim();
        if (response.statusCode() != 200 || project.isEmpty()) {
            throw new ProviderProtocolException(Transport.PROVIDER + ": the metadata server answered HTTP "
                    + response.statusCode() + " without a project id for service account '" + caller.serviceAccount()
                    + "'; set the provider setting 'queryProject'", caller.serviceAccount(), response.statusCode(), null);
        }
        return project;
    }

    private static Object key(Caller caller) {
        GoogleCredential c = caller.credential();
        if (c instanceof ServiceAccountKey key) {
            return new CacheKey(key.clientEmail(), Objects.toString(key.privateKeyId(), ""), key.tokenUri().toString(),
                    key.pem().hashCode());
        }
        return c; // records: equal when every field is
    }

    private Token exchange(Caller caller, AtomicInteger requests) {
        GoogleCredential c = caller.credential();
        if (c instanceof ServiceAccountKey key) {
            return post(caller, key.tokenUri(), requests, () -> {
                String assertion = jwt(key, http.clock().instant());
                caller.secret(assertion);
                return "grant_type=" + encode(GRANT_TYPE) + "&assertion=" + encode(assertion);
            });
        }
        if (c instanceof GoogleCredential.AuthorizedUser user) {
            return post(caller, user.tokenUri(), requests, () -> "grant_type=refresh_token&client_id="
                    + encode(user.clientId()) + "&client_secret=" + encode(user.clientSecret()) + "&refresh_token="
                    + encode(user.refreshToken()));
        }
        if (c instanceof GoogleCredential.ExternalAccount external) {
            String subject = subjectToken(caller, external, requests);
            String scope = external.impersonationUrl() == null ? SCOPE : IMPERSONATION_SCOPE;
            Token federated = post(caller, external.tokenUrl(), requests, () -> "grant_type=" + encode(TOKEN_EXCHANGE)
                    + "&audience=" + encode(external.audience()) + "&scope=" + encode(scope)
                    + "&requested_token_type=" + encode(ACCESS_TOKEN_TYPE) + "&subject_token=" + encode(subject)
                    + "&subject_token_type=" + encode(external.subjectTokenType()));
            caller.secret(federated.value());
            return external.impersonationUrl() == null ? federated : impersonate(caller, external, federated, requests);
        }
        GoogleCredential.MetadataServer server = (GoogleCredential.MetadataServer) c;
        Instant sentAt = http.clock().instant();
        return transport.retrying(caller, "the token request to " + server.tokenUrl(), attempt -> read(caller,
                sendMetadata(caller, server, server.tokenUrl(), attempt, requests), sentAt));
    }

    /**
     * A metadata server request; one that gets no answer at all is not retried: outside Google Cloud there is no
     * metadata server, and Application Default Credentials found nothing.
     */
    private HttpResponse<byte[]> sendMetadata(Caller caller, GoogleCredential.MetadataServer server, URI url,
                                              int attempt, AtomicInteger requests) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(http.requestTimeout())
                .header("Metadata-Flavor", "Google").GET().build();
        try {
            return transport.send(caller, request, "GET " + url.getPath(), attempt, requests);
        } catch (RetryableFailure e) {
            throw new InvalidCredentialsException(Transport.PROVIDER + ": service account '" + caller.serviceAccount()
                    + "' has no 'serviceAccountKey' and Application Default Credentials found none: " + caller.source()
                    + " did not answer (" + e.getMessage() + "); set 'serviceAccountKey', GOOGLE_APPLICATION_CREDENTIALS,"
                    + " or run on Google Cloud with an attached service account", caller.serviceAccount(),
                    "serviceAccountKey");
        }
    }

    /** Posts a form (built per attempt: a JWT carries the time) to a token endpoint and reads the OAuth answer. */
    private Token post(Caller caller, URI endpoint, AtomicInteger requests, java.util.function.Supplier<String> form) {
        String label = "POST " + endpoint.getPath();
        return transport.retrying(caller, "the token request to " + endpoint, attempt -> {
            Instant now = http.clock().instant();
            HttpRequest request = HttpRequest.newBuilder(endpoint)
                    .timeout(http.requestTimeout())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form.get(), StandardCharsets.US_ASCII)).build();
            return read(caller, transport.send(caller, request, label, attempt, requests), now);
        });
    }

    /** @return the subject token: the file's text or the URL's answer, or the named field of it as JSON */
    private String subjectToken(Caller caller, GoogleCredential.ExternalAccount external, AtomicInteger requests) {
        String name = caller.serviceAccount();
        String text;
        if (external.sourceFile() != null) {
            try {
                text = Files.readString(Path.of(external.sourceFile()));
            } catch (IOException e) {
                throw new InvalidCredentialsException(Transport.PROVIDER + ": service account '" + name + "': cannot read"
                        + " the subject token file " + external.sourceFile() + " of " + caller.source() + " ("
                        + e.getClass().getSimpleName() + ")", name, "serviceAccountKey");
            }
        } else {
            URI url = external.sourceUrl();
            HttpResponse<byte[]> response = transport.retrying(caller, "the subject token request to " + url.getHost(),
                    attempt -> {
                        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(http.requestTimeout());
                        external.sourceHeaders().forEach(b::header);
                        HttpResponse<byte[]> r = transport.send(caller, b.GET().build(), "GET " + url.getPath(), attempt,
                                requests);
                        if (r.statusCode() == 429 || r.statusCode() >= 500) {
                            throw RetryableFailure.unavailable("HTTP " + r.statusCode() + " from the subject token URL",
                                    r.statusCode(), null);
                        }
                        return r;
                    });
            text = new String(response.body(), StandardCharsets.UTF_8);
            caller.secret(text.trim());
            if (response.statusCode() != 200) {
                throw new CredentialsRejectedException("credentials rejected by " + Transport.PROVIDER + ": the subject"
                        + " token URL of " + caller.source() + " answered HTTP " + response.statusCode()
                        + " for service account '" + name + "'", name, response.statusCode());
            }
        }
        if (external.jsonField() != null) {
            JsonNode json = parse(text.getBytes(StandardCharsets.UTF_8));
            JsonNode field = json == null ? null : json.get(external.jsonField());
            if (field == null || !field.isTextual()) {
                throw new InvalidCredentialsException(Transport.PROVIDER + ": service account '" + name + "': the subject"
                        + " token source of " + caller.source() + " is not JSON with the field '" + external.jsonField()
                        + "'", name, "serviceAccountKey");
            }
            text = field.asText();
        }
        String token = text.trim();
        if (token.isEmpty()) {
            throw new InvalidCredentialsException(Transport.PROVIDER + ": service account '" + name + "': the subject"
                    + " token of " + caller.source() + " is empty", name, "serviceAccountKey");
        }
        caller.secret(token);
        return token;
    }

    /** {@code generateAccessToken} with the federated token: the service account's token, of {@link #SCOPE}. */
    private Token impersonate(Caller caller, GoogleCredential.ExternalAccount external, Token federated,
                              AtomicInteger requests) {
        URI url = external.impersonationUrl();
        String name = caller.serviceAccount();
        return transport.retrying(caller, "the impersonation request to " + url.getHost(), attempt -> {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(http.requestTimeout())
                    .header("Authorization", "Bearer " + federated.value())
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":[\"" + SCOPE + "\"],\"lifetime\":\""
                            + LIFETIME.toSeconds() + "s\"}", StandardCharsets.UTF_8)).build();
            HttpResponse<byte[]> response = transport.send(caller, request, "POST " + url.getPath(), attempt, requests);
            int status = response.statusCode();
            JsonNode body = parse(response.body());
            if (status == 200 && body != null && body.path("accessToken").isTextual()) {
                String token = body.get("accessToken").asText();
                caller.secret(token);
                Instant expires;
                try {
                    expires = Instant.parse(body.path("expireTime").asText(""));
                } catch (java.time.DateTimeException e) {
                    throw new ProviderProtocolException(Transport.PROVIDER + ": generateAccessToken answered without an"
                            + " RFC 3339 expireTime for service account '" + name + "'", name, status, null);
                }
                return new Token(token, renewAt(http.clock().instant(), expires));
            }
            String message = body == null ? "" : caller.scrub(BigQueryClient.shorten(
                    body.path("error").path("message").asText("")));
            String detail = "HTTP " + status + (message.isEmpty() ? "" : ": " + message);
            if (status == 429) {
                throw RetryableFailure.throttled(detail, status, transport.retryAfter(response));
            }
            if (status >= 500) {
                throw RetryableFailure.unavailable(detail, status, null);
            }
            if (status == 401 || status == 403 || status == 404) {
                throw new CredentialsRejectedException("credentials rejected by " + Transport.PROVIDER + ": the IAM"
                        + " Credentials API refused to impersonate " + external.principal() + " for service account '"
                        + name + "' (" + detail + "); grant the federated identity Service Account Token Creator"
                        + " (roles/iam.serviceAccountTokenCreator) on it (" + caller.source() + ")", name, status);
            }
            throw new ProviderProtocolException(Transport.PROVIDER + ": generateAccessToken answered " + detail
                    + " for service account '" + name + "'", name, status, null);
        });
    }

    /** @return when to renew a token that expires then: 5 minutes early, or halfway through a short-lived one */
    private static Instant renewAt(Instant sentAt, Instant expires) {
        Duration lifetime = Duration.between(sentAt, expires);
        if (lifetime.isNegative()) {
            lifetime = Duration.ZERO;
        }
        Duration early = lifetime.compareTo(EARLY.multipliedBy(2)) < 0 ? lifetime.dividedBy(2) : EARLY;
        return expires.minus(early);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Token read(Caller caller, HttpResponse<byte[]> response, Instant sentAt) {
        int status = response.statusCode();
        String name = caller.serviceAccount();
        JsonNode body = parse(response.body());
        if (status == 200) {
            JsonNode token = body == null ? null : body.get("access_token");
            JsonNode expires = body == null ? null : body.get("expires_in");
            if (token == null || !token.isTextual() || token.asText().isEmpty()) {
                throw new ProviderProtocolException(Transport.PROVIDER + ": the token endpoint's answer (HTTP 200) has no"
                        + " access_token, for service account '" + name + "'", name, status, null);
            }
            caller.secret(token.asText());
            long seconds = expires != null && expires.canConvertToLong() ? expires.asLong() : 3600;
            return new Token(token.asText(), renewAt(sentAt, sentAt.plusSeconds(Math.max(0, seconds))));
        }
        String error = body == null ? "" : body.path("error").asText("");
        String description = body == null ? "" : body.path("error_description").asText("");
        String detail = caller.scrub(error + (description.isEmpty() ? "" : ": " + description));
        detail = detail.length() > 300 ? detail.substring(0, 300) + "..." : detail;
        if (status == 429) {
            throw RetryableFailure.throttled("HTTP 429 from the token endpoint", status, transport.retryAfter(response));
        }
        if (status >= 500 && status <= 599) {
            throw RetryableFailure.unavailable("HTTP " + status + " from the token endpoint", status, null);
        }
        if (status == 401 || status == 403 || error.equals("invalid_grant") || error.equals("invalid_client")
                || error.equals("unauthorized_client") || error.equals("invalid_request")
                || (status == 404 && caller.credential() instanceof GoogleCredential.MetadataServer)) {
            throw new CredentialsRejectedException("credentials rejected by " + Transport.PROVIDER
                    + ": the token endpoint refused the credential of service account '" + name + "' (HTTP "
                    + status + (detail.isEmpty() ? "" : ", " + detail) + "); check " + caller.source() + " (for "
                    + caller.credential().principal() + "; a key not deleted or disabled)", name, status);
        }
        throw new ProviderProtocolException(Transport.PROVIDER + ": the token endpoint answered HTTP " + status
                + (detail.isEmpty() ? "" : " (" + detail + ")") + " for service account '" + name + "'", name, status, null);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the signed JWT: header {@code {"alg":"RS256","typ":"JWT","kid":...}}, the claims, the signature */
    static String jwt(ServiceAccountKey key, Instant now) {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (key.privateKeyId() != null) {
            header.put("kid", key.privateKeyId());
        }
        long iat = now.getEpochSecond();
        ObjectNode claims = JSON.createObjectNode().put("iss", key.clientEmail()).put("scope", SCOPE)
                .put("aud", key.tokenUri().toString()).put("iat", iat).put("exp", iat + LIFETIME.toSeconds());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a JWT with SHA256withRSA: " + e.getClass().getSimpleName());
        }
    }
}
