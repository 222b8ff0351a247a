package dev.billing.core.spi;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Granularity;
import dev.billing.core.ServiceAccount;
import java.util.Objects;

/**
 * What to fetch: one service account's costs over one period, at the granularity the caller will
 * aggregate to. A provider may fetch finer data than asked (never coarser).
 *
 * @param account the service account
 * @param period the period
 * @param granularity the finest granularity the caller needs
 * @param cancellation tells the provider when the SDK no longer wants the records
 */
public record FetchRequest(ServiceAccount account, BillingPeriod period, Granularity granularity,
                           Cancellation cancellation) {

    /** Validates presence. */
    public FetchRequest {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /**
     * @param account the service account
     * @param period the period
     * @param granularity the finest granularity the caller needs
     * @return a request that is never cancelled
     */
    public static FetchRequest of(ServiceAccount account, BillingPeriod period, Granularity granularity) {
        return new FetchRequest(account, period, granularity, Cancellation.NONE);
    }

    /**
     * @param cancellation the cancellation to observe
     * @return this request with that cancellation
     */
    public FetchRequest withCancellation(Cancellation cancellation) {
        return new FetchRequest(account, period, granularity, cancellation);
    }

    /**
     * @throws dev.billing.core.FetchCancelledException when the request is cancelled
     */
    public void throwIfCancelled() {
        cancellation.throwIfCancelled(account.name());
    }
}
