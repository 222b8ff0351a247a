package dev.billing.provider.support;

import dev.billing.provider.HttpSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.function.UnaryOperator;

/** The JDK HTTP client every HTTP provider sends with, and how an attempt that got no answer is described. */
public final class HttpClients {
    private HttpClients() {
    }

    /**
     * @param settings the connect timeout
     * @return a client that speaks HTTP/1.1 (every vendor's API does, and a plain-http loopback server never sees an
     *     h2c upgrade) and follows no redirect
     */
    public static HttpClient create(HttpSettings settings) {
        return HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param e the I/O failure of one attempt
     * @param settings the timeouts the attempt ran under
     * @param scrub what of the failure's message may be shown, its secrets replaced; null to show none of it
     * @return the attempt's failure, described as {@code could not connect within PT10S}, {@code timed out after
     *     PT30S} or {@code connection failed (ConnectException: what scrub kept)}
     */
    public static RetryableFailure noAnswer(IOException e, HttpSettings settings, UnaryOperator<String> scrub) {
        String shown = e.getMessage() == null ? null : scrub.apply(e.getMessage());
        return RetryableFailure.noAnswer(e instanceof HttpConnectTimeoutException
                ? "could not connect within " + settings.connectTimeout()
                : e instanceof HttpTimeoutException ? "timed out after " + settings.requestTimeout()
                : "connection failed (" + e.getClass().getSimpleName() + (shown == null ? "" : ": " + shown) + ")", e);
    }
}
