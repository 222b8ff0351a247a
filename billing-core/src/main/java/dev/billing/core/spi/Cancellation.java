package dev.billing.core.spi;

import dev.billing.core.FetchCancelledException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Tells a provider that the SDK no longer wants the records of a fetch (its timeout passed, or the
 * host closed the {@link dev.billing.core.Billing}). A provider checks it between pages, requests and
 * retry waits, and cancels an exchange in flight from {@link #onCancel(Runnable)}, so that a
 * cancelled fetch ends within a second and releases what it holds (request permits, connections).
 * It is also where a provider reports the waits of its retries ({@link #retrying}): the one handle the
 * SDK gives each fetch.
 */
public interface Cancellation {

    /** A fetch that is never cancelled. */
    Cancellation NONE = never((wait, throttled) -> { }, "Cancellation.NONE");

    /**
     * @param report hears each retry wait a provider reports: the wait and whether it was throttled
     * @return a cancellation that is never cancelled and passes the provider's {@link #retrying} reports on,
     *     for example to a listener
     */
    static Cancellation reportingRetries(BiConsumer<Duration, Boolean> report) {
        return never(Objects.requireNonNull(report, "report"), "Cancellation.reportingRetries");
    }

    private static Cancellation never(BiConsumer<Duration, Boolean> report, String name) {
        return new Cancellation() {
            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public String reason() {
                return "";
            }

            @Override
            public void onCancel(Runnable action) {
            }

            @Override
            public void retrying(Duration wait, boolean throttled) {
                report.accept(wait, throttled);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** @return whether the fetch is cancelled */
    boolean isCancelled();

    /** @return why the fetch was cancelled, {@code ""} while it is not */
    String reason();

    /**
     * Registers an action run once when the fetch is cancelled (at once, on this thread, when it already
     * is). Actions must be quick and must not throw.
     *
     * @param action for example cancelling the HTTP exchange in flight
     */
    void onCancel(Runnable action);

    /**
     * @param serviceAccount the service account being fetched, for the message
     * @throws FetchCancelledException when the fetch is cancelled
     */
    default void throwIfCancelled(String serviceAccount) {
        if (isCancelled()) {
            throw new FetchCancelledException(reason(), serviceAccount);
        }
    }

    /**
     * A provider calls this before each wait of a retry; the SDK passes it on to the {@link
     * dev.billing.core.FetchListener#retrying FetchListener} of the fetch's account (for metrics; it changes
     * nothing in the fetch). Does nothing by default; never throws.
     *
     * @param wait how long the provider waits before it sends the request again
     * @param throttled whether the provider throttled the request (HTTP 429 or its own throttling answer)
     *     rather than failed transiently
     */
    default void retrying(Duration wait, boolean throttled) {
    }
}
