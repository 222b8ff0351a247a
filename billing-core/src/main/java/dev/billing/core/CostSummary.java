package dev.billing.core;

import java.util.Currency;
import java.util.List;

/**
 * Totals and a time series, for the domain or one project.
 *
 * @param totals one exact total per currency, sorted by currency code; currencies are never added together
 * @param series the buckets with cost, sorted by period then currency code
 */
public record CostSummary(List<Money> totals, List<SeriesPoint> series) {

    /** Copies the lists. */
    public CostSummary {
        totals = List.copyOf(totals);
        series = List.copyOf(series);
    }

    /** A summary with no cost. */
    public static final CostSummary EMPTY = new CostSummary(List.of(), List.of());

    /**
     * @param currency a currency
     * @return the total in that currency, zero when there is none
     */
    public Money total(Currency currency) {
        return totals.stream().filter(m -> m.currency().equals(currency)).findFirst().orElse(Money.zero(currency));
    }
}
