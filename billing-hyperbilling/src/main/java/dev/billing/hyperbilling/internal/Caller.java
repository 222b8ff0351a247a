package dev.billing.hyperbilling.internal;

/**
 * Who a request is made for: the service account's name and its credentials.
 *
 * @param serviceAccount the service account's name, for messages
 * @param account the AWS account id
 * @param email the API user
 * @param key the API key; secret, sent only in the {@code X-Client-Secret} header
 */
record Caller(String serviceAccount, String account, String email, String key) {

    /** @return the fields without the key */
    @Override
    public String toString() {
        return "Caller[serviceAccount=" + serviceAccount + ", account=" + account + ", email=" + email + ", key=***]";
    }

    /** @return {@code text} with every occurrence of the key masked, for text that came from the server */
    String scrub(String text) {
        return key.isEmpty() ? text : text.replace(key, "***");
    }
}
