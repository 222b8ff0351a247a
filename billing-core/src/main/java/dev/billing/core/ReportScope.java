package dev.billing.core;

import dev.billing.core.internal.Allocator;
import dev.billing.core.internal.CostCube;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one report covers, and the one way a report is put together from its cube: live reports
 * ({@link CostAggregator}) and reports from a store ({@link CostSync}) alike.
 *
 * <p>With an {@link Allocation} (a report that does not ask for raw costs), the cube holds the cells of the
 * {@linkplain Allocator#innerQuery() allocator's query} over every registered account (routed as they arrive in a
 * live report, as they are read from a store's cells otherwise), and the report is summed from them once
 * allocated: a separate step, the same for every path.
 *
 * @param query the query asked, reading tags with its own aliases or else the {@link Billing}'s
 * @param fetched the query whose cells are aggregated into the cube
 * @param accounts the service accounts in scope, in registration order
 * @param projects their projects, in registration order (a project whose accounts all fail still has a summary)
 * @param allocator the allocation step, or null when nothing is allocated
 */
record ReportScope(CostQuery query, CostQuery fetched, List<ServiceAccount> accounts, Set<ProjectId> projects,
                   Allocator allocator) {

    /**
     * @param asked the query asked
     * @param defaults the tag aliases a query that names none reads with
     * @param registry where the accounts in scope come from
     * @return the scope
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     */
    static ReportScope of(CostQuery asked, TagAliases defaults, ServiceAccountRegistry registry) {
        return of(asked, defaults, registry, Allocation.NONE);
    }

    /**
     * @param asked the query asked
     * @param defaults the tag aliases a query that names none reads with
     * @param registry where the accounts in scope come from
     * @param allocation the allocation to apply unless the query asks for raw costs
     * @return the scope: every registered account when there is something to allocate
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     *     (nor, for a project, named by the allocation)
     */
    static ReportScope of(CostQuery asked, TagAliases defaults, ServiceAccountRegistry registry,
                          Allocation allocation) {
        CostQuery query = withAliases(asked, defaults);
        Allocator allocator = allocation.isEmpty() || query.rawCosts() ? null : Allocator.of(allocation,
                query.fetched(), registry.list().stream().map(ServiceAccount::project).toList());
        CostQuery fetched = allocator == null ? query.fetched() : withAliases(allocator.innerQuery(), defaults);
        List<ServiceAccount> accounts = registry.inScope(fetched);
        Set<ProjectId> projects = new LinkedHashSet<>();
        accounts.forEach(a -> projects.add(a.project()));
        return new ReportScope(query, fetched, accounts, projects, allocator);
    }

    /**
     * @return whether the cube is read by a tag only because the allocation reads one (a store that cannot report
     *     by tag then refuses the allocation, not the query)
     */
    boolean tagsReadForAllocation() {
        return allocator != null && fetched.readsTags() && !query.readsTags();
    }

    /**
     * @return the query reading tags with its own aliases, or else with {@code defaults} (the query itself when it
     *     reads no tag, so that a report carries the query asked)
     */
    static CostQuery withAliases(CostQuery query, TagAliases defaults) {
        return query.tagAliases().isPresent() || defaults.equals(TagAliases.NONE) || !query.readsTags() ? query
                : query.toBuilder().tagAliases(defaults).build();
    }

    /**
     * @return an empty cube for {@link #fetched()}: the query's (daily, when it converts), or the allocator's
     *     ({@link Allocator#newCube()})
     */
    CostCube cube() {
        CostQuery fetched = fetched();
        return allocator != null ? allocator.newCube() : new CostCube(fetched.granularity(), fetched.groupBy());
    }

    /**
     * @param cube the cells of {@link #fetched()} of every account with data
     * @param coverage every account's coverage, in registration order
     * @return the report, allocated when there is an allocator, converted when the query converts
     * @throws MissingExchangeRateException when the query converts and a line item's day has no rate
     */
    CostReport report(CostCube cube, List<AccountCoverage> coverage) {
        return ReportConversion.finish(allocator == null ? cube.toReport(fetched, projects, coverage)
                : allocator.allocate(cube, coverage), query);
    }
}
