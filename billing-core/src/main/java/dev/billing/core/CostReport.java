package dev.billing.core;

import java.util.Collections;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The answer to a {@link CostQuery}: the domain's totals and series, each project's, the grouped
 * rows, and the coverage of every service account that should have contributed.
 *
 * <p>A report is never silently short: when an account's fetch failed its costs are missing, its
 * coverage entry says why, and {@link #isComplete()} is {@code false}.
 */
public final class CostReport {
    private final CostQuery query;
    private final CostSummary domain;
    private final Map<ProjectId, CostSummary> projects;
    private final List<CostRow> rows;
    private final List<AccountCoverage> coverage;
    private final ConvertedCosts converted;
    private final AllocationProvenance allocation;

    /**
     * @param query the query answered
     * @param domain the sum over every account in scope
     * @param projects each project in scope and its summary
     * @param rows the grouped rows, sorted by period, keys, then currency; empty without group-by
     * @param coverage every account in scope, in registration order
     */
    public CostReport(CostQuery query, CostSummary domain, Map<ProjectId, CostSummary> projects,
                      List<CostRow> rows, List<AccountCoverage> coverage) {
        this(query, domain, projects, rows, coverage, null);
    }

    /**
     * @param query the query answered
     * @param domain the sum over every account in scope
     * @param projects each project in scope and its summary
     * @param rows the grouped rows, sorted by period, keys, then currency; empty without group-by
     * @param coverage every account in scope, in registration order
     * @param converted the amounts converted into the query's reporting currency, or {@code null} when the
     *     query converts nothing
     */
    public CostReport(CostQuery query, CostSummary domain, Map<ProjectId, CostSummary> projects,
                      List<CostRow> rows, List<AccountCoverage> coverage, ConvertedCosts converted) {
        this.query = Objects.requireNonNull(query, "query");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.projects = Collections.unmodifiableMap(new TreeMap<>(projects));
        this.rows = List.copyOf(rows);
        this.coverage = List.copyOf(coverage);
        this.converted = converted;
        this.allocation = null;
    }

    private CostReport(CostReport report, AllocationProvenance allocation) {
        this.query = report.query;
        this.domain = report.domain;
        this.projects = report.projects;
        this.rows = report.rows;
        this.coverage = report.coverage;
        this.converted = report.converted;
        this.allocation = allocation;
    }

    /**
     * @param allocation what the allocation the report was made with did, or null for none
     * @return this report carrying that provenance
     */
    public CostReport withAllocation(AllocationProvenance allocation) {
        return new CostReport(this, allocation);
    }

    /**
     * @return what the {@link Allocation} this report was made with did (fingerprint, what moved, which projects
     *     a failed account could have reached); empty for a report of raw costs or without an allocation
     */
    public Optional<AllocationProvenance> allocation() {
        return Optional.ofNullable(allocation);
    }

    /** @return the query this report answers */
    public CostQuery query() {
        return query;
    }

    /** @return the period */
    public BillingPeriod period() {
        return query.period();
    }

    /** @return the granularity of the series and rows */
    public Granularity granularity() {
        return query.granularity();
    }

    /** @return the domain's totals and series: the sum over every account in scope */
    public CostSummary domain() {
        return domain;
    }

    /** @return the domain's totals, one per currency, sorted by currency code */
    public List<Money> totals() {
        return domain.totals();
    }

    /**
     * @param currency a currency
     * @return the domain total in that currency, zero when there is none
     */
    public Money total(Currency currency) {
        return domain.total(currency);
    }

    /**
     * @return every project that has at least one account in scope, sorted by id, with its
     *     summary (empty when it has no cost)
     */
    public Map<ProjectId, CostSummary> projects() {
        return projects;
    }

    /**
     * @param project a project id
     * @return that project's summary (empty when it has no cost)
     * @throws InvalidRequestException naming the report's projects when the project is not in the report
     */
    public CostSummary project(String project) {
        CostSummary summary = projects.get(ProjectId.of(project));
        if (summary == null) {
            throw new InvalidRequestException("project '" + project + "' is not in this report; its projects: "
                    + (projects.isEmpty() ? "none" : projects.keySet().stream().map(ProjectId::value)
                    .collect(Collectors.joining(", "))));
        }
        return summary;
    }

    /**
     * @param project a project id of this report
     * @return the coverage of that project's service accounts, in registration order; with an {@linkplain
     *     #allocation() allocation}, also of every account that did not contribute whole and whose costs could have
     *     reached the project
     * @throws InvalidRequestException when the project is not in the report
     */
    public List<AccountCoverage> coverage(String project) {
        project(project);
        ProjectId id = ProjectId.of(project);
        boolean reached = allocation != null && allocation.incompleteProjects().contains(id);
        return coverage.stream().filter(c -> c.project().equals(id)
                || reached && (!c.status().contributed() || c.code() == CoverageStatus.PARTIAL)).toList();
    }

    /**
     * @param project a project id of this report
     * @return whether every service account of that project contributed whole, as {@link #isComplete()} asks of
     *     all; with an {@linkplain #allocation() allocation}, whether no account that did not contribute whole
     *     could have sent it costs
     * @throws InvalidRequestException when the project is not in the report
     */
    public boolean isComplete(String project) {
        if (allocation != null) {
            project(project);
            return !allocation.incompleteProjects().contains(ProjectId.of(project));
        }
        return AccountCoverage.complete(coverage(project));
    }

    /** @return the grouped rows, sorted by period, keys, then currency; empty without group-by */
    public List<CostRow> rows() {
        return rows;
    }

    /**
     * @return the amounts converted into the reporting currency of a query built with
     *     {@link CostQuery.Builder#convertTo}, with the rates used; empty otherwise
     */
    public Optional<ConvertedCosts> converted() {
        return Optional.ofNullable(converted);
    }

    /** @return every service account in scope, in registration order, with its status */
    public List<AccountCoverage> coverage() {
        return coverage;
    }

    /** @return whether every account in scope contributed whole: no account FAILED, PENDING or PARTIAL */
    public boolean isComplete() {
        return AccountCoverage.complete(coverage);
    }

    @Override
    public String toString() {
        long failed = coverage.stream().filter(c -> c.code() == CoverageStatus.FAILED).count();
        return "CostReport[period=" + period() + ", totals=" + totals() + ", projects=" + projects.size()
                + ", rows=" + rows.size() + ", accounts=" + coverage.size() + ", failed=" + failed + "]";
    }
}
