package dev.billing.dashboard;

import dev.billing.core.Anomaly;
import dev.billing.core.AnomalyReport;
import dev.billing.dashboard.internal.JsonWriter;
import dev.billing.dashboard.internal.ReportDocument;
import dev.billing.dashboard.internal.ReportView;
import java.util.Objects;

/**
 * Anomalies as a JSON document: the one {@code billing anomalies --format json} prints.
 *
 * <pre>{@code
 * {
 *   "period": {"start": "2026-02-01", "end": "2026-03-01"},
 *   "metric": "billed",
 *   "complete": true,
 *   "anomalies": [ {
 *     "day": "2026-02-14", "project": "project-web", "service": "AmazonEC2", "currency": "USD",
 *     "cost": "412.5", "baseline": "101.25", "spread": "7.413",
 *     "drivers": [ {"dimension": "region", "value": "us-east-1", "cost": "300", "baseline": "0"} ]
 *   } ],
 *   "serviceAccounts": [ ...as in the report document... ]
 * }
 * }</pre>
 *
 * <p>A project's own series has no {@code "service"}. {@code cost}, {@code baseline} and {@code spread} are exact
 * decimal strings (no rounding, no exponent, no trailing zeros).
 */
public final class AnomalyJson {
    private AnomalyJson() {
    }

    /**
     * Writes the document, without a line break after it.
     *
     * @param report the anomalies
     * @param metric the metric the series were read in, such as {@code billed}
     * @param asOf whether each account that did not fail carries {@code "asOf"}: pass {@code true} for anomalies
     *     read from the cost store
     * @param out where to write
     * @throws java.io.UncheckedIOException when {@code out} fails
     */
    public static void write(AnomalyReport report, String metric, boolean asOf, Appendable out) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(metric, "metric");
        JsonWriter g = new JsonWriter(Objects.requireNonNull(out, "out"));
        g.startObject();
        g.name("period").startObject()
                .field("start", report.period().start().toString())
                .field("end", report.period().end().toString())
                .endObject();
        g.field("metric", metric);
        g.name("complete").value(report.isComplete());
        g.name("anomalies").startArray();
        for (Anomaly a : report.anomalies()) {
            g.startObject();
            g.field("day", a.day().toString());
            g.field("project", a.series().project().value());
            a.series().serviceName().ifPresent(s -> g.field("service", s));
            g.field("currency", a.series().currency().getCurrencyCode());
            g.field("cost", ReportDocument.exact(a.cost()));
            g.field("baseline", ReportDocument.exact(a.baseline()));
            g.field("spread", ReportDocument.exact(a.spread()));
            g.name("drivers").startArray();
            for (Anomaly.Driver d : a.drivers()) {
                g.startObject();
                g.field("dimension", d.dimension().key());
                g.field("value", d.value());
                g.field("cost", ReportDocument.exact(d.cost()));
                g.field("baseline", ReportDocument.exact(d.baseline()));
                g.endObject();
            }
            g.endArray();
            g.endObject();
        }
        g.endArray();
        ReportDocument.serviceAccounts(g, ReportView.accounts(report.coverage()), asOf);
        g.endObject();
    }
}
