package dev.billing.dashboard;

import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;

/**
 * Where {@link DashboardHandler} gets its reports: {@code billing.costs()::report} for live costs, or
 * {@code costSync::report} for the cost store.
 */
@FunctionalInterface
public interface ReportSource {
    /**
     * @param query what to report
     * @return the report, with coverage of every account in scope
     * @throws dev.billing.core.BillingException when the report cannot be produced; an
     *     {@link dev.billing.core.InvalidRequestException} is answered with 400
     */
    CostReport report(CostQuery query);
}
