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
 */
public record FetchRequest(ServiceAccount account, BillingPeriod period, Granularity granularity) {

    /** Validates presence. */
    public FetchRequest {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(granularity, "granularity");
    }

    /**
     * @param account the service account
     * @param period the period
     * @param granularity the finest granularity the caller needs
     * @return the request
     */
    public static FetchRequest of(ServiceAccount account, BillingPeriod period, Granularity granularity) {
        return new FetchRequest(account, period, granularity);
    }
}
