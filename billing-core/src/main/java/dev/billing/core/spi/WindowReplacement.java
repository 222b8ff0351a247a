package dev.billing.core.spi;

import dev.billing.core.Money;
import dev.billing.core.ServiceAccountId;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CostStore#replaceWindow} did.
 *
 * @param account the service account
 * @param month the window's month
 * @param previouslySyncedAt when the replaced data was read, or {@code null} when the window was not kept before
 * @param oldTotals the replaced data's totals, one per currency sorted by code; empty when not kept before
 * @param newTotals the new data's totals, one per currency sorted by code
 * @param records how many line items the window now holds
 * @param stats what the fetch did
 */
public record WindowReplacement(ServiceAccountId account, YearMonth month, Instant previouslySyncedAt,
                                List<Money> oldTotals, List<Money> newTotals, long records, FetchStats stats) {

    /** Validates presence and copies the lists. */
    public WindowReplacement {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(month, "month");
        oldTotals = List.copyOf(oldTotals);
        newTotals = List.copyOf(newTotals);
        Objects.requireNonNull(stats, "stats");
    }

    /** @return whether the window was kept before this replacement */
    public boolean wasKept() {
        return previouslySyncedAt != null;
    }

    /** @return whether the window was kept before and its totals changed (compared per currency, by value) */
    public boolean totalsChanged() {
        return wasKept() && !Totals.sameTotals(oldTotals, newTotals);
    }
}
