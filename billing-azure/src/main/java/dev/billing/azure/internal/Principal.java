package dev.billing.azure.internal;

/**
 * Who a request is made for: the service account's name, its principal and its scope.
 *
 * @param serviceAccount the service account's name, for messages
 * @param tenantId the directory (tenant) id, {@code ""} for a managed identity that does not name it
 * @param clientId the application (client) id; for a managed identity the user-assigned identity's client id, or
 *     {@code ""} for the system-assigned identity
 * @param clientSecret the client secret, or null (a host token source, a managed identity); secret
 * @param managedIdentity whether tokens come from the managed identity endpoint
 * @param scope the Cost Management scope
 */
record Principal(String serviceAccount, String tenantId, String clientId, String clientSecret, boolean managedIdentity,
                 Scope scope) {

    /** @return the fields without the secret */
    @Override
    public String toString() {
        return "Principal[serviceAccount=" + serviceAccount + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=***" + (managedIdentity ? ", managedIdentity" : "") + ", scope=" + scope.path() + "]";
    }

    /** @return {@code text} with every occurrence of the secret masked, for text that came from a server */
    String scrub(String text) {
        if (text == null) {
            return "";
        }
        return clientSecret == null || clientSecret.isEmpty() ? text : text.replace(clientSecret, "***");
    }
}
