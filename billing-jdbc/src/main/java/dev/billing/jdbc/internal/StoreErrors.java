package dev.billing.jdbc.internal;

import dev.billing.core.CostStoreException;
import dev.billing.core.CostStoreException.Reason;
import java.nio.file.AccessDeniedException;
import java.nio.file.ReadOnlyFileSystemException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * Turns what the database driver threw into a {@link CostStoreException} with a {@link Reason} a
 * program can test and a one-line message naming the store and the fix. H2's and PostgreSQL's
 * messages are only read here, never by callers.
 */
public final class StoreErrors {
    private StoreErrors() {
    }

    /**
     * @param e what the driver threw
     * @return why, as far as it can be told
     */
    public static Reason classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk full") || m.contains("not enough space")) {
                return Reason.DISK_FULL;
            }
            if (t instanceof AccessDeniedException || t instanceof ReadOnlyFileSystemException
                    || m.contains("read-only file system") || m.contains("permission denied")) {
                return Reason.READ_ONLY;
            }
            if (m.contains("the file is locked")) {
                return Reason.LOCKED;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                switch (s.getSQLState()) {
                    case "53100":             // PostgreSQL disk_full
                        return Reason.DISK_FULL;
                    case "90097", "25006":    // H2 DATABASE_IS_READ_ONLY, PostgreSQL read_only_sql_transaction
                        return Reason.READ_ONLY;
                    case "90020":             // H2 DATABASE_ALREADY_OPEN
                        return Reason.LOCKED;
                    case "90030", "90048":    // H2 FILE_CORRUPTED, FILE_VERSION_ERROR
                        return Reason.NOT_A_STORE;
                    default:
                        break;
                }
            }
            if (t instanceof java.io.EOFException || m.contains("reading from file")
                    || m.contains("file header") || m.contains("file corrupted")) {
                return Reason.NOT_A_STORE;
            }
        }
        if (state.startsWith("08") || state.startsWith("28") || state.equals("3D000")) {
            return Reason.UNAVAILABLE;
        }
        return Reason.FAILED;
    }

    /**
     * @param what what the store was doing, for example {@code "opening the cost store"}
     * @param location where the store is
     * @param account the service account concerned, or {@code null}
     * @param e what the driver threw
     * @return the exception to throw, with a one-line message naming the store and what to do
     */
    public static CostStoreException of(String what, String location, String account, SQLException e) {
        Reason reason = classify(e);
        String concerning = account == null ? "" : " (service account '" + account + "')";
        String message = switch (reason) {
            case READ_ONLY -> "cannot write the cost store " + location + ": its file or directory is read-only;"
                    + " make it writable, or use a store in a writable directory";
            case NOT_A_STORE -> location + " is not a cost store (not an H2 database, or a damaged one); point at the"
                    + " store a sync wrote, or move the file away to start a new store";
            case LOCKED -> "the cost store " + location + " is open in another process (an embedded store is opened"
                    + " by one process at a time); wait for that process to finish, or share a PostgreSQL store"
                    + " between instances";
            case DISK_FULL -> "the disk holding the cost store " + location + " is full" + concerning + "; free some"
                    + " space and sync again (windows not written keep their old data)";
            case UNAVAILABLE -> "cannot reach the cost store database " + location + " while " + what + ": "
                    + firstLine(e) + "; check the URL, the user and that the database is running";
            case NEWER_SCHEMA, FAILED -> "cost store " + location + " failed " + what + concerning + ": "
                    + firstLine(e);
        };
        boolean retryable = reason == Reason.UNAVAILABLE || reason == Reason.LOCKED || e instanceof SQLTransientException
                || (e.getSQLState() != null && e.getSQLState().startsWith("40"));
        return new CostStoreException(reason, location, message, retryable, e);
    }

    /** @return the first line of the driver's message, without H2's statement dump and error-code tail */
    static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        String line = (nl < 0 ? m : m.substring(0, nl)).trim();
        if (line.endsWith(";")) {
            line = line.substring(0, line.length() - 1);
        }
        return line.replaceAll("\\s*\\[\\d+-\\d+]$", "") + (e.getSQLState() == null ? "" : " (SQLSTATE "
                + e.getSQLState() + ")");
    }
}
