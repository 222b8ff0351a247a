package dev.billing.core.spi;

import dev.billing.core.Money;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * One kept window of a service account.
 *
 * @param month the month (UTC)
 * @param syncedAt when its data was read
 * @param totals its totals, one per currency sorted by code
 * @param records how many line items it holds
 */
public record StoredWindow(YearMonth month, Instant syncedAt, List<Money> totals, long records) {

    /** Validates presence and copies the totals. */
    public StoredWindow {
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(syncedAt, "syncedAt");
        totals = List.copyOf(totals);
    }
}
