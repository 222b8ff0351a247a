package dev.billing.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.ConvertedCosts;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Dimension;
import dev.billing.core.Money;
import dev.billing.core.SeriesPoint;
import dev.billing.dashboard.ReportJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints a {@link CostReport} as a table, JSON (the format of docs/cli.md) or CSV. */
final class ReportWriter {
    private ReportWriter() {
    }

    /** The output formats. */
    enum Format {
        table, json, csv
    }

    /** @return a pretty printer writing {@code "field": value} */
    static DefaultPrettyPrinter pretty() {
        return new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    }

    /** Writes one JSON document through a generator. */
    interface JsonBody {
        /**
         * @param g the generator, pretty-printing, not closing the output
         * @throws IOException when the output fails
         */
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * Prints one pretty JSON document of a command, then a line break; the output stays open.
     *
     * @param out the command's output
     * @param body writes the document
     * @throws UncheckedIOException when the output fails
     */
    static void printJson(PrintWriter out, JsonBody body) {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setPrettyPrinter(pretty());
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    /**
     * @param amount an exact amount
     * @return its exact decimal string: no exponent, no trailing zeros, {@code "0"} for zero
     */
    static String exact(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    /**
     * Writes the JSON format of docs/cli.md: the document of {@link ReportJson}, the same one the dashboard's
     * {@code /api/report} serves, and a line break.
     *
     * @param report the report
     * @param fromStore whether the report was answered from the cost store: each synced service account
     *     then also has {@code "asOf"}, the time of its last successful sync
     * @param out where to write
     */
    static void json(CostReport report, boolean fromStore, PrintWriter out) {
        ReportJson.write(report, fromStore, out);
        out.println();
    }

    /**
     * Writes CSV: the header {@code period,project,currency,amount} plus one column per group-by
     * dimension other than {@code project}, then one line per (period, project, group-by values,
     * currency) bucket with cost. Lines never overlap: summing {@code amount} per currency gives the
     * domain total.
     *
     * @param report a report whose group-by is {@code project} followed by {@code dimensions}
     * @param dimensions the user's group-by dimensions, without {@code project}
     * @param out where to write
     */
    static void csv(CostReport report, List<Dimension> dimensions, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("period", "project", "currency", "amount"));
        dimensions.forEach(d -> header.add(d.key()));
        out.println(String.join(",", header));
        for (CostRow row : report.rows()) {
            List<String> line = new ArrayList<>(List.of(row.period(), row.keys().get(Dimension.PROJECT),
                    row.amount().currency().getCurrencyCode(), exact(row.amount().amount())));
            dimensions.forEach(d -> line.add(row.keys().get(d)));
            out.println(String.join(",", line.stream().map(ReportWriter::csvField).toList()));
        }
    }

    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    /**
     * Writes a table for people; amounts rounded to the currency's digits (HALF_EVEN).
     *
     * @param report the report
     * @param fromStore whether the report was answered from the cost store: each synced service account's
     *     status then says when it was last synced
     * @param out where to write
     */
    static void table(CostReport report, boolean fromStore, PrintWriter out) {
        long failed = report.coverage().stream().filter(c -> c.code() == CoverageStatus.FAILED).count();
        long partial = report.coverage().stream().filter(c -> c.code() == CoverageStatus.PARTIAL).count();
        out.println("Costs " + report.period().start() + " to " + report.period().end() + " (end exclusive), "
                + report.granularity() + ", " + (report.isComplete() ? "complete"
                : "INCOMPLETE: " + (failed > 0 || partial == 0 ? failed + " of " + report.coverage().size()
                + " service accounts failed" : "") + (failed > 0 && partial > 0 ? ", " : "")
                + (partial > 0 ? partial + " of " + report.coverage().size() + " service accounts miss months" : "")));
        out.println();
        Optional<ConvertedCosts> converted = report.converted();
        summaryTable("Domain", report.domain(), converted.map(ConvertedCosts::domain), out);
        report.projects().forEach((p, s) -> summaryTable("Project " + p.value(), s,
                converted.map(c -> c.projects().get(p)), out));
        if (!report.query().groupBy().isEmpty()) {
            Table rows = new Table(true);
            List<String> head = new ArrayList<>(List.of("PERIOD"));
            report.query().groupBy().forEach(d -> head.add(d.key().toUpperCase(Locale.ROOT)));
            head.add("AMOUNT");
            rows.add(head.toArray(String[]::new));
            for (CostRow row : report.rows()) {
                List<String> cells = new ArrayList<>(List.of(row.period()));
                cells.addAll(row.keys().values());
                cells.add(row.amount().format());
                rows.add(cells.toArray(String[]::new));
            }
            out.println("Rows");
            rows.print(out);
            out.println();
        }
        converted.ifPresent(c -> {
            out.println("Exchange rates used (into " + c.currency().getCurrencyCode() + ")");
            Table rates = new Table(false);
            c.rates().forEach(r -> rates.add(r.date().toString(), r.from().getCurrencyCode() + " -> "
                    + r.to().getCurrencyCode(), r.rate().toPlainString(), r.source()));
            if (c.rates().isEmpty()) {
                rates.add("none: every amount is in " + c.currency().getCurrencyCode());
            }
            rates.print(out);
            out.println();
        });
        out.println("Service accounts");
        Table accounts = new Table(false);
        for (AccountCoverage c : report.coverage()) {
            String detail = c.error() != null ? ": " + BillingCli.oneLine(c.error())
                    : c.status() instanceof AccountStatus.Partial p ? ": " + BillingCli.oneLine(p.reason())
                    + " (held months synced " + p.asOf() + ")"
                    : fromStore ? ", synced " + c.asOf() : "";
            accounts.add(c.name(), c.provider().value(), c.project().value(), c.code() + detail);
        }
        accounts.print(out);
    }

    private static void summaryTable(String title, CostSummary s, Optional<CostSummary> converted, PrintWriter out) {
        out.println(title);
        Table t = new Table(true);
        for (Money m : s.totals()) {
            t.add("total", m.format());
        }
        if (s.totals().isEmpty()) {
            t.add("total", "no cost");
        }
        for (SeriesPoint p : s.series()) {
            t.add(p.period(), p.amount().format());
        }
        converted.ifPresent(c -> {
            c.totals().forEach(m -> t.add("total, converted", m.format()));
            c.series().forEach(p -> t.add(p.period() + ", converted", p.amount().format()));
        });
        t.print(out);
        out.println();
    }

    /** Aligned columns indented by two spaces; the last one right-aligned when it holds amounts. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final boolean rightAlignLast;

        Table(boolean rightAlignLast) {
            this.rightAlignLast = rightAlignLast;
        }

        void add(String... cells) {
            rows.add(cells);
        }

        void print(PrintWriter out) {
            int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder sb = new StringBuilder("  ");
                for (int i = 0; i < r.length; i++) {
                    boolean last = i == r.length - 1;
                    sb.append(pad(r[i], width[i], last && rightAlignLast)).append(last ? "" : "  ");
                }
                out.println(sb.toString().stripTrailing());
            }
        }

        private static String pad(String s, int width, boolean left) {
            String fill = " ".repeat(Math.max(0, width - s.length()));
            return left ? fill + s : s + fill;
        }
    }
}
