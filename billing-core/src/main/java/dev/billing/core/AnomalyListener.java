package dev.billing.core;

/**
 * Hears each anomaly once per (series, day): the {@link dev.billing.core.spi.AlertLog} given to the
 * {@link AnomalyDetector} remembers what was alerted, so a second run (or, with a store's log, a restart or a
 * second instance) stays quiet, even when a restatement changed the day's cost.
 */
@FunctionalInterface
public interface AnomalyListener {

    /** Hears nothing. */
    AnomalyListener NONE = anomaly -> { };

    /**
     * Called on the detecting thread, after the anomaly is recorded; an exception is logged and ignored (the
     * anomaly stays recorded).
     *
     * @param anomaly the anomaly, with its drivers
     */
    void detected(Anomaly anomaly);
}
