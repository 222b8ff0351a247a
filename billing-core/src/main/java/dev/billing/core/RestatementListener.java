package dev.billing.core;

/**
 * Hears that a sync changed a window that was already kept. Called from the syncing thread;
 * implementations are thread-safe and quick. An exception thrown here is logged and ignored.
 */
@FunctionalInterface
public interface RestatementListener {

    /** @param event the window, its month's state, and its old and new totals */
    void restated(RestatementEvent event);
}
