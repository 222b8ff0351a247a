package dev.billing.core;

import dev.billing.core.support.Bounds;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount of money in one currency. Amounts are never rounded by the SDK; rounding happens
 * only in {@link #format()}, for a person to read.
 *
 * <p>Two amounts are equal when their currencies are equal and their values are numerically equal
 * ({@code 1.5 USD} equals {@code 1.50 USD}).
 *
 * @param amount the exact amount
 * @param currency the currency
 */
public record Money(BigDecimal amount, Currency currency) implements Comparable<Money> {

    /** Validates that both parts are present. */
    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
    }

    /**
     * @param amount the exact amount as a decimal string, for example {@code "12.345"}
     * @param currencyCode an ISO 4217 code such as {@code "USD"}
     * @return the money
     * @throws NumberFormatException when the amount is not a decimal number
     * @throws IllegalArgumentException when the currency code is unknown
     */
    public static Money of(String amount, String currencyCode) {
        BigDecimal value;
        try {
            value = Bounds.decimal(amount);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("amount " + e.getMessage());
        }
        return new Money(value, currency(currencyCode));
    }

    /**
     * @param code an ISO 4217 code such as {@code "USD"}, in any case
     * @return the currency
     * @throws IllegalArgumentException when it is not an ISO 4217 code
     */
    public static Currency currency(String code) {
        String c = String.valueOf(code).trim().toUpperCase(java.util.Locale.ROOT);
        try {
            if (c.length() == 3) {
                return Currency.getInstance(c);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("unknown currency code '" + code + "': use an ISO 4217 code such as USD");
    }

    /**
     * @param amount the exact amount
     * @param currency the currency
     * @return the money
     */
    public static Money of(BigDecimal amount, Currency currency) {
        return new Money(amount, currency);
    }

    /**
     * @param currency the currency
     * @return zero in that currency
     */
    public static Money zero(Currency currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    /**
     * @param other an amount in the same currency
     * @return the exact sum
     * @throws IllegalArgumentException when the currencies differ: amounts in different currencies
     *     are never added together
     */
    public Money plus(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot add " + other.currency.getCurrencyCode() + " to "
                    + currency.getCurrencyCode() + ": totals are kept per currency");
        }
        return new Money(amount.add(other.amount), currency);
    }

    /** @return this amount with the opposite sign */
    public Money negate() {
        return new Money(amount.negate(), currency);
    }

    /** @return whether the amount is zero */
    public boolean isZero() {
        return amount.signum() == 0;
    }

    /**
     * @return the amount rounded to the currency's digits with HALF_EVEN and its code, for a person
     *     to read, for example {@code "12.35 USD"}
     */
    public String format() {
        int digits = Math.max(currency.getDefaultFractionDigits(), 0);
        return amount.setScale(digits, RoundingMode.HALF_EVEN).toPlainString() + " " + currency.getCurrencyCode();
    }

    /** Orders by currency code, then by amount. */
    @Override
    public int compareTo(Money other) {
        int byCurrency = currency.getCurrencyCode().compareTo(other.currency.getCurrencyCode());
        return byCurrency != 0 ? byCurrency : amount.compareTo(other.amount);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Money m && currency.equals(m.currency) && amount.compareTo(m.amount) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * currency.hashCode() + amount.stripTrailingZeros().hashCode();
    }

    /** @return the exact amount without trailing zeros and the currency code, for example {@code "607.17 EUR"} */
    @Override
    public String toString() {
        return (amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString()) + " "
                + currency.getCurrencyCode();
    }
}
