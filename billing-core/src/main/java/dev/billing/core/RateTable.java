package dev.billing.core;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A fixed table of rates: per pair, the rows by date. */
final class RateTable implements ExchangeRates {
    private final Map<List<Currency>, NavigableMap<LocalDate, ExchangeRate>> pairs;

    private RateTable(Map<List<Currency>, NavigableMap<LocalDate, ExchangeRate>> pairs) {
        this.pairs = pairs;
    }

    static RateTable of(Collection<ExchangeRate> rows) {
        Map<List<Currency>, NavigableMap<LocalDate, ExchangeRate>> pairs = new HashMap<>();
        for (ExchangeRate r : rows) {
            ExchangeRate before = pairs.computeIfAbsent(List.of(r.from(), r.to()), k -> new TreeMap<>())
                    .putIfAbsent(r.date(), r);
            if (before != null && before.rate().compareTo(r.rate()) != 0) {
                throw new IllegalArgumentException(r.source() + ": a second " + r.from() + " to " + r.to() + " rate for "
                        + r.date() + " (" + r.rate().toPlainString() + "; " + before.source() + " gives "
                        + before.rate().toPlainString() + ")");
            }
        }
        return new RateTable(pairs);
    }

    @Override
    public ExchangeRate rate(Currency from, Currency to, LocalDate date) {
        NavigableMap<LocalDate, ExchangeRate> byDate = pairs.get(List.of(from, to));
        Map.Entry<LocalDate, ExchangeRate> row = byDate == null ? null : byDate.floorEntry(date);
        if (row == null) {
            throw new MissingExchangeRateException(from, to, date, byDate == null ? null : byDate.firstEntry().getValue());
        }
        return row.getValue();
    }

    @Override
    public String toString() {
        return "ExchangeRates[" + pairs.size() + " pairs]";
    }
}
