package dev.billing.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Dimension;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The CLI's JSON writer as it was before it moved to {@code billing-dashboard} (Jackson's generator and
 * pretty printer), kept as the oracle that the moved writer prints the same bytes.
 */
final class JacksonReportJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private JacksonReportJson() {
    }

    static void json(CostReport report, boolean fromStore, PrintWriter out) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setPrettyPrinter(ReportWriter.pretty());
            g.writeStartObject();
            g.writeObjectFieldStart("period");
            g.writeStringField("start", report.period().start().toString());
            g.writeStringField("end", report.period().end().toString());
            g.writeEndObject();
            g.writeStringField("granularity", report.granularity().name());
            g.writeStringField("metric", report.query().metric().key());
            g.writeBooleanField("complete", report.isComplete());
            g.writeFieldName("domain");
            summary(g, report.domain());
            g.writeArrayFieldStart("projects");
            for (Map.Entry<ProjectId, CostSummary> p : report.projects().entrySet()) {
                g.writeStartObject();
                g.writeStringField("project", p.getKey().value());
                writeTotalsAndSeries(g, p.getValue());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!report.query().groupBy().isEmpty()) {
                g.writeArrayFieldStart("rows");
                for (CostRow row : report.rows()) {
                    g.writeStartObject();
                    g.writeStringField("period", row.period());
                    g.writeObjectFieldStart("keys");
                    for (Map.Entry<Dimension, String> k : row.keys().entrySet()) {
                        g.writeStringField(k.getKey().key(), k.getValue());
                    }
                    g.writeEndObject();
                    money(g, row.amount());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeArrayFieldStart("serviceAccounts");
            for (AccountCoverage c : report.coverage()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("provider", c.provider().value());
                g.writeStringField("project", c.project().value());
                g.writeStringField("status", c.code().name());
                if (c.code() == CoverageStatus.FAILED) {
                    g.writeStringField("error", c.error());
                } else if (fromStore) {
                    g.writeStringField("asOf", c.asOf().toString());
                }
                if (c.status() instanceof AccountStatus.Partial partial) {
                    g.writeStringField("error", partial.reason());
                    g.writeArrayFieldStart("missingMonths");
                    for (java.time.YearMonth m : partial.missingMonths()) {
                        g.writeString(m.toString());
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    private static void summary(JsonGenerator g, CostSummary s) throws IOException {
        g.writeStartObject();
        writeTotalsAndSeries(g, s);
        g.writeEndObject();
    }

    private static void writeTotalsAndSeries(JsonGenerator g, CostSummary s) throws IOException {
        g.writeArrayFieldStart("totals");
        for (Money m : s.totals()) {
            g.writeStartObject();
            money(g, m);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("series");
        for (SeriesPoint p : s.series()) {
            g.writeStartObject();
            g.writeStringField("period", p.period());
            money(g, p.amount());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void money(JsonGenerator g, Money m) throws IOException {
        g.writeStringField("currency", m.currency().getCurrencyCode());
        g.writeStringField("amount", ReportWriter.exact(m.amount()));
    }
}
