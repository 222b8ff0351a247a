package dev.billing.azure;

import java.util.List;
import java.util.Objects;

/**
 * What a token is asked for: the principal of one service account and the scopes the token must carry.
 *
 * @param serviceAccount the name of the service account the token is for, for messages
 * @param tenantId the directory (tenant) id of the service account's credentials
 * @param clientId the application (client) id of the service account's credentials
 * @param scopes the OAuth 2.0 scopes, {@code https://management.azure.com/.default}
 */
public record AzureTokenRequest(String serviceAccount, String tenantId, String clientId, List<String> scopes) {

    /** Validates presence and copies the scopes. */
    public AzureTokenRequest {
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        scopes = List.copyOf(scopes);
    }
}
