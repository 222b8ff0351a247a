package dev.billing.core;

import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a grouped report: a bucket, the values of the group-by dimensions, and the exact sum
 * in one currency.
 *
 * @param start the first day of the bucket
 * @param period the bucket's label: {@code 2026-01-05}, {@code 2026-01} or {@code 2026}
 * @param keys the group-by dimensions and their values, in the query's group-by order
 * @param amount the exact sum
 */
public record CostRow(LocalDate start, String period, Map<Dimension, String> keys, Money amount) {

    /** Validates presence and copies the keys, keeping their order. */
    public CostRow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(amount, "amount");
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }
}
