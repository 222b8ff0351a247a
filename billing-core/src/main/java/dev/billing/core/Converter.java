package dev.billing.core;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one conversion rule: an amount of a day converts into the target currency with the rate the
 * {@link ExchangeRates} give for its pair and that day; the target currency itself converts at 1. Remembers
 * the rows used. Not thread-safe.
 */
final class Converter {
    private final Currency to;
    private final ExchangeRates rates;
    private final Map<Currency, Map<LocalDate, ExchangeRate>> looked = new HashMap<>();
    private final Set<ExchangeRate> used = new HashSet<>();

    Converter(Currency to, ExchangeRates rates) {
        this.to = to;
        this.rates = rates;
    }

    Currency currency() {
        return to;
    }

    /**
     * @param amount an amount
     * @param day the day it was charged
     * @return the exact amount in the target currency, not rounded
     * @throws MissingExchangeRateException when the rates have no row for the pair on or before that day
     */
    BigDecimal convert(Money amount, LocalDate day) {
        if (amount.currency().equals(to)) {
            return amount.amount();
        }
        ExchangeRate rate = looked.computeIfAbsent(amount.currency(), c -> new HashMap<>())
                .computeIfAbsent(day, d -> checked(rates.rate(amount.currency(), to, d), amount.currency(), d));
        used.add(rate);
        return rate.convert(amount.amount());
    }

    private ExchangeRate checked(ExchangeRate rate, Currency from, LocalDate day) {
        if (rate == null || !rate.from().equals(from) || !rate.to().equals(to) || rate.date().isAfter(day)) {
            throw new IllegalStateException("the exchange rates " + rates.getClass().getName() + " answered " + rate
                    + " for " + from + " to " + to + " on " + day);
        }
        return rate;
    }

    /** @return every row used, sorted by from currency, then date */
    List<ExchangeRate> used() {
        List<ExchangeRate> out = new ArrayList<>(used);
        out.sort(Comparator.comparing((ExchangeRate r) -> r.from().getCurrencyCode()).thenComparing(ExchangeRate::date));
        return out;
    }
}
