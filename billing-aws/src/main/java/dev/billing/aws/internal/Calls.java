package dev.billing.aws.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs one blocking SDK call (retries included) on the provider's threads, so that the fetching thread
 * can stop waiting as soon as the fetch is cancelled; the abandoned call then ends at its own timeout.
 */
final class Calls {
    private static final long POLL_MILLIS = 100;

    private Calls() {
    }

    /**
     * @param threads where the call runs
     * @param call the call
     * @param cancelled whether the fetch was cancelled
     * @param maxWaitMillis the longest wait, after which the call is abandoned
     * @param onCancel thrown when cancelled
     * @param onTimeout thrown when the wait ran out
     * @return the call's result
     * @throws RuntimeException whatever the call threw, or what {@code onCancel}/{@code onTimeout} give
     */
    static <T> T run(ExecutorService threads, Supplier<T> call, BooleanSupplier cancelled, long maxWaitMillis,
            Supplier<RuntimeException> onCancel, Supplier<RuntimeException> onTimeout) {
        if (cancelled.getAsBoolean()) {
            throw onCancel.get();
        }
        Future<T> future = threads.submit(call::get);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        try {
            while (true) {
                try {
                    return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (cancelled.getAsBoolean()) {
                        future.cancel(true);
                        throw onCancel.get();
                    }
                    if (System.nanoTime() - deadline > 0) {
                        future.cancel(true);
                        throw onTimeout.get();
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw onCancel.get();
        } catch (CancellationException e) {
            throw onCancel.get();
        }
    }
}
