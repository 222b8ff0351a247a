package dev.billing.core;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * A kept window (one service account's month) was read again and its totals changed: the
 * provider restated it (a CLOSED month), or it grew (an OPEN month).
 *
 * @param account the service account
 * @param project its project
 * @param month the month
 * @param state whether the month had ended when it was read again
 * @param oldTotals the totals kept before, one per currency sorted by code
 * @param newTotals the totals kept now, one per currency sorted by code
 * @param previouslySyncedAt when the old data was read
 * @param syncedAt when the new data was read
 */
public record RestatementEvent(ServiceAccountId account, ProjectId project, YearMonth month, MonthState state,
                               List<Money> oldTotals, List<Money> newTotals, Instant previouslySyncedAt,
                               Instant syncedAt) {

    /** Validates presence and copies the lists. */
    public RestatementEvent {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(state, "state");
        oldTotals = List.copyOf(oldTotals);
        newTotals = List.copyOf(newTotals);
        Objects.requireNonNull(previouslySyncedAt, "previouslySyncedAt");
        Objects.requireNonNull(syncedAt, "syncedAt");
    }
}
