package dev.billing.hyperbilling.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.spi.Cancellation;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.support.HttpClients;
import dev.billing.provider.support.Retrier;
import dev.billing.provider.support.RetryAfter;
import dev.billing.provider.support.RetryableFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends HyperBilling requests with {@link HttpClient}, for either API of the module: sets the
 * headers (authentication through the request's {@link Principal}), bounds the requests in flight,
 * retries transient failures with resilience4j and maps every failure to one of the SDK's exception
 * types. Logs each attempt at DEBUG (method, path, status, attempt, duration), never a header or a secret.
 */
final class HyperBillingClient {
    private static final Logger log = LoggerFactory.getLogger(HyperBillingClient.class);

    private final String provider;
    private final URI endpoint;
    private final HttpSettings settings;
    private final HttpClient http;
    private final RequestLimiter limiter;
    private final Retrier retrier;

    /**
     * @param provider the provider id, for messages
     * @param endpoint the checked endpoint
     * @param settings timeouts, retries, concurrency, clock
     */
    HyperBillingClient(String provider, URI endpoint, HttpSettings settings) {
        this.provider = provider;
        this.endpoint = endpoint;
        this.settings = settings;
        this.http = HttpClients.create(settings);
        this.limiter = new RequestLimiter(settings.maxConcurrentRequests());
        this.retrier = new Retrier(provider, settings, "try again later");
    }

    /**
     * One request: method, path (with its query) under the endpoint, body (null for GET), how to read a
     * 200 body (or null for 204; the reader throws {@link ReplyException} for an unusable answer, or one of
     * the SDK's exceptions), and the fetch's cancellation (which aborts the wait for a permit and the
     * exchange in flight).
     */
    record Call<T>(Principal caller, String method, String path, byte[] body, Function<byte[], T> reader,
                   Cancellation cancellation) {
    }

    /**
     * Sends a request on the calling thread, retrying transient failures.
     *
     * @param requests counts every attempt
     * @return what {@code call.reader} read from the answer
     * @throws BillingException one of the SDK's types, with the status and the service account's name
     */
    <T> T send(Call<T> call, AtomicInteger requests) {
        HttpRequest request = request(call);
        return retrier.call(call.method() + " " + call.path(), call.caller().serviceAccount(), call.cancellation(),
                attempt -> attempt(call, request, attempt, requests));
    }

    /**
     * Sends a request without blocking, retrying transient failures; the answer is read on {@code executor}.
     *
     * @param requests counts every attempt
     * @return completes with what {@code call.reader} read, or exceptionally with a {@link BillingException}
     */
    <T> CompletableFuture<T> sendAsync(Call<T> call, AtomicInteger requests, Executor executor) {
        HttpRequest request = request(call);
        return retrier.callAsync(call.method() + " " + call.path(), call.caller().serviceAccount(), call.cancellation(),
                attempt -> attemptAsync(call, request, attempt, requests, executor));
    }

    private <T> T attempt(Call<T> call, HttpRequest request, int attempt, AtomicInteger requests) {
        requests.incrementAndGet();
        CompletableFuture<Void> permit = limiter.acquire();
        call.cancellation().onCancel(() -> permit.cancel(false));
        try {
            permit.get();
        } catch (InterruptedException | CancellationException e) {
            limiter.abandon(permit);
            throw interrupted(call, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        long start = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request,
                    HttpResponse.BodyHandlers.ofByteArray());
            call.cancellation().onCancel(() -> exchange.cancel(true));
            response = exchange.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? ioFailure(call, attempt, start, io) : asRuntime(e.getCause());
        } catch (InterruptedException | CancellationException e) {
            throw interrupted(call, e);
        } finally {
            limiter.release();
        }
        return handle(call, response, attempt, start);
    }

    /** The fetch was cancelled, or the calling thread interrupted, while waiting for a permit or an answer. */
    private BillingException interrupted(Call<?> call, Exception e) {
        String name = call.caller().serviceAccount();
        if (call.cancellation().isCancelled()) {
            return new FetchCancelledException(call.cancellation().reason(), name);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new ProviderUnavailableException("interrupted while calling " + provider + " for service account '"
                + name + "'", name, e);
    }

    private <T> CompletableFuture<T> attemptAsync(Call<T> call, HttpRequest request, int attempt,
                                                  AtomicInteger requests, Executor executor) {
        requests.incrementAndGet();
        long[] start = new long[1];
        CompletableFuture<T> outcome = new CompletableFuture<>();
        CompletableFuture<Void> permit = limiter.acquire();
        call.cancellation().onCancel(() -> permit.cancel(false));
        permit.thenCompose(granted -> {
                    start[0] = System.nanoTime();
                    try {
                        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request,
                                HttpResponse.BodyHandlers.ofByteArray());
                        call.cancellation().onCancel(() -> exchange.cancel(true));
                        return exchange.whenComplete((r, e) -> limiter.release());
                    } catch (RuntimeException e) {
                        limiter.release();
                        throw e;
                    }
                })
                .handleAsync((response, error) -> {
                    if (error != null) {
                        Throwable e = Retrier.unwrap(error);
                        if (e instanceof CancellationException ce) {
                            if (permit.isCancelled()) {
                                limiter.abandon(permit);
                            }
                            throw interrupted(call, ce);
                        }
                        throw e instanceof IOException io ? ioFailure(call, attempt, start[0], io) : asRuntime(e);
                    }
                    return handle(call, response, attempt, start[0]);
                }, executor)
                .whenComplete((value, error) -> {
                    if (error == null) {
                        outcome.complete(value);
                    } else {
                        outcome.completeExceptionally(Retrier.unwrap(error));
                    }
                });
        return outcome;
    }

    private HttpRequest request(Call<?> call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + call.path()))
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json")
                // the real clients send it on every request, GET included
                .header("Content-Type", "application/json");
        call.caller().authorize(b);
        if (call.body() == null) {
            b.GET();
        } else {
            b.POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        }
        return b.build();
    }

    /** Reads a 2xx answer, or maps the status to a retryable failure or one of the SDK's exceptions. */
    private <T> T handle(Call<T> call, HttpResponse<byte[]> response, int attempt, long start) {
        int status = response.statusCode();
        log.debug("{} {} -> {} (attempt {}, {} ms, {} bytes)", call.method(), call.path(), status, attempt,
                millisSince(start), response.body().length);
        Principal caller = call.caller();
        String name = caller.serviceAccount();
        if (status == 200) {
            try {
                return call.reader().apply(response.body());
            } catch (ReplyException e) {
                throw new ProviderProtocolException(provider + " sent an unusable answer to " + call.method() + " "
                        + call.path() + " (HTTP 200) for service account '" + name + "': "
                        + caller.scrub(e.getMessage()), name, status, e.getCause());
            }
        }
        if (status == 204) {
            return call.reader().apply(null);
        }
        String detail = Json.parseError(response.body()).scrubbed(caller::scrub).describe();
        switch (status) {
            case 429 -> throw RetryableFailure.throttled("HTTP 429" + detail, status,
                    RetryAfter.of(response.headers(), settings.clock()));
            case 500, 502, 503, 504 -> throw RetryableFailure.unavailable("HTTP " + status + detail, status, null);
            case 400 -> throw new InvalidRequestException(provider + " rejected the request " + call.method() + " "
                    + call.path() + " (HTTP 400" + detail + ") for service account '" + name + "'", name, status, null);
            case 401, 403 -> throw new CredentialsRejectedException("credentials rejected by " + provider + " (HTTP "
                    + status + detail + ") for service account '" + name + "'; " + caller.rejectedHint(), name, status);
            case 404 -> throw new CredentialsRejectedException(provider + " does not know account " + caller.account()
                    + " (HTTP 404" + detail + ") for service account '" + name + "'; " + caller.unknownAccountHint(),
                    name, status);
            default -> throw new ProviderProtocolException(provider + " answered " + call.method() + " " + call.path()
                    + " with unexpected HTTP " + status + detail + " for service account '" + name + "'",
                    name, status, null);
        }
    }

    private RetryableFailure ioFailure(Call<?> call, int attempt, long start, IOException e) {
        log.debug("{} {} -> {} (attempt {}, {} ms)", call.method(), call.path(), e.getClass().getSimpleName(), attempt,
                millisSince(start));
        return HttpClients.noAnswer(e, settings, call.caller()::scrub);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static RuntimeException asRuntime(Throwable e) {
        return e instanceof RuntimeException re ? re : new CompletionException(e);
    }
}
