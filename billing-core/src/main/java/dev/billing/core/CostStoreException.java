package dev.billing.core;

import java.util.Objects;

/**
 * The cost store itself failed: it cannot be opened or written, whatever the service account. A
 * program branches on {@link #reason()} instead of reading the message; the message names where the
 * store is (a file path, or a database URL without its password) and what to do.
 *
 * <pre>{@code
 * try {
 *     sync.sync();
 * } catch (CostStoreException e) {
 *     if (e.reason() == CostStoreException.Reason.LOCKED) {
 *         retryLater();
 *     }
 * }
 * }</pre>
 */
public class CostStoreException extends BillingException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the store. */
    public enum Reason {
        /** The store's file or directory cannot be written (permissions, a read-only file system). */
        READ_ONLY,
        /** The file is not a cost store (another kind of file, or a damaged one). */
        NOT_A_STORE,
        /** Another process has the store open; an embedded store is opened by one process at a time. */
        LOCKED,
        /** The store was written by a newer version of the SDK than this one. */
        NEWER_SCHEMA,
        /** The disk holding the store is full. */
        DISK_FULL,
        /** The database cannot be reached (connection refused or lost, authentication failed). */
        UNAVAILABLE,
        /** Anything else the database reported. */
        FAILED
    }

    private final Reason reason;
    private final String location;

    /**
     * @param reason what is wrong
     * @param location where the store is: a file path, or a database URL without its password
     * @param message what went wrong, where, and what to do
     * @param retryable whether the same call may succeed later
     * @param cause the underlying cause, or {@code null}
     */
    public CostStoreException(Reason reason, String location, String message, boolean retryable, Throwable cause) {
        super(message, null, retryable, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.location = Objects.requireNonNull(location, "location");
    }

    /** @return what is wrong with the store */
    public Reason reason() {
        return reason;
    }

    /** @return where the store is: a file path, or a database URL without its password */
    public String location() {
        return location;
    }
}
