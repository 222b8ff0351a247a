package dev.billing.core;

import dev.billing.core.spi.AlertLog;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the days whose cost rose far above their series' own recent level, and says which dimension values drove
 * the rise. The rule is exact ({@code BigDecimal}, nothing rounded) and can be checked by hand.
 *
 * <p><b>Series.</b> A project's daily cost, and each (project, service)'s, per currency, read from one DAILY
 * report of the period and the 14 days before it ({@link #query(BillingPeriod)}), live or from the cost store.
 *
 * <p><b>The rule.</b> For day D of a series: {@code baseline} is the median of the series' costs on the 14 days
 * D−14 … D−1 (a day without cost counts 0; the median of the 14 is the mean of the 7th and 8th smallest), and
 * {@code spread} is 1.4826 × the median of the 14 absolute deviations {@code |cost − baseline|}. D is an anomaly
 * when {@code cost − baseline} is greater than {@code sensitivity × spread}, than the currency's
 * {@code minimumIncrease} and, when {@code baseline} is not 0, than {@code minimumPercent} % of {@code baseline}
 * ({@link AnomalySettings}). A series is judged only from the 14th day after its first day with cost in the data
 * read, so that its baseline never counts days before it existed.
 *
 * <p><b>Drivers.</b> For each driver dimension (service — except for a service's own series —, region, account,
 * subAccount, usageType, then each configured tag key) with at least two values in the series on D−14 … D, every
 * such value gets its own cost on D and its own baseline (the median of its 14 days, as above) within the
 * series; the values whose cost
 * rose ({@code cost − baseline > 0}) are ranked by that rise, largest first (ties by value), and the dimension
 * names the shortest prefix whose rises add up to at least 80 % of the series' increase, at most 5 values (all
 * the rising values, at most 5, when none reaches 80 %). Drivers are listed by dimension, in that order.
 *
 * <p><b>Alerts.</b> The {@link AnomalyListener} hears each anomaly once per (series, day), as the
 * {@link AlertLog} remembers ({@code ("anomaly", project, day, metric ":" currency [":" service])}, the metric's key such as {@code billed}): a second run,
 * or a restatement that changes the day's cost, stays quiet; the report still shows the anomaly as judged on
 * today's data.
 *
 * <pre>{@code
 * AnomalyDetector detector = AnomalyDetector.builder().listener(a -> System.out.println(a)).build();
 * AnomalyReport report = detector.detect(BillingPeriod.month(YearMonth.of(2026, 2)), billing.costs()::report);
 * }</pre>
 *
 * <p>Thread-safe when its log and listener are.
 */
public final class AnomalyDetector {
    private static final Logger log = LoggerFactory.getLogger(AnomalyDetector.class);
    /** How many days before D its baseline is taken from. */
    public static final int BASELINE_DAYS = 14;
    /** The factor that scales the median absolute deviation to a normal distribution's standard deviation. */
    public static final BigDecimal SPREAD_FACTOR = new BigDecimal("1.4826");
    /** At most this many values of one dimension are named as drivers. */
    public static final int MAX_DRIVERS = 5;
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final List<Dimension> BREAKDOWN = List.of(Dimension.SERVICE, Dimension.REGION, Dimension.ACCOUNT,
            Dimension.SUB_ACCOUNT, Dimension.USAGE_TYPE);
    private static final Comparator<Anomaly> ORDER = Comparator.comparing(Anomaly::day)
            .thenComparing(a -> a.series().project().value())
            .thenComparing(a -> a.series().service(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(a -> a.series().currency().getCurrencyCode());

    private final AnomalySettings settings;
    private final Metric metric;
    private final List<Dimension> drivers;
    private final AlertLog alerts;
    private final AnomalyListener listener;

    private AnomalyDetector(Builder b) {
        this.settings = b.settings;
        this.metric = b.metric;
        List<Dimension> dims = new ArrayList<>(BREAKDOWN);
        for (String key : settings.tagKeys()) {
            dims.add(Dimension.parse("tag:" + key));
        }
        this.drivers = List.copyOf(dims);
        this.alerts = b.alerts;
        this.listener = b.listener;
    }

    /** @return a builder: {@link AnomalySettings#DEFAULTS}, an in-memory alert log, no listener */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the settings */
    public AnomalySettings settings() {
        return settings;
    }

    /** @return the cost the series are read in */
    public Metric metric() {
        return metric;
    }

    /**
     * @param period the period to judge
     * @return the query {@link #detect} asks: DAILY, from 14 days before the period to its end, rows grouped by
     *     project and every driver dimension
     */
    public CostQuery query(BillingPeriod period) {
        List<Dimension> groupBy = new ArrayList<>();
        groupBy.add(Dimension.PROJECT);
        groupBy.addAll(drivers);
        return CostQuery.builder(BillingPeriod.of(period.start().minusDays(BASELINE_DAYS), period.end()))
                .granularity(Granularity.DAILY).metric(metric).groupBy(groupBy.toArray(Dimension[]::new)).build();
    }

    /**
     * Judges every day of the period, then tells the listener about each anomaly not alerted before.
     *
     * @param period the days to judge
     * @param costs where the costs come from: {@code billing.costs()::report} (live) or {@code costSync::report}
     *     (the cost store); asked once, with {@link #query(BillingPeriod)}
     * @return the anomalies, with the coverage of the report read
     * @throws BillingException when the costs cannot be read, or the alert log fails
     */
    public AnomalyReport detect(BillingPeriod period, Function<CostQuery, CostReport> costs) {
        Objects.requireNonNull(period, "period");
        CostReport report = costs.apply(query(period));
        List<Anomaly> found = judge(period, report);
        for (Anomaly a : found) {
            Anomaly.Series s = a.series();
            if (alerts.firstAlert("anomaly", s.project().value(), a.day(), metric.key() + ":" + s.currency().getCurrencyCode()
                    + (s.service() == null ? "" : ":" + s.service()))) {
                try {
                    listener.detected(a);
                } catch (RuntimeException e) {
                    log.warn("anomaly listener {} failed on {} {}: {}", listener.getClass().getName(), s, a.day(),
                            e.toString());
                }
            }
        }
        return new AnomalyReport(period, found, report.coverage());
    }

    private List<Anomaly> judge(BillingPeriod period, CostReport report) {
        Map<Anomaly.Series, TreeMap<LocalDate, BigDecimal>> daily = new HashMap<>();
        Map<Anomaly.Series, List<CostRow>> rows = new HashMap<>();
        for (CostRow r : report.rows()) {
            ProjectId project = ProjectId.of(r.keys().get(Dimension.PROJECT));
            Currency currency = r.amount().currency();
            for (Anomaly.Series s : List.of(new Anomaly.Series(project, null, currency),
                    new Anomaly.Series(project, r.keys().get(Dimension.SERVICE), currency))) {
                daily.computeIfAbsent(s, k -> new TreeMap<>()).merge(r.start(), r.amount().amount(), BigDecimal::add);
                rows.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
            }
        }
        List<Anomaly> found = new ArrayList<>();
        daily.forEach((series, costs) -> {
            LocalDate first = costs.firstKey().plusDays(BASELINE_DAYS);
            for (LocalDate d = first.isAfter(period.start()) ? first : period.start(); d.isBefore(period.end());
                 d = d.plusDays(1)) {
                BigDecimal[] window = new BigDecimal[BASELINE_DAYS];
                for (int i = 0; i < BASELINE_DAYS; i++) {
                    window[i] = costs.getOrDefault(d.minusDays(BASELINE_DAYS - i), BigDecimal.ZERO);
                }
                BigDecimal cost = costs.getOrDefault(d, BigDecimal.ZERO);
                BigDecimal baseline = median(window);
                BigDecimal spread = spread(window, baseline);
                if (isAnomaly(series.currency(), cost, baseline, spread)) {
                    found.add(new Anomaly(d, series, cost, baseline, spread, drivers(series, d, cost.subtract(baseline),
                            rows.get(series))));
                }
            }
        });
        found.sort(ORDER);
        return found;
    }

    private boolean isAnomaly(Currency currency, BigDecimal cost, BigDecimal baseline, BigDecimal spread) {
        BigDecimal increase = cost.subtract(baseline);
        return increase.compareTo(settings.sensitivity().multiply(spread)) > 0
                && increase.compareTo(settings.minimumIncrease(currency)) > 0
                && (baseline.signum() == 0
                || increase.compareTo(baseline.multiply(settings.minimumPercent()).divide(HUNDRED)) > 0);
    }

    private List<Anomaly.Driver> drivers(Anomaly.Series series, LocalDate day, BigDecimal increase,
                                         List<CostRow> rows) {
        LocalDate from = day.minusDays(BASELINE_DAYS);
        List<Dimension> dims = series.service() == null ? drivers
                : drivers.stream().filter(d -> d != Dimension.SERVICE).toList();
        Map<Dimension, Map<String, BigDecimal[]>> byValue = new LinkedHashMap<>();
        dims.forEach(d -> byValue.put(d, new TreeMap<>()));
        for (CostRow r : rows) {
            if (r.start().isBefore(from) || r.start().isAfter(day)) {
                continue;
            }
            int i = (int) ChronoUnit.DAYS.between(from, r.start());
            for (Dimension d : dims) {
                BigDecimal[] days = byValue.get(d).computeIfAbsent(r.keys().get(d), v -> zeros());
                days[i] = days[i].add(r.amount().amount());
            }
        }
        List<Anomaly.Driver> out = new ArrayList<>();
        byValue.forEach((d, values) -> {
            if (values.size() < 2) {
                return; // one value is the series itself: it explains nothing
            }
            List<Anomaly.Driver> rising = new ArrayList<>();
            values.forEach((value, days) -> {
                Anomaly.Driver driver = new Anomaly.Driver(d, value, days[BASELINE_DAYS],
                        median(Arrays.copyOf(days, BASELINE_DAYS)));
                if (driver.increase().signum() > 0) {
                    rising.add(driver);
                }
            });
            // largest rise first; TreeMap iteration already ordered them by value, and the sort is stable
            rising.sort(Comparator.comparing(Anomaly.Driver::increase).reversed());
            BigDecimal explained = BigDecimal.ZERO;
            for (int k = 0; k < rising.size() && k < MAX_DRIVERS; k++) {
                out.add(rising.get(k));
                explained = explained.add(rising.get(k).increase());
                // at least 80 %: explained / increase >= 4 / 5
                if (explained.multiply(BigDecimal.valueOf(5)).compareTo(increase.multiply(BigDecimal.valueOf(4))) >= 0) {
                    break;
                }
            }
        });
        return out;
    }

    private static BigDecimal[] zeros() {
        BigDecimal[] days = new BigDecimal[BASELINE_DAYS + 1];
        Arrays.fill(days, BigDecimal.ZERO);
        return days;
    }

    /** @return the median, exact: the middle value, or the mean of the two middle values of an even count */
    static BigDecimal median(BigDecimal[] values) {
        BigDecimal[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : sorted[n / 2 - 1].add(sorted[n / 2]).divide(TWO);
    }

    /** @return 1.4826 × the median of the absolute deviations from {@code baseline}, exact */
    static BigDecimal spread(BigDecimal[] values, BigDecimal baseline) {
        BigDecimal[] deviations = new BigDecimal[values.length];
        for (int i = 0; i < values.length; i++) {
            deviations[i] = values[i].subtract(baseline).abs();
        }
        return SPREAD_FACTOR.multiply(median(deviations));
    }

    /** Builds an {@link AnomalyDetector}. */
    public static final class Builder {
        private AnomalySettings settings = AnomalySettings.DEFAULTS;
        private Metric metric = Metric.BILLED;
        private AlertLog alerts = AlertLog.inMemory();
        private AnomalyListener listener = AnomalyListener.NONE;

        private Builder() {
        }

        /**
         * @param settings the sensitivity, minimums and tag keys (default {@link AnomalySettings#DEFAULTS})
         * @return this builder
         */
        public Builder settings(AnomalySettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param metric the cost the series are read in (default {@link Metric#BILLED}); an account whose provider
         *     does not give it is left out and named in the coverage
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * @param alerts remembers which anomalies alerted (default: in this detector's memory); pass
         *     {@code costStore.alerts()} to remember across restarts and instances
         * @return this builder
         */
        public Builder alerts(AlertLog alerts) {
            this.alerts = Objects.requireNonNull(alerts, "alerts");
            return this;
        }

        /**
         * @param listener hears each anomaly once per series and day (default: none)
         * @return this builder
         */
        public Builder listener(AnomalyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the detector
         * @throws InvalidRequestException when a tag key cannot be a dimension
         */
        public AnomalyDetector build() {
            return new AnomalyDetector(this);
        }
    }
}
