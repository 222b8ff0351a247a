package dev.billing.azure.internal;

/**
 * Who a request is made for: the service account's name, its principal and its scope.
 *
 * @param serviceAccount the service account's name, for messages
 * @param tenantId the directory (tenant) id
 * @param clientId the application (client) id
 * @param clientSecret the client secret, or null when a host token source is used; secret
 * @param scope the Cost Management scope
 */
record Principal(String serviceAccount, String tenantId, String clientId, String clientSecret, Scope scope) {

    /** @return the fields without the secret */
    @Override
    public String toString() {
        return "Principal[serviceAccount=" + serviceAccount + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=***, scope=" + scope.path() + "]";
    }

    /** @return {@code text} with every occurrence of the secret masked, for text that came from a server */
    String scrub(String text) {
        if (text == null) {
            return "";
        }
        return clientSecret == null || clientSecret.isEmpty() ? text : text.replace(clientSecret, "***");
    }
}
