package dev.billing.core;

/**
 * Hears how a report's fetches progress, for a progress bar or metrics. Called from fetch threads;
 * implementations are thread-safe and quick.
 */
public interface FetchListener {

    /** A listener that does nothing. */
    FetchListener NONE = new FetchListener() {
    };

    /**
     * A service account's fetch starts.
     *
     * @param account the account
     */
    default void started(ServiceAccount account) {
    }

    /**
     * A service account's fetch has ended.
     *
     * @param coverage how it ended
     * @param done how many of the report's accounts have ended
     * @param total how many accounts the report covers
     */
    default void finished(AccountCoverage coverage, int done, int total) {
    }
}
