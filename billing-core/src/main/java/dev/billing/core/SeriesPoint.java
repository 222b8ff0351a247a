package dev.billing.core;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One bucket of a time series in one currency.
 *
 * @param start the first day of the bucket
 * @param period the bucket's label: {@code 2026-01-05}, {@code 2026-01} or {@code 2026}
 * @param amount the exact sum in the bucket
 */
public record SeriesPoint(LocalDate start, String period, Money amount) {

    /** Validates presence. */
    public SeriesPoint {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(amount, "amount");
    }
}
