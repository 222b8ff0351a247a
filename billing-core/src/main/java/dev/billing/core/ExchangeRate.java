package dev.billing.core;

import dev.billing.core.support.Bounds;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Objects;

/**
 * One row of an exchange-rate table: one unit of {@code from} is worth {@code rate} units of {@code to},
 * from {@code date} (UTC) until the next row of the same pair.
 *
 * @param from the currency converted from
 * @param to the currency converted to
 * @param date the first day the rate applies
 * @param rate units of {@code to} per unit of {@code from}; exact and positive
 * @param source where the row comes from, for a person: {@code "rates.csv line 4"}, {@code "table"}
 */
public record ExchangeRate(Currency from, Currency to, LocalDate date, BigDecimal rate, String source) {

    /**
     * Validates the row.
     *
     * @throws IllegalArgumentException when the rate is not positive or both currencies are the same
     */
    public ExchangeRate {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(source, "source");
        if (rate.signum() <= 0) {
            throw new IllegalArgumentException("rate " + rate.toPlainString() + " from " + from + " to " + to
                    + " must be positive");
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("a rate from " + from + " to itself: the same currency always converts at 1");
        }
    }

    /**
     * @param from an ISO 4217 code
     * @param to an ISO 4217 code
     * @param date the first day the rate applies
     * @param rate the exact rate as a decimal string, for example {@code "1350.2"}
     * @return the row, with the source {@code "table"}
     * @throws IllegalArgumentException when a code is unknown, the rate is not a positive decimal, or both codes
     *     are the same
     */
    public static ExchangeRate of(String from, String to, LocalDate date, String rate) {
        return new ExchangeRate(Money.currency(from), Money.currency(to),
                date, Bounds.decimal(rate), "table");
    }

    /**
     * @param amount an amount in {@link #from()}
     * @return the exact product in {@link #to()}, not rounded
     */
    public BigDecimal convert(BigDecimal amount) {
        return amount.multiply(rate);
    }

    @Override
    public String toString() {
        return date + " " + from + "->" + to + " " + rate.toPlainString() + " (" + source + ")";
    }
}
