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
 * @param error why the account's sync stopped, naming the account and never a secret; {@code null}
 *     when every due month was replaced or skipped. Months not replaced keep their old data.
 */
public record AccountSyncResult(ServiceAccountId account, List<YearMonth> replaced, List<YearMonth> skipped,
                                long records, String error) {

    /** Validates presence and copies the lists. */
    public AccountSyncResult {
        Objects.requireNonNull(account, "account");
        replaced = List.copyOf(replaced);
        skipped = List.copyOf(skipped);
    }

    /** @return whether the account's sync ended without error */
    public boolean succeeded() {
        return error == null;
    }
}
