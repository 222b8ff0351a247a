package dev.billing.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What to report: a period, a granularity, the {@link Metric} to sum, filters on any {@link Dimension} (tags
 * included), the dimensions to group rows by and, optionally, a currency to convert every amount into.
 *
 * <pre>{@code
 * CostQuery query = CostQuery.builder(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)))
 *         .granularity(Granularity.MONTHLY)
 *         .metric(Metric.EFFECTIVE)
 *         .filter(Dimension.PROJECT, "project-web")
 *         .groupBy(Dimension.SERVICE, Dimension.tag("team"))
 *         .build();
 * }</pre>
 */
public final class CostQuery {
    private final BillingPeriod period;
    private final Granularity granularity;
    private final Map<Dimension, Set<String>> filters;
    private final List<Dimension> groupBy;
    private final Conversion conversion;
    private final Metric metric;
    private final TagAliases tagAliases;
    private final boolean rawCosts;

    private CostQuery(Builder b) {
        this.period = b.period;
        this.granularity = b.granularity;
        Map<Dimension, Set<String>> copy = new LinkedHashMap<>();
        b.filters.forEach((d, values) -> copy.put(d, Collections.unmodifiableSet(new LinkedHashSet<>(values))));
        this.filters = Collections.unmodifiableMap(copy);
        this.groupBy = List.copyOf(b.groupBy);
        this.conversion = b.conversion;
        this.metric = b.metric;
        this.tagAliases = b.tagAliases;
        this.rawCosts = b.rawCosts;
    }

    /**
     * @param period the period to report
     * @return a builder; granularity MONTHLY, no filter, no group-by
     */
    public static Builder builder(BillingPeriod period) {
        return new Builder(period);
    }

    /**
     * @param period the period to report
     * @return the query for the whole domain at MONTHLY granularity
     */
    public static CostQuery of(BillingPeriod period) {
        return builder(period).build();
    }

    /** @return the period */
    public BillingPeriod period() {
        return period;
    }

    /** @return the granularity of the series and rows */
    public Granularity granularity() {
        return granularity;
    }

    /** @return the filters: a record passes when, for every dimension here, its value is one of the given ones */
    public Map<Dimension, Set<String>> filters() {
        return filters;
    }

    /** @return the dimensions rows are grouped by, in order; empty for no rows */
    public List<Dimension> groupBy() {
        return groupBy;
    }

    /** @return the cost every amount of the report is: billed (the default), effective or list */
    public Metric metric() {
        return metric;
    }

    /**
     * @return whether the report shows raw costs: each line item in its service account's project, the
     *     {@link Allocation} of the {@link Billing} that runs the query not applied
     */
    public boolean rawCosts() {
        return rawCosts;
    }

    /**
     * @return the tag aliases the query reads tags with, when it sets its own; empty when it takes those of the
     *     {@link Billing} that runs it ({@link Billing.Builder#tagAliases}), or none outside one
     */
    public Optional<TagAliases> tagAliases() {
        return Optional.ofNullable(tagAliases);
    }

    /**
     * @param dimension a dimension
     * @param record a line item
     * @return the record's value of that dimension, a tag read through the query's {@linkplain #tagAliases()
     *     aliases}
     */
    public String valueOf(Dimension dimension, CostRecord record) {
        if (tagAliases != null && dimension instanceof Dimension.Tag t) {
            return tagAliases.valueOf(record.tags(), t.tagKey());
        }
        return dimension.valueOf(record);
    }

    /** @return whether the query filters or groups by a tag */
    public boolean readsTags() {
        return groupBy.stream().anyMatch(Dimension.Tag.class::isInstance)
                || filters.keySet().stream().anyMatch(Dimension.Tag.class::isInstance);
    }

    /**
     * @return the currency every amount is also converted into, and the rates to use; empty when the report
     *     keeps one total per currency only
     */
    public Optional<Conversion> conversion() {
        return Optional.ofNullable(conversion);
    }

    /**
     * @return the query the costs are read with: this one, or, when converting, the same at DAILY granularity
     *     without conversion (each line item converts at its own day's rate)
     */
    CostQuery fetched() {
        if (conversion == null) {
            return this;
        }
        Builder b = toBuilder().granularity(Granularity.DAILY);
        b.conversion = null;
        return b.build();
    }

    /**
     * @param dimension a dimension
     * @param value a value
     * @return whether the filters let that value through on that dimension
     */
    public boolean accepts(Dimension dimension, String value) {
        return dimension.passes(filters, value);
    }

    /**
     * @param record a line item
     * @return whether the record lies in the period and passes every filter
     */
    public boolean accepts(CostRecord record) {
        if (!period.contains(record.chargeDate())) {
            return false;
        }
        for (Dimension d : filters.keySet()) {
            if (!accepts(d, valueOf(d, record))) {
                return false;
            }
        }
        return true;
    }

    /** @return a builder holding this query's settings */
    public Builder toBuilder() {
        Builder b = new Builder(period).granularity(granularity).groupBy(groupBy.toArray(Dimension[]::new));
        filters.forEach((d, values) -> b.filter(d, values.toArray(String[]::new)));
        b.conversion = conversion;
        b.metric = metric;
        b.tagAliases = tagAliases;
        b.rawCosts = rawCosts;
        return b;
    }

    @Override
    public String toString() {
        return "CostQuery[period=" + period + ", granularity=" + granularity + ", metric=" + metric.key()
                + ", filters=" + filters + ", groupBy=" + groupBy
                + (conversion == null ? "" : ", convertTo=" + conversion.currency())
                + (rawCosts ? ", rawCosts" : "") + "]";
    }

    /**
     * A reporting currency and the rates that convert into it.
     *
     * @param currency the currency every amount is converted into
     * @param rates the exchange rates
     */
    public record Conversion(Currency currency, ExchangeRates rates) {
        /** Validates presence. */
        public Conversion {
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(rates, "rates");
        }
    }

    /** Builds a {@link CostQuery}. */
    public static final class Builder {
        private final BillingPeriod period;
        private Granularity granularity = Granularity.MONTHLY;
        private final Map<Dimension, Set<String>> filters = new LinkedHashMap<>();
        private final List<Dimension> groupBy = new ArrayList<>();
        private Conversion conversion;
        private Metric metric = Metric.BILLED;
        private TagAliases tagAliases;
        private boolean rawCosts;

        private Builder(BillingPeriod period) {
            this.period = Objects.requireNonNull(period, "period");
        }

        /**
         * @param granularity DAILY, MONTHLY (the default) or YEARLY
         * @return this builder
         */
        public Builder granularity(Granularity granularity) {
            this.granularity = Objects.requireNonNull(granularity, "granularity");
            return this;
        }

        /**
         * @param metric the cost to sum: {@link Metric#BILLED} (the default), {@link Metric#EFFECTIVE} or
         *     {@link Metric#LIST}. An account whose provider does not give it is FAILED in the report's coverage.
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * @param raw true to report raw costs: each line item in its service account's project, without the
         *     {@link Allocation} of the {@link Billing} that runs the query (false by default)
         * @return this builder
         */
        public Builder rawCosts(boolean raw) {
            this.rawCosts = raw;
            return this;
        }

        /**
         * @param tagAliases the tag aliases to read tags with, instead of those of the {@link Billing} that runs
         *     the query ({@link TagAliases#NONE} to compare keys exactly)
         * @return this builder
         */
        public Builder tagAliases(TagAliases tagAliases) {
            this.tagAliases = Objects.requireNonNull(tagAliases, "tagAliases");
            return this;
        }

        /**
         * Keeps only records whose value on {@code dimension} is one of {@code values} ({@code ""} for a tag:
         * the line items without it). Calling it again for the same dimension adds values.
         *
         * @param dimension the dimension
         * @param values the accepted values
         * @return this builder
         * @throws IllegalArgumentException when no value is given
         */
        public Builder filter(Dimension dimension, String... values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("filter on " + dimension.key() + " needs at least one value");
            }
            Set<String> set = filters.computeIfAbsent(Objects.requireNonNull(dimension), d -> new LinkedHashSet<>());
            for (String v : values) {
                set.add(Objects.requireNonNull(v, "filter value"));
            }
            return this;
        }

        /**
         * @param project a project id
         * @return this builder, keeping only that project (and any others given before)
         */
        public Builder project(String project) {
            return filter(Dimension.PROJECT, ProjectId.of(project).value());
        }

        /**
         * @param dimensions the dimensions rows are grouped by; replaces earlier ones
         * @return this builder
         * @throws IllegalArgumentException when a dimension repeats
         */
        public Builder groupBy(Dimension... dimensions) {
            groupBy.clear();
            for (Dimension d : dimensions) {
                if (groupBy.contains(Objects.requireNonNull(d))) {
                    throw new IllegalArgumentException("group-by dimension " + d.key() + " is given twice");
                }
                groupBy.add(d);
            }
            return this;
        }

        /**
         * Also converts the report into one currency: each line item at the rate for its own charge day, the
         * exact products summed exactly ({@link CostReport#converted()}). The per-currency totals stay as they
         * are. To know each line item's day, a converting report reads DAILY costs whatever its granularity (for
         * a live report: DAILY requests to the providers, which may take more of them).
         *
         * @param currency the reporting currency
         * @param rates the rates into it
         * @return this builder
         */
        public Builder convertTo(Currency currency, ExchangeRates rates) {
            this.conversion = new Conversion(currency, rates);
            return this;
        }

        /** @return the query */
        public CostQuery build() {
            return new CostQuery(this);
        }
    }
}
