package dev.billing.azure.internal;

import dev.billing.azure.AzureRetryPolicy;
import dev.billing.core.BillingException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests with {@link HttpClient} and retries transient failures (HTTP 429, 500, 502, 503,
 * 504, I/O errors, timeouts) with bounded, capped waits; returns every other answer to the caller.
 * Logs each attempt at DEBUG (method, path, status, attempt, duration), never a header or a body.
 */
final class AzureHttp {
    static final String PROVIDER = "azure-cost-management";
    /** The throttling headers of the Query API, in the order they are described. */
    static final List<String> RETRY_HEADERS = List.of(
            "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
            "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after",
            "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
            "Retry-After");
    private static final Logger log = LoggerFactory.getLogger(AzureHttp.class);
    private static final long WAIT_SLICE_MILLIS = 50;

    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final AzureRetryPolicy policy;
    private final Clock clock;

    AzureHttp(Duration connectTimeout, Duration requestTimeout, AzureRetryPolicy policy, Clock clock) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.policy = policy;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Sends until an answer that is not transient, or the attempts run out.
     *
     * @param request builds the request afresh for each attempt
     * @param what {@code METHOD /path}, for logs and messages
     * @param principal who the request is for
     * @param requests counts every attempt
     * @param cancel checked before each attempt and during waits
     * @return the first answer that is not transient
     * @throws RateLimitedException when 429 outlived the retries
     * @throws ProviderUnavailableException when 5xx, I/O errors or timeouts outlived the retries
     */
    HttpResponse<byte[]> send(Supplier<HttpRequest> request, String what, Principal principal, AtomicInteger requests,
                              Cancel cancel) {
        for (int attempt = 1; ; attempt++) {
            cancel.check();
            long start = System.nanoTime();
            requests.incrementAndGet();
            HttpResponse<byte[]> response;
            Duration wait;
            String failure;
            int status;
            Throwable cause = null;
            try {
                response = exchange(request.get(), cancel);
                status = response.statusCode();
                log.debug("{} -> {} (attempt {}, {} ms, {} bytes)", what, status, attempt, millisSince(start),
                        response.body().length);
                if (!isTransient(status)) {
                    return response;
                }
                wait = status == 429 ? throttleWait(response) : retryAfter(response.headers().firstValue("Retry-After").orElse(null));
                failure = "HTTP " + status;
            } catch (IOException e) {
                log.debug("{} -> {} (attempt {}, {} ms)", what, e.getClass().getSimpleName(), attempt, millisSince(start));
                status = -1;
                wait = null;
                cause = e;
                failure = e instanceof HttpConnectTimeoutException ? "could not connect within " + connectTimeout
                        : e instanceof HttpTimeoutException ? "timed out after " + requestTimeout
                        : "connection failed (" + e.getClass().getSimpleName() + ")";
            }
            if (attempt >= policy.maxAttempts()) {
                throw exhausted(what, principal, status, failure, wait, attempt, cause);
            }
            sleep(waitMillis(attempt, wait), cancel);
        }
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, Cancel cancel) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        cancel.onCancel(() -> future.cancel(true));
        try {
            return future.get();
        } catch (CancellationException e) {
            cancel.check();
            throw new IOException("exchange cancelled", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            cancel.check();
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    static boolean isTransient(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The largest wait any throttling header names, or null when none does. */
    Duration throttleWait(HttpResponse<?> response) {
        Duration largest = null;
        for (String header : RETRY_HEADERS) {
            Duration d = retryAfter(response.headers().firstValue(header).orElse(null));
            if (d != null && (largest == null || d.compareTo(largest) > 0)) {
                largest = d;
            }
        }
        return largest;
    }

    /** Parses seconds (whole or decimal) or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.matches("\\d{1,12}(\\.\\d{1,9})?")) {
            return Duration.ofNanos(new BigDecimal(v).movePointRight(9).longValueExact());
        }
        if (v.matches("\\d+(\\.\\d+)?")) {
            return policy.maxRetryAfter();
        }
        try {
            Duration wait = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The capped server-named wait, else exponential backoff. */
    long waitMillis(int attempt, Duration named) {
        if (named != null) {
            Duration capped = named.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : named;
            return capped.toMillis();
        }
        long base = policy.initialBackoff().toMillis();
        long max = policy.maxBackoff().toMillis();
        long wait = base;
        for (int i = 1; i < attempt && wait < max; i++) {
            wait *= 2;
        }
        return Math.min(wait, max);
    }

    private static void sleep(long millis, Cancel cancel) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            cancel.check();
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(left, WAIT_SLICE_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderUnavailableException(PROVIDER + ": interrupted while waiting to retry", null, -1, e);
            }
        }
    }

    private static BillingException exhausted(String what, Principal p, int status, String failure, Duration wait,
                                              int attempts, Throwable cause) {
        String name = p.serviceAccount();
        String tries = " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
        if (status == 429) {
            return new RateLimitedException("rate limited by " + PROVIDER + " (HTTP 429 on " + what + ") for service account '"
                    + name + "'" + tries + "; the Cost Management query quota is shared by the tenant: try again later",
                    name, wait);
        }
        return new ProviderUnavailableException(PROVIDER + " unavailable (" + failure + ") on " + what
                + " for service account '" + name + "'" + tries, name, status, cause);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
