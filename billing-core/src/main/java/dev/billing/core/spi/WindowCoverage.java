package dev.billing.core.spi;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One account's windows of the months a report asks about, reduced to what the report's coverage is decided from:
 * {@link CostStore#windowCoverage}.
 *
 * @param lastSync when its last successful sync started, or null when it has had none
 * @param newestWindow when the most recently synced of its held windows of those months was synced, or null when it
 *     holds none of them
 * @param missing the months asked about that it holds no window of, oldest first
 */
public record WindowCoverage(Instant lastSync, Instant newestWindow, List<YearMonth> missing) {

    /**
     * Copies the months.
     *
     * @throws IllegalArgumentException when there is neither a last sync nor a held window (such an account is left
     *     out of {@link CostStore#windowCoverage}'s answer)
     */
    public WindowCoverage {
        if (lastSync == null && newestWindow == null) {
            throw new IllegalArgumentException("an account with neither a sync nor a held window has no coverage");
        }
        missing = List.copyOf(missing);
    }

    /**
     * @param lastSync when the account's last successful sync started, or null
     * @param newestWindow when its most recently synced held window of the months asked about was synced, or null
     * @param held which of the months asked about it holds a window of
     * @param first the first month asked about
     * @param last the last month asked about, inclusive
     * @return its coverage, the months from {@code first} to {@code last} not held as {@link #missing}
     */
    public static WindowCoverage of(Instant lastSync, Instant newestWindow, Set<YearMonth> held, YearMonth first,
                                    YearMonth last) {
        List<YearMonth> missing = new ArrayList<>();
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            if (!held.contains(m)) {
                missing.add(m);
            }
        }
        return new WindowCoverage(lastSync, newestWindow, missing);
    }

    /** @return the newest of {@link #lastSync} and {@link #newestWindow}: as of when the account's data is */
    public Instant asOf() {
        return lastSync == null || newestWindow != null && newestWindow.isAfter(lastSync) ? newestWindow : lastSync;
    }
}
