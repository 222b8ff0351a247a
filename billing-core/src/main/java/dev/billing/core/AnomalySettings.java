package dev.billing.core;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * How sensitive anomaly detection is ({@link AnomalyDetector}): a day is an anomaly when its cost exceeds the
 * series' 14-day median by more than {@code sensitivity} × the spread, more than the currency's
 * {@code minimumIncrease} and, when the median is not zero, more than {@code minimumPercent} % of it.
 *
 * <pre>{@code
 * AnomalySettings settings = new AnomalySettings(new BigDecimal("3"), new BigDecimal("20"),
 *         Map.of(Currency.getInstance("USD"), new BigDecimal("10")), List.of("team"));
 * }</pre>
 *
 * @param sensitivity how many spreads the increase must exceed, at least 0 (default 3)
 * @param minimumPercent the percentage of the baseline the increase must exceed, at least 0 (default 20)
 * @param minimumIncrease per currency, the amount the increase must exceed, at least 0 (a currency not listed:
 *     0); sorted by currency code
 * @param tagKeys the tag keys whose values are also named as drivers, in order, each once
 */
public record AnomalySettings(BigDecimal sensitivity, BigDecimal minimumPercent,
                              Map<Currency, BigDecimal> minimumIncrease, List<String> tagKeys) {

    /** Sensitivity 3, minimum percent 20, no minimum increase, no tag keys. */
    public static final AnomalySettings DEFAULTS = new AnomalySettings(BigDecimal.valueOf(3), BigDecimal.valueOf(20),
            Map.of(), List.of());

    /**
     * Validates the settings and copies the collections.
     *
     * @throws InvalidRequestException when a number is negative, or a tag key is blank or given twice
     */
    public AnomalySettings {
        Objects.requireNonNull(sensitivity, "sensitivity");
        Objects.requireNonNull(minimumPercent, "minimumPercent");
        notNegative(sensitivity, "sensitivity");
        notNegative(minimumPercent, "minimumPercent");
        Map<Currency, BigDecimal> increases = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        minimumIncrease.forEach((currency, amount) -> {
            Objects.requireNonNull(amount, "minimumIncrease");
            notNegative(amount, "minimumIncrease " + currency);
            increases.put(Objects.requireNonNull(currency, "currency"), amount);
        });
        minimumIncrease = java.util.Collections.unmodifiableMap(increases);
        tagKeys = List.copyOf(tagKeys);
        Set<String> seen = new HashSet<>();
        for (String key : tagKeys) {
            if (key.isBlank()) {
                throw new InvalidRequestException("anomalies: a tag key must not be blank");
            }
            if (!seen.add(key)) {
                throw new InvalidRequestException("anomalies: tag key '" + key + "' is given twice");
            }
        }
    }

    private static void notNegative(BigDecimal value, String what) {
        if (value.signum() < 0) {
            throw new InvalidRequestException("anomalies: " + what + " must be at least 0, got "
                    + value.toPlainString());
        }
    }

    /**
     * @param currency a currency
     * @return the minimum increase of that currency, 0 when none is set
     */
    public BigDecimal minimumIncrease(Currency currency) {
        return minimumIncrease.getOrDefault(currency, BigDecimal.ZERO);
    }
}
