package dev.billing.core;

/**
 * Hears each threshold crossing of a budget once per (budget, month, threshold): the
 * {@link dev.billing.core.spi.BudgetAlertLog} given to the {@link BudgetEvaluator} remembers what was alerted,
 * so a re-evaluation (or, with a database-backed log, a restart or a second instance) stays quiet.
 */
@FunctionalInterface
public interface BudgetListener {

    /** Hears nothing. */
    BudgetListener NONE = alert -> { };

    /**
     * Called on the evaluating thread, after the crossing is recorded; an exception is logged and ignored
     * (the crossing stays recorded).
     *
     * @param alert the budget's status and the threshold it crossed
     */
    void crossed(Alert alert);

    /**
     * A threshold crossed for the first time in a month.
     *
     * @param status the budget's status when it was crossed
     * @param threshold the threshold
     */
    record Alert(BudgetStatus status, Budget.Threshold threshold) {
    }
}
