package dev.billing.core.spi;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which alerts were given, so that each is given once: a budget threshold once per month
 * ({@link BudgetAlertLog}), an anomaly once per series and day ({@link dev.billing.core.AnomalyDetector}). A
 * store's log ({@link CostStore#alerts()}; {@code JdbcCostStore} keeps it in its database) remembers across
 * restarts and instances sharing the store.
 *
 * <p>An alert is identified by four strings and a date; what they hold is the caller's: budgets record
 * {@code ("budget", name, first day of the month, threshold key)}, anomalies
 * {@code ("anomaly", project, day, metric:currency[:service])}.
 */
@FunctionalInterface
public interface AlertLog {

    /**
     * Records an alert, atomically: of several callers (threads or instances) recording the same key, exactly
     * one is told it was first.
     *
     * @param kind what alerts, such as {@code budget} or {@code anomaly}
     * @param subject what it is about, such as a budget's name or a project
     * @param date the day (or the first day of the month) it is for
     * @param detail the rest of the key, such as a threshold; may be empty
     * @return true when this key had not been recorded before, false otherwise
     * @throws dev.billing.core.BillingException when the log's storage fails
     */
    boolean firstAlert(String kind, String subject, LocalDate date, String detail);

    /** @return a log kept in this process only */
    static AlertLog inMemory() {
        Set<Key> seen = ConcurrentHashMap.newKeySet();
        return (kind, subject, date, detail) -> seen.add(new Key(kind, subject, date, detail));
    }

    /** An alert's key in memory. */
    record Key(String kind, String subject, LocalDate date, String detail) {
        /** Validates presence. */
        public Key {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
