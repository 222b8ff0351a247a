package dev.billing.dashboard.internal;

import dev.billing.core.AllocationProvenance;
import dev.billing.core.CostRow;
import dev.billing.core.Dimension;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Writes the {@code billing report --format json} document of a {@link ReportView}. */
public final class ReportDocument {
    private ReportDocument() {
    }

    /**
     * @param amount an exact amount
     * @return its exact decimal string: no exponent, no trailing zeros, {@code "0"} for zero
     */
    public static String exact(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    /**
     * @param v the report
     * @param asOf whether synced accounts carry {@code "asOf"} (a report answered from the cost store)
     * @param out where to write; no line break follows the closing brace
     */
    public static void write(ReportView v, boolean asOf, Appendable out) {
        JsonWriter g = new JsonWriter(out);
        g.startObject();
        g.name("period").startObject()
                .field("start", v.period().start().toString())
                .field("end", v.period().end().toString())
                .endObject();
        g.field("granularity", v.granularity().name());
        g.field("metric", v.metric().key());
        g.name("complete").value(v.complete());
        g.name("domain").startObject();
        summary(g, v.domain());
        g.endObject();
        g.name("projects").startArray();
        for (Map.Entry<ProjectId, ReportView.Summary> p : v.projects().entrySet()) {
            g.startObject();
            g.field("project", p.getKey().value());
            if (v.allocation() != null) {
                g.name("complete").value(v.complete(p.getKey()));
            }
            summary(g, p.getValue());
            g.endObject();
        }
        g.endArray();
        if (!v.groupBy().isEmpty()) {
            g.name("rows").startArray();
            for (CostRow row : v.rows()) {
                g.startObject();
                g.field("period", row.period());
                g.name("keys").startObject();
                for (Map.Entry<Dimension, String> k : row.keys().entrySet()) {
                    g.field(k.getKey().key(), k.getValue());
                }
                g.endObject();
                money(g, row.amount());
                g.endObject();
            }
            g.endArray();
        }
        serviceAccounts(g, v.accounts(), asOf);
        if (v.allocation() != null) {
            allocation(g, v.allocation());
        }
        if (!v.rates().isEmpty()) {
            g.name("rates").startArray();
            for (ReportView.Rate r : v.rates()) {
                g.startObject();
                g.field("from", r.from().getCurrencyCode());
                g.field("to", r.to().getCurrencyCode());
                g.field("date", r.date().toString());
                g.field("rate", exact(r.rate()));
                g.endObject();
            }
            g.endArray();
        }
        g.endObject();
    }

    /**
     * Writes {@code "serviceAccounts": [...]}, as the report document has it.
     *
     * @param g the writer, inside an object
     * @param accounts the accounts, in registration order
     * @param asOf whether synced accounts carry {@code "asOf"}
     */
    public static void serviceAccounts(JsonWriter g, List<ReportView.Account> accounts, boolean asOf) {
        g.name("serviceAccounts").startArray();
        for (ReportView.Account a : accounts) {
            g.startObject();
            g.field("name", a.name());
            g.field("provider", a.provider());
            g.field("project", a.project());
            g.field("status", a.status());
            if (a.error() != null) {
                g.field("error", a.error());
            } else if (asOf) {
                g.field("asOf", a.asOf().toString());
            }
            if (!a.missingMonths().isEmpty()) {
                g.field("error", a.reason());
                g.name("missingMonths").startArray();
                a.missingMonths().forEach(m -> g.value(m.toString()));
                g.endArray();
            }
            g.endObject();
        }
        g.endArray();
    }

    /**
     * Writes {@code "allocation": {"fingerprint": ..., "moved": [...]}}; each moved amount is the exact total as
     * {@link BigDecimal#toPlainString()} gives it (a split's shares have 10 decimal places).
     */
    private static void allocation(JsonWriter g, AllocationProvenance a) {
        g.name("allocation").startObject();
        g.field("fingerprint", a.fingerprint());
        g.name("moved").startArray();
        for (AllocationProvenance.Move m : a.moved()) {
            g.startObject();
            g.field("by", m.by());
            g.field("from", m.from().value());
            g.field("to", m.to().value());
            g.field("currency", m.currency().getCurrencyCode());
            g.field("amount", m.amount().toPlainString());
            g.endObject();
        }
        g.endArray();
        g.endObject();
    }

    private static void summary(JsonWriter g, ReportView.Summary s) {
        totalsAndSeries(g, s.totals(), s.series());
        s.converted().ifPresent(c -> {
            g.name("converted").startObject();
            g.field("currency", c.currency().getCurrencyCode());
            totalsAndSeries(g, c.totals(), c.series());
            g.endObject();
        });
    }

    private static void totalsAndSeries(JsonWriter g, java.util.List<Money> totals, java.util.List<SeriesPoint> series) {
        g.name("totals").startArray();
        for (Money m : totals) {
            g.startObject();
            money(g, m);
            g.endObject();
        }
        g.endArray();
        g.name("series").startArray();
        for (SeriesPoint p : series) {
            g.startObject();
            g.field("period", p.period());
            money(g, p.amount());
            g.endObject();
        }
        g.endArray();
    }

    private static void money(JsonWriter g, Money m) {
        g.field("currency", m.currency().getCurrencyCode());
        g.field("amount", exact(m.amount()));
    }
}
