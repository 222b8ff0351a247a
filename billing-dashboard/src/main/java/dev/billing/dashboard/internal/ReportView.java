package dev.billing.dashboard.internal;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.AllocationProvenance;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ConvertedCosts;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.LocalDate;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pages and the JSON document show of a {@link CostReport}: the one place that reads coverage
 * statuses and converted totals, so that both renderers agree and a change of the core's types touches
 * only this class.
 *
 * @param period the period
 * @param granularity the granularity
 * @param metric the cost summed
 * @param domain the domain's summary
 * @param projects each project in scope, sorted by id, with its summary
 * @param groupBy the dimensions the rows are grouped by
 * @param rows the grouped rows
 * @param accounts every account in scope, in registration order
 * @param rates every conversion rate used, sorted by from then date; empty without conversion
 * @param allocation what the report's allocation did, or null for raw costs
 */
public record ReportView(BillingPeriod period, Granularity granularity, Metric metric, Summary domain,
                         Map<ProjectId, Summary> projects, List<Dimension> groupBy, List<CostRow> rows,
                         List<Account> accounts, List<Rate> rates, AllocationProvenance allocation) {

    /** Copies the collections, keeping their order. */
    public ReportView {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(domain, "domain");
        projects = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(projects));
        groupBy = List.copyOf(groupBy);
        rows = List.copyOf(rows);
        accounts = List.copyOf(accounts);
        rates = List.copyOf(rates);
    }

    /**
     * @param report a report
     * @return its view
     */
    public static ReportView of(CostReport report) {
        Optional<ConvertedCosts> converted = report.converted();
        Map<ProjectId, Summary> projects = new LinkedHashMap<>();
        report.projects().forEach((p, s) -> projects.put(p, summary(s, converted.map(c -> converted(c, c.projects().get(p))))));
        List<Rate> rates = converted.map(c -> c.rates().stream()
                .map(r -> new Rate(r.from(), r.to(), r.date(), r.rate())).toList()).orElse(List.of());
        return new ReportView(report.period(), report.granularity(), report.query().metric(),
                summary(report.domain(), converted.map(c -> converted(c, c.domain()))), projects,
                report.query().groupBy(), report.rows(), accounts(report.coverage()), rates,
                report.allocation().orElse(null));
    }

    /**
     * @param coverage accounts' coverage, as a report gives it
     * @return their lines, in the same order
     */
    public static List<Account> accounts(List<AccountCoverage> coverage) {
        return coverage.stream().map(ReportView::account).toList();
    }

    private static Summary summary(CostSummary s, Optional<Converted> converted) {
        return new Summary(s.totals(), s.series(), converted);
    }

    private static Converted converted(ConvertedCosts costs, CostSummary s) {
        return new Converted(costs.currency(), s.totals(), s.series());
    }

    /** The only reading of a coverage status. */
    private static Account account(AccountCoverage c) {
        Standing standing;
        String reason;
        if (c.status() instanceof AccountStatus.Failed failed) {
            standing = Standing.FAILED;
            reason = failed.error().getMessage() == null ? "" : failed.error().getMessage();
        } else if (c.status() instanceof AccountStatus.Partial partial) {
            return new Account(c.name(), c.provider().value(), c.project().value(), c.code().name(), Standing.PARTIAL,
                    partial.reason(), c.error(), c.asOf(), partial.missingMonths());
        } else if (c.status() instanceof AccountStatus.Pending pending) {
            standing = Standing.PENDING;
            reason = pending.reason() + "; reload the page to see them";
        } else if (c.status() instanceof AccountStatus.Stale stale) {
            standing = Standing.STALE;
            reason = "data last synced " + stale.asOf() + ", longer ago than allowed; sync it again";
        } else {
            standing = Standing.OK;
            reason = "";
        }
        return new Account(c.name(), c.provider().value(), c.project().value(), c.code().name(), standing,
                reason, c.error(), c.asOf(), List.of());
    }

    /** @return whether every account contributed all of its costs */
    public boolean complete() {
        return accounts.stream().noneMatch(a -> a.standing().missesCosts());
    }

    /**
     * @param project a project of the report
     * @return whether no account that missed costs could have sent that project costs: its own accounts, or with an
     *     allocation any account whose costs the rules and splits could route there
     */
    public boolean complete(ProjectId project) {
        return allocation == null ? accounts(project).stream().noneMatch(a -> a.standing().missesCosts())
                : !allocation.incompleteProjects().contains(project);
    }

    /**
     * @param project a project
     * @return the accounts of that project, in registration order; with an allocation, also every account that
     *     missed costs the rules and splits could have sent to the project
     */
    public List<Account> accounts(ProjectId project) {
        boolean reached = allocation != null && allocation.incompleteProjects().contains(project);
        return accounts.stream().filter(a -> a.project().equals(project.value())
                || reached && a.standing().missesCosts()).toList();
    }

    /**
     * How an account's costs stand in the report.
     */
    public enum Standing {
        /** All its costs are in. */
        OK,
        /** Its costs are in, but its data is older than allowed. */
        STALE,
        /** Some of its costs are missing. */
        PARTIAL,
        /** Its costs are missing. */
        FAILED,
        /** Its costs are missing: they are still being fetched. */
        PENDING;

        /** @return whether costs of the account are missing from the totals */
        public boolean missesCosts() {
            return this == PARTIAL || this == FAILED || this == PENDING;
        }
    }

    /**
     * One service account's line.
     *
     * @param name its name
     * @param provider its provider id
     * @param project its project
     * @param status the status code as the JSON document names it ({@code OK}, {@code FAILED}, ...)
     * @param standing how its costs stand
     * @param reason why it is not OK, for a person; empty when OK
     * @param error the failure message, or {@code null}: the JSON document's {@code "error"}
     * @param asOf when its data was fetched or last synced
     * @param missingMonths the months of the period the cost store does not hold for it (PARTIAL), else empty
     */
    public record Account(String name, String provider, String project, String status, Standing standing,
                          String reason, String error, Instant asOf, List<YearMonth> missingMonths) {
        /** Copies the months. */
        public Account {
            missingMonths = List.copyOf(missingMonths);
        }
    }

    /**
     * Totals and series, and the converted ones when the report converts.
     *
     * @param totals one per currency, sorted by currency code
     * @param series sorted by period then currency
     * @param converted the same in one currency, when converted
     */
    public record Summary(List<Money> totals, List<SeriesPoint> series, Optional<Converted> converted) {
        /** Copies the lists. */
        public Summary {
            totals = List.copyOf(totals);
            series = List.copyOf(series);
            Objects.requireNonNull(converted, "converted");
        }

        /** @return the currencies with cost, sorted by code */
        public List<Currency> currencies() {
            return totals.stream().map(Money::currency).toList();
        }
    }

    /**
     * Converted totals and series.
     *
     * @param currency the target currency
     * @param totals its total (one entry)
     * @param series sorted by period
     */
    public record Converted(Currency currency, List<Money> totals, List<SeriesPoint> series) {
        /** Copies the lists. */
        public Converted {
            Objects.requireNonNull(currency, "currency");
            totals = List.copyOf(totals);
            series = List.copyOf(series);
        }
    }

    /**
     * A conversion rate used.
     *
     * @param from the source currency
     * @param to the target currency
     * @param date the first day it applies
     * @param rate units of {@code to} per unit of {@code from}
     */
    public record Rate(Currency from, Currency to, LocalDate date, BigDecimal rate) {
    }
}
