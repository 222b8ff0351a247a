package dev.billing.core;

import java.util.Collections;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A report's amounts converted into one currency: each line item at the rate for its own charge day, the exact
 * products summed exactly (never rounded here), with every rate row used.
 *
 * @param currency the reporting currency
 * @param domain the domain's converted total (one entry, none without cost) and series (one point per bucket)
 * @param projects each project of the report and its converted summary
 * @param rows the grouped rows converted, one per bucket and group-by values, sorted as the report's rows
 * @param rates every rate row used, sorted by from currency, then date
 */
public record ConvertedCosts(Currency currency, CostSummary domain, Map<ProjectId, CostSummary> projects,
                             List<CostRow> rows, List<ExchangeRate> rates) {

    /** Validates presence and copies the collections. */
    public ConvertedCosts {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(domain, "domain");
        projects = Collections.unmodifiableMap(new TreeMap<>(projects));
        rows = List.copyOf(rows);
        rates = List.copyOf(rates);
    }

    /** @return the domain's converted total, zero when there is no cost */
    public Money total() {
        return domain.total(currency);
    }

    /**
     * @param project a project id of the report
     * @return that project's converted summary
     * @throws InvalidRequestException when the project is not in the report
     */
    public CostSummary project(ProjectId project) {
        CostSummary summary = projects.get(Objects.requireNonNull(project, "project"));
        if (summary == null) {
            throw new InvalidRequestException("project '" + project + "' is not in this report");
        }
        return summary;
    }

    /**
     * @param project a project id of the report, as text
     * @return {@link #project(ProjectId) project(ProjectId.of(project))}
     * @throws InvalidRequestException when the id is malformed or the project is not in the report
     */
    public CostSummary project(String project) {
        return project(ProjectId.of(project));
    }
}
