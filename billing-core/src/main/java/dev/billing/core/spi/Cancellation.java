package dev.billing.core.spi;

import dev.billing.core.FetchCancelledException;

/**
 * Tells a provider that the SDK no longer wants the records of a fetch (its timeout passed, or the
 * host closed the {@link dev.billing.core.Billing}). A provider checks it between pages, requests and
 * retry waits, and cancels an exchange in flight from {@link #onCancel(Runnable)}, so that a
 * cancelled fetch ends within a second and releases what it holds (request permits, connections).
 */
public interface Cancellation {

    /** A fetch that is never cancelled. */
    Cancellation NONE = new Cancellation() {
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
        public String toString() {
            return "Cancellation.NONE";
        }
    };

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
}
