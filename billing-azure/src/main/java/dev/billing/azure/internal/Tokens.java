package dev.billing.azure.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.azure.AzureAccessToken;
import dev.billing.azure.AzureTokenRequest;
import dev.billing.azure.AzureTokenSource;
import dev.billing.core.BillingException;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens per principal: cached until shortly before they expire, one token request at a time
 * per principal, refreshed on demand after a {@code 401}. Without a host {@link AzureTokenSource}
 * tokens come from the Microsoft identity platform by OAuth 2.0 client credentials at
 * {@code {authority}/{tenantId}/oauth2/v2.0/token}; its AADSTS errors are mapped to the SDK's types.
 */
final class Tokens {
    static final String ARM_SCOPE = "https://management.azure.com/.default";
    /** Refresh this long before expiry, or at half the lifetime for shorter-lived tokens. */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(Tokens.class);
    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");

    private final URI authority;
    private final AzureHttp http;
    private final AzureTokenSource hostSource;
    private final ManagedIdentity managedIdentity;
    private final Clock clock;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    Tokens(URI authority, AzureHttp http, AzureTokenSource hostSource, ManagedIdentity managedIdentity, Clock clock) {
        this.authority = authority;
        this.http = http;
        this.hostSource = hostSource;
        this.managedIdentity = managedIdentity;
        this.clock = clock;
    }

    boolean usesHostSource() {
        return hostSource != null;
    }

    /**
     * @param p the principal
     * @param rejected a token the API just refused (HTTP 401), to be replaced; or null
     * @param requests counts token requests
     * @param cancel checked before asking
     * @return a token that is not about to expire
     */
    AzureAccessToken token(Principal p, AzureAccessToken rejected, AtomicInteger requests, Cancel cancel) {
        Slot slot = slots.computeIfAbsent(key(p), k -> new Slot());
        Cached c = slot.cached;
        if (c != null && c.fresh(clock.instant()) && c.token != rejected) {
            return c.token;
        }
        boolean locked = false;
        long deadline = System.nanoTime() + (http.requestTimeout().toMillis() * 4 + 1000) * 1_000_000;
        try {
            while (!locked && System.nanoTime() < deadline) {
                cancel.check(); // a cancelled fetch does not wait for another fetch's token request
                locked = slot.lock.tryLock(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while waiting for a token for service account '"
                    + p.serviceAccount() + "'", p.serviceAccount(), -1, e);
        }
        if (!locked) {
            throw new ProviderUnavailableException("timed out waiting for another request's token for service account '"
                    + p.serviceAccount() + "' (" + AzureHttp.PROVIDER + ")", p.serviceAccount(), -1, null);
        }
        try {
            c = slot.cached;
            if (c != null && c.fresh(clock.instant()) && c.token != rejected) {
                return c.token; // another thread refreshed it while we waited
            }
            cancel.check();
            Instant obtained = clock.instant();
            AzureAccessToken token = hostSource != null ? fromHost(p)
                    : p.managedIdentity() ? managedIdentity.token(p, requests, cancel)
                    : fromIdentityPlatform(p, requests, cancel);
            slot.cached = new Cached(token, refreshAt(obtained, token.expiresAt()));
            log.debug("service account {}: new token for tenant {} client {}, expires {}", p.serviceAccount(),
                    p.tenantId(), p.clientId(), token.expiresAt());
            return token;
        } finally {
            slot.lock.unlock();
        }
    }

    static Instant refreshAt(Instant obtained, Instant expires) {
        Duration lifetime = Duration.between(obtained, expires);
        if (lifetime.isNegative()) {
            return obtained;
        }
        Duration margin = lifetime.dividedBy(2).compareTo(REFRESH_MARGIN) < 0 ? lifetime.dividedBy(2) : REFRESH_MARGIN;
        return expires.minus(margin);
    }

    private AzureAccessToken fromHost(Principal p) {
        try {
            AzureAccessToken t = hostSource.token(new AzureTokenRequest(p.serviceAccount(), p.tenantId(), p.clientId(),
                    List.of(ARM_SCOPE)));
            if (t == null) {
                throw new CredentialsRejectedException("the host's token source returned no token for service account '"
                        + p.serviceAccount() + "'", p.serviceAccount(), -1);
            }
            return t;
        } catch (BillingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CredentialsRejectedException("the host's token source failed for service account '" + p.serviceAccount()
                    + "' (" + e.getClass().getSimpleName() + ": " + p.scrub(shorten(e.getMessage())) + ")",
                    p.serviceAccount(), -1);
        }
    }

    private AzureAccessToken fromIdentityPlatform(Principal p, AtomicInteger requests, Cancel cancel) {
        String path = "/" + p.tenantId() + "/oauth2/v2.0/token";
        URI uri = URI.create(authority + path);
        String form = "grant_type=client_credentials&client_id=" + enc(p.clientId()) + "&scope=" + enc(ARM_SCOPE)
                + "&client_secret=" + enc(p.clientSecret());
        Instant sent = clock.instant();
        HttpResponse<byte[]> r = http.send(() -> HttpRequest.newBuilder(uri).timeout(http.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build(),
                "POST " + path, p, requests, cancel);
        JsonNode body = QueryJson.tree(r.body());
        if (r.statusCode() == 200) {
            String token = body == null ? "" : body.path("access_token").asText("");
            JsonNode expiresIn = body == null ? null : body.get("expires_in");
            long seconds = expiresIn == null ? -1 : expiresIn.isNumber() ? expiresIn.asLong(-1)
                    : expiresIn.asText("").matches("\\d{1,9}") ? Long.parseLong(expiresIn.asText()) : -1;
            if (token.isBlank() || seconds < 0) {
                throw new ProviderProtocolException("the Microsoft identity platform answered the token request of service account '"
                        + p.serviceAccount() + "' (HTTP 200) without access_token or expires_in", p.serviceAccount(), 200, null);
            }
            return new AzureAccessToken(token, sent.plusSeconds(seconds));
        }
        throw rejected(p, r.statusCode(), body);
    }

    /** Maps an error of the token endpoint: {@code error}, {@code error_description}, {@code error_codes}. */
    static BillingException rejected(Principal p, int status, JsonNode body) {
        String error = body == null ? "" : body.path("error").asText("");
        String description = body == null ? "" : body.path("error_description").asText("");
        String code = "";
        JsonNode codes = body == null ? null : body.get("error_codes");
        if (codes != null && codes.isArray() && !codes.isEmpty() && codes.get(0).canConvertToLong()) {
            code = "AADSTS" + codes.get(0).asLong();
        } else {
            Matcher m = AADSTS.matcher(description);
            if (m.find()) {
                code = m.group();
            }
        }
        String name = p.serviceAccount();
        String what = "HTTP " + status + (error.isEmpty() ? "" : " " + p.scrub(shorten(error)))
                + (code.isEmpty() ? "" : ", " + code);
        String fix = switch (code) {
            case "AADSTS7000215", "AADSTS7000218" -> "check the credential 'clientSecret' (use the secret's value, not its id)";
            case "AADSTS7000222" -> "the client secret has expired: create a new one and update the credential 'clientSecret'";
            case "AADSTS700016" -> "the application 'clientId' is not found in tenant 'tenantId': check both credentials";
            case "AADSTS90002", "AADSTS900023", "AADSTS90023" -> "the tenant is not found: check the credential 'tenantId'";
            case "AADSTS70011" -> null;
            default -> error.toLowerCase(Locale.ROOT).equals("invalid_client")
                    ? "check the credentials 'clientId' and 'clientSecret'"
                    : "check the credentials 'tenantId', 'clientId' and 'clientSecret'";
        };
        if (fix == null) {
            return new InvalidRequestException("the Microsoft identity platform refused the scope " + ARM_SCOPE
                    + " for service account '" + name + "' (" + what + ")", name, status, null);
        }
        if (status >= 400 && status < 500) {
            return new CredentialsRejectedException("credentials rejected by the Microsoft identity platform (" + what
                    + ") for service account '" + name + "' (tenant " + p.tenantId() + ", client " + p.clientId() + "): "
                    + fix, name, status);
        }
        return new ProviderProtocolException("the Microsoft identity platform answered the token request of service account '"
                + name + "' with unexpected " + what, name, status, null);
    }

    private String key(Principal p) {
        String base = (p.managedIdentity() && hostSource == null ? "managed identity\n" : "")
                + p.tenantId().toLowerCase(Locale.ROOT) + "\n" + p.clientId().toLowerCase(Locale.ROOT);
        return hostSource != null || p.clientSecret() == null ? base : base + "\n" + sha256(p.clientSecret());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile Cached cached;
    }

    private record Cached(AzureAccessToken token, Instant refreshAt) {
        boolean fresh(Instant now) {
            return now.isBefore(refreshAt);
        }

        @Override
        public String toString() {
            return "Cached[" + token + "]";
        }
    }
}
