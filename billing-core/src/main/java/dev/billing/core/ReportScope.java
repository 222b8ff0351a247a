package dev.billing.core;

import dev.billing.core.internal.CostCube;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one report covers, and the one way a report is put together from its cube: live reports
 * ({@link CostAggregator}) and reports from a store ({@link CostSync}) alike.
 *
 * @param query the query asked, reading tags with its own aliases or else the {@link Billing}'s
 * @param accounts the service accounts in scope, in registration order
 * @param projects their projects, in registration order (a project whose accounts all fail still has a summary)
 */
record ReportScope(CostQuery query, List<ServiceAccount> accounts, Set<ProjectId> projects) {

    /**
     * @param asked the query asked
     * @param defaults the tag aliases a query that names none reads with
     * @param registry where the accounts in scope come from
     * @return the scope
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     */
    static ReportScope of(CostQuery asked, TagAliases defaults, ServiceAccountRegistry registry) {
        CostQuery query = withAliases(asked, defaults);
        List<ServiceAccount> accounts = registry.inScope(query);
        Set<ProjectId> projects = new LinkedHashSet<>();
        accounts.forEach(a -> projects.add(a.project()));
        return new ReportScope(query, accounts, projects);
    }

    /**
     * @return the query reading tags with its own aliases, or else with {@code defaults} (the query itself when it
     *     reads no tag, so that a report carries the query asked)
     */
    private static CostQuery withAliases(CostQuery query, TagAliases defaults) {
        return query.tagAliases().isPresent() || defaults.equals(TagAliases.NONE) || !query.readsTags() ? query
                : query.toBuilder().tagAliases(defaults).build();
    }

    /** @return the query whose cells are aggregated into the cube (daily, when the query converts) */
    CostQuery fetched() {
        return query.fetched();
    }

    /** @return an empty cube for {@link #fetched()} */
    CostCube cube() {
        CostQuery fetched = fetched();
        return new CostCube(fetched.granularity(), fetched.groupBy());
    }

    /**
     * @param cube the cells of {@link #fetched()} of every account with data
     * @param coverage every account's coverage, in registration order
     * @return the report, converted when the query converts
     * @throws MissingExchangeRateException when the query converts and a line item's day has no rate
     */
    CostReport report(CostCube cube, List<AccountCoverage> coverage) {
        return ReportConversion.finish(cube.toReport(fetched(), projects, coverage), query);
    }
}
