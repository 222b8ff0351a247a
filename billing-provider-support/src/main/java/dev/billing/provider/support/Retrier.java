package dev.billing.provider.support;

import dev.billing.core.BillingException;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import dev.billing.core.spi.Cancellation;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * The one retry loop of the HTTP providers, on resilience4j-retry: runs an attempt until it succeeds, fails
 * with anything but a {@link RetryableFailure}, or the {@link RetryPolicy}'s attempts run out; waits
 * {@link RetryPolicy#delay} between attempts through the settings' {@link HttpSettings.Sleeper}, a wait a
 * cancellation ends, and reports each wait first to {@link Cancellation#retrying} (throttled when the failure
 * was {@link RetryableFailure#rateLimited()}). Thread-safe.
 */
public final class Retrier {
    private final String provider;
    private final String rateLimitAdvice;
    private final HttpSettings settings;
    private final Retry retry;

    /**
     * @param provider the provider id, for messages
     * @param settings the retry policy and sleeper
     * @param rateLimitAdvice what a message about throttling that outlived the retries ends with, for example
     *     {@code try again later}
     */
    public Retrier(String provider, HttpSettings settings, String rateLimitAdvice) {
        this.provider = provider;
        this.settings = settings;
        this.rateLimitAdvice = rateLimitAdvice;
        RetryPolicy policy = settings.retryPolicy();
        this.retry = Retry.of(provider, RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .retryOnException(e -> e instanceof RetryableFailure)
                .intervalBiFunction((attempt, outcome) -> delay(attempt,
                        outcome.isLeft() && outcome.getLeft() instanceof RetryableFailure f ? f : null).toMillis())
                .build());
    }

    /** @return the settings this retrier runs with */
    public HttpSettings settings() {
        return settings;
    }

    /**
     * @param retry the retry, 1 for the first
     * @param failure the attempt's failure, or null
     * @return the wait before that retry: the server-named wait capped, else backoff with jitter
     */
    Duration delay(int retry, RetryableFailure failure) {
        return settings.retryPolicy().delay(retry, failure == null ? null : failure.retryAfter(),
                ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Runs attempts on the calling thread.
     *
     * @param what the call, for messages, for example {@code GET /v1/search/billing}
     * @param serviceAccount the service account's name, for messages
     * @param cancellation checked before each attempt; ends a wait; hears each wait
     * @param attempt runs attempt {@code n} (1-based); throws {@link RetryableFailure} for a transient failure
     * @return the first attempt's result that did not fail
     * @throws RateLimitedException when throttling outlived the retries
     * @throws ProviderUnavailableException when another transient failure did, or the thread was interrupted
     * @throws FetchCancelledException when the fetch was cancelled
     */
    public <T> T call(String what, String serviceAccount, Cancellation cancellation, IntFunction<T> attempt) {
        Retry.AsyncContext<T> context = retry.asyncContext();
        for (int n = 1; ; n++) {
            cancellation.throwIfCancelled(serviceAccount);
            try {
                T result = attempt.apply(n);
                context.onComplete();
                return result;
            } catch (RetryableFailure f) {
                long wait = context.onError(f);
                if (wait < 0) {
                    throw exhausted(what, serviceAccount, f, n);
                }
                cancellation.retrying(Duration.ofMillis(wait), f.rateLimited());
                pause(wait, serviceAccount, cancellation);
            }
        }
    }

    /**
     * Runs attempts without blocking a thread while it waits.
     *
     * @param attempt starts attempt {@code n} (1-based); completes exceptionally with {@link RetryableFailure}
     *     for a transient failure
     * @return completes with the first result that did not fail, or exceptionally as {@link #call} throws
     */
    public <T> CompletableFuture<T> callAsync(String what, String serviceAccount, Cancellation cancellation,
                                              IntFunction<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attemptAsync(1, retry.asyncContext(), what, serviceAccount, cancellation, attempt, result);
        return result;
    }

    private <T> void attemptAsync(int n, Retry.AsyncContext<T> context, String what, String serviceAccount,
                                  Cancellation cancellation, IntFunction<CompletableFuture<T>> attempt,
                                  CompletableFuture<T> result) {
        if (cancellation.isCancelled()) {
            result.completeExceptionally(new FetchCancelledException(cancellation.reason(), serviceAccount));
            return;
        }
        CompletableFuture<T> outcome;
        try {
            outcome = attempt.apply(n);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((value, error) -> {
            if (error == null) {
                context.onComplete();
                result.complete(value);
                return;
            }
            Throwable e = unwrap(error);
            if (!(e instanceof RetryableFailure f)) {
                result.completeExceptionally(e);
                return;
            }
            long wait = context.onError(f);
            if (wait < 0) {
                result.completeExceptionally(exhausted(what, serviceAccount, f, n));
                return;
            }
            cancellation.retrying(Duration.ofMillis(wait), f.rateLimited());
            CompletableFuture<Void> sleep = settings.sleeper().sleep(Duration.ofMillis(wait));
            cancellation.onCancel(() -> sleep.cancel(false));
            sleep.whenComplete((ignored, cancelled) ->
                    attemptAsync(n + 1, context, what, serviceAccount, cancellation, attempt, result));
        });
    }

    /** Waits, bounded; a cancellation or an interrupt ends the fetch. */
    private void pause(long millis, String serviceAccount, Cancellation cancellation) {
        CompletableFuture<Void> sleep = settings.sleeper().sleep(Duration.ofMillis(millis));
        cancellation.onCancel(() -> sleep.cancel(false));
        try {
            sleep.get();
        } catch (CancellationException e) {
            cancellation.throwIfCancelled(serviceAccount);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the sleeper failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sleep.cancel(false);
            throw new ProviderUnavailableException("interrupted while waiting to call " + provider
                    + " again for service account '" + serviceAccount + "'", serviceAccount, e);
        }
    }

    /** The one "retries exhausted" failure. */
    private BillingException exhausted(String what, String serviceAccount, RetryableFailure f, int attempts) {
        String tries = " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
        if (f.rateLimited()) {
            return new RateLimitedException("rate limited by " + provider + " (" + f.getMessage() + ") on " + what
                    + " for service account '" + serviceAccount + "'" + tries + "; " + rateLimitAdvice, serviceAccount,
                    f.retryAfter());
        }
        String message = provider + " unavailable (" + f.getMessage() + ") on " + what + " for service account '"
                + serviceAccount + "'" + tries;
        // a failure without an answer (timeout, reset, refused) has no HTTP status
        return f.status() < 0 ? new ProviderUnavailableException(message, serviceAccount, f.getCause())
                : new ProviderUnavailableException(message, serviceAccount, f.status(), f.getCause());
    }

    /**
     * @param error a failure as a future reports it
     * @return the failure inside {@link CompletionException} and {@link ExecutionException} wrappers
     */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
