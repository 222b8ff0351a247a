package dev.billing.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link CostSync#sync()} did.
 *
 * @param startedAt when the sync started; the time recorded as each successful account's last sync
 * @param accounts one result per service account, in registration order
 * @param restatements the kept windows whose totals changed
 */
public record SyncSummary(Instant startedAt, List<AccountSyncResult> accounts, List<RestatementEvent> restatements) {

    /** Validates presence and copies the lists. */
    public SyncSummary {
        Objects.requireNonNull(startedAt, "startedAt");
        accounts = List.copyOf(accounts);
        restatements = List.copyOf(restatements);
    }

    /** @return the line items written over every account */
    public long records() {
        return accounts.stream().mapToLong(AccountSyncResult::records).sum();
    }

    /** @return how many windows were replaced over every account */
    public int windowsReplaced() {
        return accounts.stream().mapToInt(a -> a.replaced().size()).sum();
    }

    /** @return whether every account's sync succeeded */
    public boolean isComplete() {
        return accounts.stream().allMatch(AccountSyncResult::succeeded);
    }
}
