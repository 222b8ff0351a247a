package dev.billing.core;

import java.time.Duration;

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

    /**
     * A fetch waits before it sends a request again: after a transient failure, or because the provider
     * throttled it (HTTP 429, {@code Retry-After}). For metrics; it changes nothing in the fetch.
     *
     * @param account the account whose fetch waits
     * @param wait how long it waits before the next attempt
     * @param throttled whether the provider asked for the wait (throttling) rather than a failure
     */
    default void retrying(ServiceAccount account, Duration wait, boolean throttled) {
    }
}
