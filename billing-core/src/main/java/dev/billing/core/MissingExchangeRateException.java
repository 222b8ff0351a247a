package dev.billing.core;

import java.time.LocalDate;
import java.util.Currency;

/**
 * A line item needs an exchange rate the rates do not have: no row of the pair is dated on or before the
 * line item's day. Rates are never inverted or chained, so the fix is a row for exactly this pair.
 */
public final class MissingExchangeRateException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final transient Currency from;
    private final transient Currency to;
    private final transient LocalDate date;

    /**
     * @param from the line item's currency
     * @param to the reporting currency
     * @param date the line item's day
     * @param first the pair's earliest row, or null when the rates have none of the pair
     */
    public MissingExchangeRateException(Currency from, Currency to, LocalDate date, ExchangeRate first) {
        super("no exchange rate from " + from + " to " + to + " for " + date + ": "
                + (first == null ? "the rates have no " + from + " to " + to + " row at all"
                        : "the pair's first rate is dated " + first.date())
                + "; add a row " + date + "," + from + "," + to + ",RATE (or an earlier date); rates are never"
                + " inverted or chained");
        this.from = from;
        this.to = to;
        this.date = date;
    }

    /** @return the currency converted from */
    public Currency from() {
        return from;
    }

    /** @return the currency converted to */
    public Currency to() {
        return to;
    }

    /** @return the day a rate is needed for */
    public LocalDate date() {
        return date;
    }
}
