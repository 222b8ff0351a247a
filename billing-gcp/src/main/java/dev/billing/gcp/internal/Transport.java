package dev.billing.gcp.internal;

import dev.billing.core.BillingException;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests with {@link HttpClient} and retries transient failures with bounded, capped
 * backoff. Logs each attempt at DEBUG (method, path, status, attempt, duration, size), never a header
 * or a body.
 */
final class Transport {
    static final String PROVIDER = "gcp-billing-export";
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** One attempt: returns the result or throws {@link RetryableFailure} (or a final {@link BillingException}). */
    @FunctionalInterface
    interface Attempt<T> {
        T run(int attempt);
    }

    private final Config config;
    private final HttpClient http;

    Transport(Config config) {
        this.config = config;
        // HTTP/1.1: Google's APIs speak it, and a plain-http loopback server never sees an h2c upgrade
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Config config() {
        return config;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails finally, or the attempts run out.
     *
     * @param what the call, for messages, for example {@code jobs.query}
     * @throws RateLimitedException when throttling outlived the retries
     * @throws ProviderUnavailableException when other transient failures did
     */
    <T> T retrying(Caller caller, String what, Attempt<T> attempt) {
        RetryableFailure last = null;
        for (int n = 1; n <= config.maxAttempts(); n++) {
            caller.throwIfCancelled();
            try {
                return attempt.run(n);
            } catch (RetryableFailure f) {
                last = f;
                if (n < config.maxAttempts()) {
                    sleep(caller, waitMillis(n, f));
                }
            }
        }
        String name = caller.serviceAccount();
        String tries = " after " + config.maxAttempts() + (config.maxAttempts() == 1 ? " attempt" : " attempts");
        if (last.rateLimited()) {
            throw new RateLimitedException("rate limited by " + PROVIDER + " (" + last.getMessage() + ") on " + what
                    + " for service account '" + name + "'" + tries + "; try again later", name, last.retryAfter());
        }
        throw new ProviderUnavailableException(PROVIDER + " unavailable (" + last.getMessage() + ") on " + what
                + " for service account '" + name + "'" + tries, name, last.status(), last.getCause());
    }

    /**
     * Sends one request.
     *
     * @param label method and path, for the log (never a query string with secrets: we send none)
     * @param requests counts the request
     * @throws RetryableFailure on a connection failure or timeout
     */
    HttpResponse<byte[]> send(Caller caller, HttpRequest request, String label, int attempt, AtomicInteger requests) {
        caller.throwIfCancelled();
        requests.incrementAndGet();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        // a cancelled fetch aborts the exchange in flight (the JDK client cancels it on cancel(true))
        caller.cancellation().onCancel(() -> exchange.cancel(true));
        try {
            HttpResponse<byte[]> response;
            try {
                response = exchange.get();
            } catch (CancellationException e) {
                log.debug("{} -> cancelled (attempt {}, {} ms)", label, attempt, millisSince(start));
                throw new FetchCancelledException(caller.cancellation().reason().isEmpty()
                        ? "the fetch of service account '" + caller.serviceAccount() + "' was cancelled"
                        : caller.cancellation().reason(), caller.serviceAccount());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (caller.cancellation().isCancelled()) {
                    caller.throwIfCancelled();
                }
                throw new ProviderUnavailableException(PROVIDER + ": the request failed for service account '"
                        + caller.serviceAccount() + "' (" + e.getCause().getClass().getSimpleName() + ")",
                        caller.serviceAccount(), -1, null);
            }
            log.debug("{} -> {} (attempt {}, {} ms, {} bytes)", label, response.statusCode(), attempt,
                    millisSince(start), response.body().length);
            return response;
        } catch (IOException e) {
            log.debug("{} -> {} (attempt {}, {} ms)", label, e.getClass().getSimpleName(), attempt, millisSince(start));
            String why = e instanceof HttpConnectTimeoutException ? "could not connect within " + config.connectTimeout()
                    : e instanceof HttpTimeoutException ? "timed out after " + config.requestTimeout()
                    : "connection failed (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + caller.scrub(e.getMessage())) + ")";
            throw new RetryableFailure(why, -1, false, null, e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while calling " + PROVIDER + " for service account '"
                    + caller.serviceAccount() + "'", caller.serviceAccount(), -1, e);
        }
    }

    /** Sleeps, bounded; a cancellation or an interrupt ends the fetch. */
    void sleep(Caller caller, long millis) {
        try {
            caller.cancelled().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return; // slept the whole wait
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while waiting to call " + PROVIDER
                    + " again for service account '" + caller.serviceAccount() + "'", caller.serviceAccount(), -1, e);
        }
        caller.throwIfCancelled();
    }

    /** @return the capped {@code Retry-After}, else exponential backoff with jitter */
    long waitMillis(int attempt, RetryableFailure f) {
        long max = config.maxBackoff().toMillis();
        if (f.retryAfter() != null) {
            Duration cap = config.maxRetryAfter();
            return Math.max(1, (f.retryAfter().compareTo(cap) > 0 ? cap : f.retryAfter()).toMillis());
        }
        long base = config.initialBackoff().toMillis();
        for (int i = 1; i < attempt && base < max; i++) {
            base *= 2;
        }
        long capped = Math.min(base, max);
        long jitter = capped / 5;
        long wait = capped - jitter + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * jitter + 1));
        return Math.max(1, Math.min(wait, max));
    }

    /** @return the delay of a {@code Retry-After} in seconds, or null when absent or not seconds */
    static Duration retryAfter(HttpResponse<?> response) {
        String v = response.headers().firstValue("Retry-After").orElse("").trim();
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
