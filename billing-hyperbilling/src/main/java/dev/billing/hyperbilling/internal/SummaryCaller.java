package dev.billing.hyperbilling.internal;

import java.net.http.HttpRequest;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;

/**
 * Who a summary request is made for: the service account's name, the platform and billing
 * account, and the client e-mail and private key its bearer tokens are signed with. A token lives
 * {@link #LIFETIME} and is reused until {@link #RENEW_BEFORE} before it expires, so a fetch signs
 * once, not once per request.
 *
 * <p>Thread-safe. {@link #toString()} never shows the key or a token.
 */
final class SummaryCaller implements Principal {
    /** {@code exp} - {@code iat}. */
    static final Duration LIFETIME = Duration.ofSeconds(600);
    /** A token this close to {@code exp} is replaced, so that it never expires in flight or in a retry wait. */
    static final Duration RENEW_BEFORE = Duration.ofSeconds(120);

    private static final java.util.regex.Pattern JWT =
            java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*)?");

    private final String serviceAccount;
    private final String platform;
    private final String accountId;
    private final String clientEmail;
    private final PrivateKey key;
    private final String audience;
    private final Clock clock;
    private String token;
    private long expiresAt;

    /**
     * @param audience the endpoint's host name, the token's {@code aud}
     */
    SummaryCaller(String serviceAccount, String platform, String accountId, String clientEmail, PrivateKey key,
                  String audience, Clock clock) {
        this.serviceAccount = serviceAccount;
        this.platform = platform;
        this.accountId = accountId;
        this.clientEmail = clientEmail;
        this.key = key;
        this.audience = audience;
        this.clock = clock;
    }

    @Override
    public String serviceAccount() {
        return serviceAccount;
    }

    @Override
    public String account() {
        return accountId;
    }

    String platform() {
        return platform;
    }

    /** Sends {@code Authorization: Bearer <JWT>}. */
    @Override
    public void authorize(HttpRequest.Builder request) {
        request.header("Authorization", "Bearer " + token());
    }

    /** @return a token valid for at least {@link #RENEW_BEFORE} more */
    synchronized String token() {
        long now = clock.instant().getEpochSecond();
        if (token == null || now >= expiresAt - RENEW_BEFORE.toSeconds()) {
            expiresAt = now + LIFETIME.toSeconds();
            token = RsaJwt.sign(key, clientEmail, audience, now, expiresAt);
        }
        return token;
    }

    /**
     * Masks tokens: the only secret that could come back, since the key itself is never sent. Any
     * text shaped like a JWT is masked, this caller's or not.
     */
    @Override
    public String scrub(String text) {
        return JWT.matcher(text).replaceAll("***");
    }

    @Override
    public String rejectedHint() {
        return "check the credentials 'clientEmail' and 'privateKey' (its public key must be registered with"
                + " HyperBilling for that e-mail) and the provider setting 'endpoint' (its host is the token's audience)";
    }

    @Override
    public String unknownAccountHint() {
        return "check the credentials 'platform' and 'accountId' and the provider setting 'endpoint'";
    }

    @Override
    public String toString() {
        return "SummaryCaller[serviceAccount=" + serviceAccount + ", platform=" + platform + ", accountId=" + accountId
                + ", clientEmail=" + clientEmail + ", privateKey=***]";
    }
}
