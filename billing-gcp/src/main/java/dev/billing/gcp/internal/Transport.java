package dev.billing.gcp.internal;

import dev.billing.core.BillingException;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.provider.support.HttpClients;
import dev.billing.provider.support.Retrier;
import dev.billing.provider.support.RetryAfter;
import dev.billing.provider.support.RetryableFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests with {@link HttpClient} and retries transient failures through the shared {@link Retrier}.
 * Logs each attempt at DEBUG (method, path, status, attempt, duration, size), never a header or a body.
 */
final class Transport {
    static final String PROVIDER = "gcp-billing-export";
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    private final Config config;
    private final HttpClient http;
    private final Retrier retrier;

    Transport(Config config) {
        this.config = config;
        this.retrier = new Retrier(PROVIDER, config.http(), "try again later");
        this.http = HttpClients.create(config.http());
    }

    Config config() {
        return config;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails finally, or the attempts run out.
     *
     * @param what the call, for messages, for example {@code jobs.query}
     * @param attempt runs attempt {@code n} (1-based); throws {@link RetryableFailure} for a transient failure
     * @throws dev.billing.core.RateLimitedException when throttling outlived the retries
     * @throws ProviderUnavailableException when other transient failures did
     */
    <T> T retrying(Caller caller, String what, IntFunction<T> attempt) {
        return retrier.call(what, caller.serviceAccount(), caller.cancellation(), attempt);
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
                        caller.serviceAccount(), null);
            }
            log.debug("{} -> {} (attempt {}, {} ms, {} bytes)", label, response.statusCode(), attempt,
                    millisSince(start), response.body().length);
            return response;
        } catch (IOException e) {
            log.debug("{} -> {} (attempt {}, {} ms)", label, e.getClass().getSimpleName(), attempt, millisSince(start));
            throw HttpClients.noAnswer(e, config.http(), caller::scrub);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while calling " + PROVIDER + " for service account '"
                    + caller.serviceAccount() + "'", caller.serviceAccount(), e);
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
                    + " again for service account '" + caller.serviceAccount() + "'", caller.serviceAccount(), e);
        }
        caller.throwIfCancelled();
    }

    /** @return the wait {@code Retry-After} names (seconds or an HTTP date), or null */
    Duration retryAfter(HttpResponse<?> response) {
        return RetryAfter.of(response.headers(), config.http().clock());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
