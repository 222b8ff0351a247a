package dev.billing.core;

import java.util.List;
import java.util.Objects;

/**
 * The anomalies of a period, from one DAILY report of the period and the 14 days before it.
 *
 * @param period the period judged
 * @param anomalies the anomalies, sorted by day, project, service (a project's own series first), currency
 * @param coverage every service account read, as the report gave it
 */
public record AnomalyReport(BillingPeriod period, List<Anomaly> anomalies, List<AccountCoverage> coverage) {

    /** Validates presence and copies the lists. */
    public AnomalyReport {
        Objects.requireNonNull(period, "period");
        anomalies = List.copyOf(anomalies);
        coverage = List.copyOf(coverage);
    }

    /** @return whether every service account contributed whole: none FAILED, PENDING or PARTIAL */
    public boolean isComplete() {
        return AccountCoverage.complete(coverage);
    }

    /**
     * @param project a project
     * @return that project's anomalies (its own series and its services'), in order
     */
    public List<Anomaly> anomalies(ProjectId project) {
        return anomalies.stream().filter(a -> a.series().project().equals(project)).toList();
    }
}
