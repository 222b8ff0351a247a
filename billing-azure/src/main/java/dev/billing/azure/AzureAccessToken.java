package dev.billing.azure;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token for Azure Resource Manager and the instant it expires.
 *
 * @param token the access token; secret: it never appears in {@link #toString()}
 * @param expiresAt when the token stops being accepted
 */
public record AzureAccessToken(String token, Instant expiresAt) {

    /**
     * Validates presence.
     *
     * @throws IllegalArgumentException when the token is blank
     */
    public AzureAccessToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
    }

    /** @return the expiry, never the token */
    @Override
    public String toString() {
        return "AzureAccessToken[token=***, expiresAt=" + expiresAt + "]";
    }
}
