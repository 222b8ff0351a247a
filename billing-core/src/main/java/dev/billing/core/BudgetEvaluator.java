package dev.billing.core;

import dev.billing.core.spi.BudgetAlertLog;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates budgets for a month: spent, forecast, percent and the thresholds crossed, from one DAILY report of
 * the month's costs (live, or from the cost store), and tells a {@link BudgetListener} about each crossing once.
 *
 * <p><b>Spent</b> is the exact sum of the month's line items in the budget's scope (of the evaluator's
 * {@link Metric}, billed by default), in the budget's currency:
 * a line item in another currency converts at the rate for its own day (see {@link ExchangeRates}); without
 * rates, such a line item is an error. <b>Forecast</b> is the month's daily run rate so far times the days of
 * the month: {@code spent × daysInMonth ÷ daysWithData}, where {@code daysWithData} counts the days of the
 * month with at least one line item in the scope, computed exactly and rounded once, HALF_EVEN, to the
 * currency's digits + 2 (USD: 4 decimals, KRW: 2); a month with no data yet forecasts zero and says so.
 * <b>Percent</b> is {@code spent × 100 ÷ amount}, rounded HALF_EVEN to 2 decimals. A threshold of p % is
 * crossed when the spend (or, for a forecast threshold, the forecast) is at least {@code amount × p ÷ 100}.
 *
 * <pre>{@code
 * BudgetEvaluator budgets = BudgetEvaluator.builder().listener(alert -> System.out.println(alert)).build();
 * BudgetReport december = budgets.evaluate(List.of(web), YearMonth.of(2026, 12), billing.costs()::report);
 * }</pre>
 *
 * <p>Thread-safe when its rates, log and listener are.
 */
public final class BudgetEvaluator {
    private static final Logger log = LoggerFactory.getLogger(BudgetEvaluator.class);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final ExchangeRates rates;
    private final BudgetAlertLog alerts;
    private final BudgetListener listener;
    private final Metric metric;

    private BudgetEvaluator(Builder b) {
        this.metric = b.metric;
        this.rates = b.rates;
        this.alerts = b.alerts;
        this.listener = b.listener;
    }

    /** @return a builder: no exchange rates, an in-memory alert log, no listener */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param budgets the budgets, with unique names
     * @param month the month
     * @param costs where the month's costs come from: {@code billing.costs()::report} (live) or
     *     {@code costSync::report} (the cost store); asked once, for the month at DAILY granularity
     * @return each budget's status
     * @throws InvalidRequestException when two budgets share a name, a scope names a project or service
     *     account that is not registered, or a line item is in another currency than its budget and no rates
     *     convert it; then no budget alerts (alerts come after every budget is evaluated) ({@link MissingExchangeRateException} when rates are given but lack the pair or day)
     * @throws BillingException when the costs cannot be read, or the alert log fails
     */
    public BudgetReport evaluate(List<Budget> budgets, YearMonth month, Function<CostQuery, CostReport> costs) {
        Objects.requireNonNull(month, "month");
        Set<String> names = new HashSet<>();
        List<Dimension> groupBy = new ArrayList<>();
        for (Budget b : budgets) {
            if (!names.add(b.name())) {
                throw new InvalidRequestException("two budgets are named '" + b.name() + "'");
            }
            Dimension d = b.scope() instanceof Budget.Scope.ServiceAccount ? Dimension.SERVICE_ACCOUNT
                    : b.scope() instanceof Budget.Scope.Tag t ? t.tag() : null;
            if (d != null && !groupBy.contains(d)) {
                groupBy.add(d);
            }
        }
        CostQuery.Builder query = CostQuery.builder(BillingPeriod.month(month)).granularity(Granularity.DAILY)
                .metric(metric).groupBy(groupBy.toArray(Dimension[]::new));
        CostReport report = costs.apply(query.build());
        List<BudgetStatus> out = new ArrayList<>(budgets.size());
        Map<String, ExchangeRate> used = new TreeMap<>();
        for (Budget b : budgets) {
            Converter converter = new Converter(b.amount().currency(), rates(b));
            BudgetStatus status = status(b, month, report, converter);
            out.add(status);
            converter.used().forEach(r -> used.put(r.from() + " " + r.date() + " " + r.to(), r));
        }
        // only once every budget is evaluated: a budget that cannot be (an error above) stops all alerts
        out.forEach(this::alert);
        return new BudgetReport(month, out, report.coverage(), List.copyOf(used.values()));
    }

    private ExchangeRates rates(Budget b) {
        if (rates != null) {
            return rates;
        }
        return (from, to, date) -> {
            throw new InvalidRequestException("budget '" + b.name() + "' is in " + to + " but its scope has costs in "
                    + from + " (on " + date + "); give the evaluator exchange rates to convert them"
                    + " (BudgetEvaluator.Builder.rates)");
        };
    }

    private static BudgetStatus status(Budget b, YearMonth month, CostReport report, Converter converter) {
        List<SeriesPoint> points;
        List<AccountCoverage> coverage;
        if (b.scope() instanceof Budget.Scope.Project p) {
            if (!report.projects().containsKey(p.project())) {
                throw new InvalidRequestException("budget '" + b.name() + "': no service account is registered for"
                        + " project '" + p.project().value() + "'");
            }
            points = report.projects().get(p.project()).series();
            coverage = report.coverage(p.project().value());
        } else if (b.scope() instanceof Budget.Scope.ServiceAccount a) {
            coverage = report.coverage().stream().filter(c -> c.serviceAccount().equals(a.serviceAccount())).toList();
            if (coverage.isEmpty()) {
                throw new InvalidRequestException("budget '" + b.name() + "': no service account named '"
                        + a.serviceAccount().value() + "' is registered");
            }
            points = points(report, Dimension.SERVICE_ACCOUNT, a.serviceAccount().value());
        } else if (b.scope() instanceof Budget.Scope.Tag t) {
            points = points(report, t.tag(), t.value());
            coverage = report.coverage();
        } else {
            points = report.domain().series();
            coverage = report.coverage();
        }
        BigDecimal spent = BigDecimal.ZERO;
        Set<LocalDate> days = new HashSet<>();
        for (SeriesPoint p : points) {
            spent = spent.add(converter.convert(p.amount(), p.start()));
            days.add(p.start());
        }
        Currency currency = b.amount().currency();
        int digits = Math.max(currency.getDefaultFractionDigits(), 0) + 2;
        BigDecimal forecast = days.isEmpty() ? BigDecimal.ZERO.setScale(digits)
                : spent.multiply(BigDecimal.valueOf(month.lengthOfMonth()))
                        .divide(BigDecimal.valueOf(days.size()), digits, RoundingMode.HALF_EVEN);
        String note = days.isEmpty() ? "no costs in " + month + " yet: the forecast is zero" : "";
        BigDecimal limit = b.amount().amount();
        BigDecimal percent = spent.multiply(HUNDRED).divide(limit, 2, RoundingMode.HALF_EVEN);
        List<Budget.Threshold> crossed = new ArrayList<>();
        for (Budget.Threshold t : b.thresholds()) {
            if (t.reachedBy(t.forecast() ? forecast : spent, limit)) {
                crossed.add(t);
            }
        }
        boolean complete = AccountCoverage.complete(coverage);
        return new BudgetStatus(b, month, new Money(spent, currency), new Money(forecast, currency), days.size(), note,
                percent, crossed, complete);
    }

    /** @return the rows whose value of {@code d} is {@code value}, as series points (one per day and currency) */
    private static List<SeriesPoint> points(CostReport report, Dimension d, String value) {
        List<SeriesPoint> points = new ArrayList<>();
        for (CostRow row : report.rows()) {
            if (value.equals(row.keys().get(d))) {
                points.add(new SeriesPoint(row.start(), row.period(), row.amount()));
            }
        }
        return points;
    }

    private void alert(BudgetStatus status) {
        for (Budget.Threshold t : status.crossed()) {
            if (alerts.firstAlert(status.budget().name(), status.month(), t)) {
                try {
                    listener.crossed(new BudgetListener.Alert(status, t));
                } catch (RuntimeException e) {
                    log.warn("budget listener {} failed on {} {} {}: {}", listener.getClass().getName(),
                            status.budget().name(), status.month(), t, e.toString());
                }
            }
        }
    }

    /** Builds a {@link BudgetEvaluator}. */
    public static final class Builder {
        private ExchangeRates rates;
        private BudgetAlertLog alerts = BudgetAlertLog.inMemory();
        private BudgetListener listener = BudgetListener.NONE;
        private Metric metric = Metric.BILLED;

        private Builder() {
        }

        /**
         * @param metric the cost budgets count: {@link Metric#BILLED} (the default), effective or list
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * @param rates converts spend in other currencies into each budget's currency (default: none, and such
         *     spend is an error)
         * @return this builder
         */
        public Builder rates(ExchangeRates rates) {
            this.rates = Objects.requireNonNull(rates, "rates");
            return this;
        }

        /**
         * @param alerts remembers which thresholds alerted (default: in this evaluator's memory); pass
         *     {@code costStore.budgetAlerts()} to remember across restarts and instances
         * @return this builder
         */
        public Builder alerts(BudgetAlertLog alerts) {
            this.alerts = Objects.requireNonNull(alerts, "alerts");
            return this;
        }

        /**
         * @param listener hears each first crossing (default: none)
         * @return this builder
         */
        public Builder listener(BudgetListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @return the evaluator */
        public BudgetEvaluator build() {
            return new BudgetEvaluator(this);
        }
    }
}
