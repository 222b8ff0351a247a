package dev.billing.core.spi;

import dev.billing.core.ServiceAccountId;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;

/**
 * What coverage of a report from a store is decided from, read in one call: {@link CostStore#storedCoverage}.
 *
 * @param lastSyncs the time of the last successful sync of each account asked about that has had one (it may
 *     hold other accounts too)
 * @param windows for each account asked about that holds at least one window of the months asked about, its
 *     held months and when each was synced
 */
public record StoredCoverage(Map<ServiceAccountId, Instant> lastSyncs,
                             Map<ServiceAccountId, Map<YearMonth, Instant>> windows) {

    /**
     * Validates presence and copies both maps (not each account's map of months: a report over thousands of
     * accounts reads them once, and a store hands over maps it no longer changes).
     */
    public StoredCoverage {
        lastSyncs = Map.copyOf(lastSyncs);
        windows = Map.copyOf(windows);
    }
}
