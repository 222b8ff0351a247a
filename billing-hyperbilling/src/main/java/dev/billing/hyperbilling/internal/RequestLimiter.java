package dev.billing.hyperbilling.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds the requests in flight. Non-blocking: {@link #acquire()} returns a future that completes
 * when a permit is free, so asynchronous callers never block a thread while they wait.
 */
final class RequestLimiter {
    private final int max;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inFlight;

    RequestLimiter(int max) {
        this.max = max;
    }

    /** @return completes when the caller holds a permit; the caller must {@link #release()} it */
    synchronized CompletableFuture<Void> acquire() {
        if (inFlight < max) {
            inFlight++;
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> permit = new CompletableFuture<>();
        waiting.add(permit);
        return permit;
    }

    /**
     * Gives up a permit acquired with {@link #acquire()}, or a wait for one: a permit that was
     * granted in the meantime is released.
     */
    void abandon(CompletableFuture<Void> permit) {
        if (!permit.cancel(false)) {
            release();
        }
    }

    /** Hands the permit to the next waiter, or frees it. */
    void release() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    inFlight--;
                    return;
                }
            }
            if (next.complete(null)) {
                return;
            }
        }
    }
}
