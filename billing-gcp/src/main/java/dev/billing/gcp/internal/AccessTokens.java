package dev.billing.gcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.provider.support.RetryableFailure;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * OAuth 2.0 access tokens for service-account keys, by the JWT bearer grant (RFC 7523) as Google's
 * token endpoint takes it: a JWT signed RS256 with the key ({@code iss} = the client e-mail,
 * {@code scope}, {@code aud} = the key's {@code token_uri}, {@code iat}, {@code exp} = {@code iat}
 * + 1 h) posted as {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT}.
 * Tokens are cached per key until shortly before they expire. Signed with the JDK's
 * {@link Signature} ({@code SHA256withRSA}); no third-party library.
 */
final class AccessTokens {
    /**
     * The least privilege that {@code jobs.query} and {@code jobs.getQueryResults} accept: their
     * {@code scopes} in Google's BigQuery discovery document (googleapis/google-api-go-client,
     * bigquery/v2/bigquery-api.json at 0084468843d65b1620da73d8263bf7d2ffb18bbd) are {@code bigquery},
     * {@code cloud-platform} and {@code cloud-platform.read-only}.
     */
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only";
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
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
    private final Map<CacheKey, Object> locks = new ConcurrentHashMap<>();
    private final Map<CacheKey, Token> tokens = new ConcurrentHashMap<>();

    AccessTokens(Transport transport) {
        this.transport = transport;
    }

    /**
     * @return a valid access token for the caller's key, cached or newly obtained
     * @throws CredentialsRejectedException when the token endpoint refuses the key
     */
    String token(Caller caller, AtomicInteger requests) {
        CacheKey k = key(caller);
        Instant now = transport.config().clock().instant();
        Token t = tokens.get(k);
        if (t == null || !now.isBefore(t.renewAt())) {
            synchronized (locks.computeIfAbsent(k, x -> new Object())) {
                t = tokens.get(k);
                if (t == null || !transport.config().clock().instant().isBefore(t.renewAt())) {
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

    private static CacheKey key(Caller caller) {
        ServiceAccountKey key = caller.key();
        return new CacheKey(key.clientEmail(), Objects.toString(key.privateKeyId(), ""), key.tokenUri().toString(),
                key.pem().hashCode());
    }

    private Token exchange(Caller caller, AtomicInteger requests) {
        ServiceAccountKey key = caller.key();
        String label = "POST " + key.tokenUri().getPath();
        return transport.retrying(caller, "the token request to " + key.tokenUri(), attempt -> {
            Instant now = transport.config().clock().instant();
            String assertion = jwt(key, now);
            caller.secret(assertion);
            String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
                    + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(key.tokenUri())
                    .timeout(transport.config().requestTimeout())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.US_ASCII)).build();
            HttpResponse<byte[]> response = transport.send(caller, request, label, attempt, requests);
            return read(caller, response, now);
        });
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
            Duration lifetime = Duration.ofSeconds(Math.max(0, seconds));
            // renew 5 minutes early, or halfway through a short-lived token
            Duration early = lifetime.compareTo(EARLY.multipliedBy(2)) < 0 ? lifetime.dividedBy(2) : EARLY;
            return new Token(token.asText(), sentAt.plus(lifetime).minus(early));
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
                || error.equals("unauthorized_client")) {
            throw new CredentialsRejectedException("credentials rejected by " + Transport.PROVIDER
                    + ": the token endpoint refused the service-account key of service account '" + name + "' (HTTP "
                    + status + (detail.isEmpty() ? "" : ", " + detail) + "); check the credential 'serviceAccountKey'"
                    + " (a current key of " + caller.key().clientEmail() + ", not deleted or disabled)", name, status);
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
