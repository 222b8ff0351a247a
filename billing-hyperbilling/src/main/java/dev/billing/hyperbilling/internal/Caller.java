package dev.billing.hyperbilling.internal;

/**
 * Who a request is made for: the service account's name and its credentials.
 *
 * @param serviceAccount the service account's name, for messages
 * @param account the AWS account id
 * @param email the API user
 * @param key the API key; secret, sent only in the {@code X-Client-Secret} header
 */
record Caller(String serviceAccount, String account, String email, String key) implements Principal {

    /** Sends the API user and key as {@code X-Client-Id} and {@code X-Client-Secret}. */
    @Override
    public void authorize(java.net.http.HttpRequest.Builder request) {
        try {
            request.header("X-Client-Id", email).header("X-Client-Secret", key);
        } catch (IllegalArgumentException e) {
            // the JDK's message may quote the value: never pass it on
            throw new dev.billing.core.InvalidRequestException("the credential 'email' or 'key' of service account '"
                    + serviceAccount + "' has characters an HTTP header cannot carry", serviceAccount, null);
        }
    }

    @Override
    public String rejectedHint() {
        return "check the credentials 'email' and 'key'";
    }

    @Override
    public String unknownAccountHint() {
        return "check the credential 'account' and the provider setting 'endpoint'";
    }

    /** @return the fields without the key */
    @Override
    public String toString() {
        return "Caller[serviceAccount=" + serviceAccount + ", account=" + account + ", email=" + email + ", key=***]";
    }

    /** @return {@code text} with every occurrence of the key masked, for text that came from the server */
    @Override
    public String scrub(String text) {
        return key.isEmpty() ? text : text.replace(key, "***");
    }
}
