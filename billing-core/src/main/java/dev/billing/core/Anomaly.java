package dev.billing.core;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A day whose cost in one series rose far above the series' own 14-day median ({@link AnomalyDetector} states
 * the rule), with the dimension values that drove the rise.
 *
 * @param day the day (UTC)
 * @param series the series: a project, or a project's service, in one currency
 * @param cost the series' exact cost on the day
 * @param baseline the median of the series' costs on the 14 days before, exact
 * @param spread 1.4826 × the median of those 14 days' absolute deviations from {@code baseline}, exact
 * @param drivers the values that rose most, per driver dimension (see {@link AnomalyDetector})
 */
public record Anomaly(LocalDate day, Series series, BigDecimal cost, BigDecimal baseline, BigDecimal spread,
                      List<Driver> drivers) {

    /** Validates presence and copies the drivers. */
    public Anomaly {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(spread, "spread");
        drivers = List.copyOf(drivers);
    }

    /** @return {@code cost − baseline}, exact */
    public BigDecimal increase() {
        return cost.subtract(baseline);
    }

    /**
     * A daily series anomalies are judged on.
     *
     * @param project the project
     * @param service the service, or {@code null} for the whole project's series
     * @param currency the currency; currencies are never added together
     */
    public record Series(ProjectId project, String service, Currency currency) {
        /** Validates presence of the project and currency. */
        public Series {
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(currency, "currency");
        }

        /** @return the service of a (project, service) series; empty for a project's series */
        public Optional<String> serviceName() {
            return Optional.ofNullable(service);
        }

        @Override
        public String toString() {
            return project.value() + (service == null ? "" : " / " + service) + " " + currency.getCurrencyCode();
        }
    }

    /**
     * A dimension value that drove an anomaly: its cost on the day and its own 14-day median.
     *
     * @param dimension the dimension, such as {@link Dimension#REGION}
     * @param value the value, such as {@code us-east-1} ({@code ""} for line items without it)
     * @param cost the value's exact cost on the day, within the series
     * @param baseline the median of the value's costs on the 14 days before, within the series, exact
     */
    public record Driver(Dimension dimension, String value, BigDecimal cost, BigDecimal baseline) {
        /** Validates presence. */
        public Driver {
            Objects.requireNonNull(dimension, "dimension");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(baseline, "baseline");
        }

        /** @return {@code cost − baseline}, exact */
        public BigDecimal increase() {
            return cost.subtract(baseline);
        }
    }
}
