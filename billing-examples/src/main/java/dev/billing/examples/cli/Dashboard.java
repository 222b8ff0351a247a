package dev.billing.examples.cli;

import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.Dimension;
import dev.billing.core.Money;
import dev.billing.core.SeriesPoint;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Draws a dashboard in the terminal: totals per currency, a bar per month, top services. */
final class Dashboard {
    private static final int BAR = 36;
    private static final int TOP = 5;

    private Dashboard() {
    }

    /**
     * @param title the heading
     * @param summary totals and monthly series
     * @param rows rows grouped by service (and possibly project), already restricted to what the dashboard shows
     * @param trend whether to show the last month's change against the month before
     * @param out where to draw
     */
    static void draw(String title, CostSummary summary, List<CostRow> rows, boolean trend, PrintWriter out) {
        out.println("=".repeat(title.length() + 8));
        out.println("=== " + title + " ===");
        out.println("=".repeat(title.length() + 8));
        if (summary.totals().isEmpty()) {
            out.println("  no cost");
            out.println();
            return;
        }
        out.println("Total");
        ReportWriter.Table totals = new ReportWriter.Table(true);
        summary.totals().forEach(m -> totals.add(m.currency().getCurrencyCode(), m.format()));
        totals.print(out);
        for (Money total : summary.totals()) {
            Currency currency = total.currency();
            List<SeriesPoint> points = summary.series().stream().filter(p -> p.amount().currency().equals(currency))
                    .toList();
            out.println("By month, " + currency.getCurrencyCode());
            BigDecimal max = points.stream().map(p -> p.amount().amount()).max(Comparator.naturalOrder())
                    .orElse(BigDecimal.ZERO);
            ReportWriter.Table bars = new ReportWriter.Table(true);
            for (SeriesPoint p : points) {
                bars.add(p.period(), bar(p.amount().amount(), max), p.amount().format());
            }
            bars.print(out);
            if (trend && points.size() >= 2) {
                out.println("  trend: " + change(points.get(points.size() - 2), points.get(points.size() - 1)));
            }
        }
        out.println("Top services");
        ReportWriter.Table services = new ReportWriter.Table(true);
        topServices(rows).forEach(e -> services.add(e.getValue().currency().getCurrencyCode(), e.getKey(),
                e.getValue().format()));
        services.print(out);
        out.println();
    }

    /** @return per currency, the {@value #TOP} services with the largest totals, largest first */
    private static List<Map.Entry<String, Money>> topServices(List<CostRow> rows) {
        Map<Currency, Map<String, BigDecimal>> byCurrency = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        for (CostRow r : rows) {
            byCurrency.computeIfAbsent(r.amount().currency(), c -> new TreeMap<>())
                    .merge(r.keys().get(Dimension.SERVICE), r.amount().amount(), BigDecimal::add);
        }
        List<Map.Entry<String, Money>> top = new ArrayList<>();
        byCurrency.forEach((currency, services) -> services.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed())
                .limit(TOP)
                .forEach(e -> top.add(Map.entry(e.getKey(), Money.of(e.getValue(), currency)))));
        return top;
    }

    private static String bar(BigDecimal amount, BigDecimal max) {
        if (max.signum() <= 0 || amount.signum() <= 0) {
            return "";
        }
        int n = amount.multiply(BigDecimal.valueOf(BAR)).divide(max, 0, RoundingMode.HALF_EVEN).intValue();
        return "#".repeat(Math.max(1, n));
    }

    private static String change(SeriesPoint before, SeriesPoint last) {
        BigDecimal b = before.amount().amount();
        BigDecimal l = last.amount().amount();
        String text = last.period() + " vs " + before.period() + ": ";
        if (b.signum() == 0) {
            return text + "new";
        }
        BigDecimal pct = l.subtract(b).multiply(BigDecimal.valueOf(100)).divide(b.abs(), new MathContext(12))
                .setScale(1, RoundingMode.HALF_EVEN);
        return text + (pct.signum() > 0 ? "+" : "") + pct.toPlainString() + " %";
    }
}
