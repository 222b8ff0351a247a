package dev.billing.azure;

/**
 * Where the provider gets its bearer tokens. The default sends the service account's
 * {@code clientSecret} to the Microsoft identity platform (OAuth 2.0 client credentials); a host
 * plugs in its own source with {@link AzureCostManagementProvider.Builder#tokenSource}, for example
 * an adapter for azure-identity's {@code TokenCredential} (managed identity, workload identity).
 *
 * <p>The provider caches what a source returns per principal (tenant and client id) until shortly
 * before {@link AzureAccessToken#expiresAt()}, asks for one token at a time per principal, and asks
 * again once when the API answers {@code 401} to a token it gave. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AzureTokenSource {

    /**
     * @param request the principal and scopes
     * @return a token for them
     * @throws dev.billing.core.BillingException when no token can be had; a
     *     {@link dev.billing.core.CredentialsRejectedException} when the principal is refused. Any
     *     other runtime exception is reported as credentials rejected for the service account.
     */
    AzureAccessToken token(AzureTokenRequest request);
}
