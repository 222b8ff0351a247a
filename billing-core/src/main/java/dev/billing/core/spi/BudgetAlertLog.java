package dev.billing.core.spi;

import dev.billing.core.Budget;
import java.time.YearMonth;
import java.util.Objects;

/**
 * Remembers which budget thresholds have alerted in which month, so that each alerts once. A database-backed
 * log ({@code JdbcCostStore#budgetAlerts()}) remembers across restarts and instances sharing the database.
 * Budgets keep their alerts in an {@link AlertLog} ({@link #of(AlertLog)}), beside anomalies.
 */
@FunctionalInterface
public interface BudgetAlertLog {

    /**
     * Records an alert, atomically: of several callers (threads or instances) recording the same key, exactly
     * one is told it was first.
     *
     * @param budget the budget's name
     * @param month the month
     * @param threshold the threshold crossed
     * @return true when this (budget, month, threshold) had not alerted before, false otherwise
     * @throws dev.billing.core.BillingException when the log's storage fails
     */
    boolean firstAlert(String budget, YearMonth month, Budget.Threshold threshold);

    /** @return a log kept in this process only */
    static BudgetAlertLog inMemory() {
        return of(AlertLog.inMemory());
    }

    /**
     * @param log an alert log
     * @return budget alerts kept in it, each as {@code ("budget", budget, first day of the month,}
     *     {@link #key(Budget.Threshold)}{@code )}
     */
    static BudgetAlertLog of(AlertLog log) {
        Objects.requireNonNull(log, "log");
        return (budget, month, threshold) -> log.firstAlert("budget", budget, month.atDay(1), key(threshold));
    }

    /**
     * @param threshold a threshold
     * @return its key in a log: {@code 80} for 80 % of actual spend, {@code 100:forecast} for 100 % of the forecast
     */
    static String key(Budget.Threshold threshold) {
        return threshold.percent().stripTrailingZeros().toPlainString() + (threshold.forecast() ? ":forecast" : "");
    }
}
