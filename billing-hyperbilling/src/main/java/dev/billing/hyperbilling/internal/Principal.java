package dev.billing.hyperbilling.internal;

import java.net.http.HttpRequest;

/**
 * Who a request is made for, and how it is authenticated: what {@link HyperBillingClient} needs of
 * a service account's credentials, whatever the API. Implementations never show a secret in
 * {@code toString}.
 */
interface Principal {

    /** @return the service account's name, for messages */
    String serviceAccount();

    /** @return the vendor account id the request is about, for messages */
    String account();

    /**
     * Adds the authentication headers to a request.
     *
     * @param request the request being built
     * @throws dev.billing.core.BillingException when the credentials cannot be sent (never quoting a secret)
     */
    void authorize(HttpRequest.Builder request);

    /**
     * @param text text that came from the server or the JDK
     * @return the text with every secret masked
     */
    String scrub(String text);

    /** @return what to check after HTTP 401 or 403, for example {@code check the credentials 'email' and 'key'} */
    String rejectedHint();

    /** @return what to check after HTTP 404 */
    String unknownAccountHint();
}
