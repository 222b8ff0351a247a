package dev.billing.core;

/** Whether a service account contributed to a report. */
public enum CoverageStatus {
    /** Its costs are in the report. */
    OK,
    /** Its costs are missing: fetching failed. The coverage entry says why. */
    FAILED,
    /** Its costs are in the report, but its data is older than allowed. */
    STALE,
    /**
     * Its costs are in the report only for some months of the period: the cost store does not hold the
     * others. The coverage entry names them; the report is not complete.
     */
    PARTIAL,
    /**
     * Its costs are missing: its fetch had not answered when the report was due (a dashboard's deadline)
     * and goes on in the background. The report is not complete.
     */
    PENDING
}
