package dev.billing.core.spi;

import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One pre-aggregated sum from a {@link CostStore}: the exact sum of the line items sharing a
 * bucket, a project, the values of the query's group-by dimensions and a currency.
 *
 * @param bucket the first day of the bucket (the query's granularity, or finer)
 * @param project the project
 * @param keys the values of the query's group-by dimensions, in its order
 * @param amount the exact sum
 */
public record CostCell(LocalDate bucket, ProjectId project, List<String> keys, Money amount) {

    /** Validates presence and copies the keys. */
    public CostCell {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(amount, "amount");
        keys = List.copyOf(keys);
    }
}
