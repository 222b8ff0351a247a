package dev.billing.dashboard;

import dev.billing.core.CostReport;
import dev.billing.dashboard.internal.ReportDocument;
import dev.billing.dashboard.internal.ReportView;
import java.util.Objects;

/**
 * The report as a JSON document: the one {@code billing report --format json} prints and the dashboard's
 * {@code /api/report} serves.
 *
 * <pre>{@code
 * {
 *   "period": {
 *     "start": "2026-01-01",
 *     "end": "2026-04-01"
 *   },
 *   "granularity": "MONTHLY",
 *   "metric": "billed",
 *   "complete": true,
 *   "domain": {
 *     "totals": [ {
 *       "currency": "USD",
 *       "amount": "1234.5678"
 *     } ],
 *     "series": [ ... ]
 *   },
 *   "projects": [ {"project": ..., "totals": ..., "series": ...} ],
 *   "rows": [ ... ],
 *   "serviceAccounts": [ {"name": ..., "provider": ..., "project": ..., "status": "OK"} ]
 * }
 * }</pre>
 *
 * <p>Every {@code amount} is a string holding the exact decimal (no rounding, no exponent, no trailing
 * zeros); {@code totals} has one entry per currency, sorted by code; {@code series} is sorted by period
 * then currency; {@code metric} is the cost summed ({@code billed}, {@code effective} or {@code list});
 * {@code rows} is present only when the query groups by some dimension; a FAILED
 * account has {@code "error"}; with {@code asOf} every other account has {@code "asOf"} (the ISO
 * instant of its data).
 */
public final class ReportJson {
    private ReportJson() {
    }

    /**
     * Writes the document, without a line break after it.
     *
     * @param report the report
     * @param asOf whether each account that did not fail carries {@code "asOf"}: pass {@code true} for a
     *     report answered from the cost store, where it is the time of the account's last sync
     * @param out where to write
     * @throws java.io.UncheckedIOException when {@code out} fails
     */
    public static void write(CostReport report, boolean asOf, Appendable out) {
        ReportDocument.write(ReportView.of(Objects.requireNonNull(report, "report")), asOf,
                Objects.requireNonNull(out, "out"));
    }

    /**
     * @param report the report
     * @param asOf whether each account that did not fail carries {@code "asOf"}
     * @return the document, without a line break after it
     */
    public static String toString(CostReport report, boolean asOf) {
        StringBuilder sb = new StringBuilder(4096);
        write(report, asOf, sb);
        return sb.toString();
    }
}
