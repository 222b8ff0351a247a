package dev.billing.core;

import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * What a sync did for one service account.
 *
 * @param account the service account
 * @param replaced the months whose window was replaced, in order
 * @param skipped the months left to another instance that was replacing them at the same time
 * @param records the line items written
 * @param status {@link AccountStatus.Ok} when every due month was replaced or skipped, or
 *     {@link AccountStatus.Failed} with why the account's sync stopped; months not replaced keep their old data
 * @param failedMonth the month whose window was being synced when it stopped, or {@code null}
 */
public record AccountSyncResult(ServiceAccountId account, List<YearMonth> replaced, List<YearMonth> skipped,
                                long records, AccountStatus status, YearMonth failedMonth) {

    /** Validates presence and copies the lists. */
    public AccountSyncResult {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(status, "status");
        replaced = List.copyOf(replaced);
        skipped = List.copyOf(skipped);
    }

    /** @return whether the account's sync ended without error */
    public boolean succeeded() {
        return !(status instanceof AccountStatus.Failed);
    }

    /** @return why the sync stopped, naming the account (and the month) and never a secret; {@code null} when it did not */
    public String error() {
        if (!(status instanceof AccountStatus.Failed failed)) {
            return null;
        }
        return failed.error().getMessage() + (failedMonth == null ? "" : " (month " + failedMonth + ")");
    }
}
