package dev.billing.azure.internal;

import dev.billing.provider.HttpSettings;
import dev.billing.provider.support.HttpClients;
import dev.billing.provider.support.Retrier;
import dev.billing.provider.support.RetryAfter;
import dev.billing.provider.support.RetryableFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * 504, I/O errors, timeouts) through the shared {@link Retrier}; returns every other answer to the caller.
 * What is Azure's own: which statuses are transient and the throttling headers that name a wait.
 * Logs each attempt at DEBUG (method, path, status, attempt, duration), never a header or a body.
 */
final class AzureHttp {
    static final String PROVIDER = "azure-cost-management";
    /**
     * The headers that name a wait after 429, the longest of which is honoured: the Cost Management Query API's
     * and the Consumption API's throttling headers, and {@code Retry-After}.
     */
    static final List<String> RETRY_HEADERS = List.of(
            "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
            "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after",
            "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
            "x-ms-ratelimit-microsoft.consumption-retry-after",
            "Retry-After");
    private static final Logger log = LoggerFactory.getLogger(AzureHttp.class);

    private final HttpClient http;
    private final HttpSettings settings;
    private final Retrier retrier;

    AzureHttp(HttpSettings settings) {
        this.settings = settings;
        this.retrier = new Retrier(PROVIDER, settings,
                "the Cost Management query quota is shared by the tenant: try again later");
        this.http = HttpClients.create(settings);
    }

    Duration requestTimeout() {
        return settings.requestTimeout();
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
     * @throws dev.billing.core.RateLimitedException when 429 outlived the retries
     * @throws dev.billing.core.ProviderUnavailableException when 5xx, I/O errors or timeouts outlived the retries
     */
    HttpResponse<byte[]> send(Supplier<HttpRequest> request, String what, Principal principal, AtomicInteger requests,
                              Cancel cancel) {
        return retrier.call(what, principal.serviceAccount(), cancel.cancellation(), attempt -> {
            long start = System.nanoTime();
            requests.incrementAndGet();
            try {
                HttpResponse<byte[]> response = exchange(request.get(), cancel);
                int status = response.statusCode();
                log.debug("{} -> {} (attempt {}, {} ms, {} bytes)", what, status, attempt, millisSince(start),
                        response.body().length);
                if (status == 429) {
                    throw RetryableFailure.throttled("HTTP 429", status,
                            RetryAfter.longest(response.headers(), RETRY_HEADERS, settings.clock()));
                }
                if (isTransient(status)) {
                    throw RetryableFailure.unavailable("HTTP " + status, status,
                            RetryAfter.of(response.headers(), settings.clock()));
                }
                return response;
            } catch (IOException e) {
                log.debug("{} -> {} (attempt {}, {} ms)", what, e.getClass().getSimpleName(), attempt, millisSince(start));
                throw HttpClients.noAnswer(e, settings, message -> null);
            }
        });
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

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
