package dev.billing.core;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a DAILY report read with {@link CostQuery#fetched()} into the report a converting query asks for: the
 * per-currency amounts bucketed at the query's granularity, unchanged in value, and the {@link ConvertedCosts},
 * each day's amount converted at that day's rate. Converting a day's exact sum equals converting each of its
 * line items and adding the products, since one rate applies to a whole day.
 */
final class ReportConversion {
    private static final Comparator<List<String>> VALUES = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };
    private static final Comparator<RowKey> ROWS = Comparator.comparing(RowKey::bucket)
            .thenComparing(RowKey::values, VALUES);

    private ReportConversion() {
    }

    /**
     * @param report the report of {@code query.fetched()}
     * @param query the query asked
     * @return the report as-is when the query converts nothing, else the converted report
     * @throws MissingExchangeRateException for the earliest day (then currency) that has no rate
     */
    static CostReport finish(CostReport report, CostQuery query) {
        CostQuery.Conversion conversion = query.conversion().orElse(null);
        if (conversion == null) {
            return report;
        }
        Converter converter = new Converter(conversion.currency(), conversion.rates());
        Granularity g = query.granularity();
        CostSummary[] domain = summarize(report.domain(), g, converter);
        Map<ProjectId, CostSummary> projects = new TreeMap<>();
        Map<ProjectId, CostSummary> convertedProjects = new TreeMap<>();
        report.projects().forEach((p, s) -> {
            CostSummary[] both = summarize(s, g, converter);
            projects.put(p, both[0]);
            convertedProjects.put(p, both[1]);
        });
        Map<RowKey, Map<String, Money>> rows = new TreeMap<>(ROWS);
        Map<RowKey, BigDecimal> convertedRows = new TreeMap<>(ROWS);
        for (CostRow row : report.rows()) {
            LocalDate bucket = g.bucketStart(row.start());
            RowKey key = new RowKey(bucket, List.copyOf(row.keys().values()), row.keys());
            rows.computeIfAbsent(key, k -> new TreeMap<>()).merge(row.amount().currency().getCurrencyCode(),
                    row.amount(), Money::plus);
            convertedRows.merge(key, converter.convert(row.amount(), row.start()), BigDecimal::add);
        }
        List<CostRow> plainRows = new ArrayList<>(rows.size());
        rows.forEach((k, byCurrency) -> byCurrency.values().forEach(m ->
                plainRows.add(new CostRow(k.bucket(), g.label(k.bucket()), k.keys(), m))));
        List<CostRow> converted = new ArrayList<>(convertedRows.size());
        convertedRows.forEach((k, v) -> converted.add(new CostRow(k.bucket(), g.label(k.bucket()), k.keys(),
                new Money(v, converter.currency()))));
        return new CostReport(query, domain[0], projects, plainRows, report.coverage(),
                new ConvertedCosts(converter.currency(), domain[1], convertedProjects, converted, converter.used()))
                .withAllocation(report.allocation().orElse(null));
    }

    /** @return the summary bucketed at {@code g}, and the same converted */
    private static CostSummary[] summarize(CostSummary daily, Granularity g, Converter converter) {
        Map<LocalDate, Map<String, Money>> plain = new TreeMap<>();
        Map<LocalDate, BigDecimal> converted = new TreeMap<>();
        for (SeriesPoint p : daily.series()) {
            LocalDate bucket = g.bucketStart(p.start());
            plain.computeIfAbsent(bucket, b -> new TreeMap<>()).merge(p.amount().currency().getCurrencyCode(),
                    p.amount(), Money::plus);
            converted.merge(bucket, converter.convert(p.amount(), p.start()), BigDecimal::add);
        }
        List<SeriesPoint> points = new ArrayList<>();
        plain.forEach((bucket, byCurrency) -> byCurrency.values().forEach(m ->
                points.add(new SeriesPoint(bucket, g.label(bucket), m))));
        List<SeriesPoint> convertedPoints = new ArrayList<>(converted.size());
        BigDecimal total = BigDecimal.ZERO;
        for (Map.Entry<LocalDate, BigDecimal> e : converted.entrySet()) {
            convertedPoints.add(new SeriesPoint(e.getKey(), g.label(e.getKey()), new Money(e.getValue(), converter.currency())));
            total = total.add(e.getValue());
        }
        List<Money> convertedTotals = converted.isEmpty() ? List.of() : List.of(new Money(total, converter.currency()));
        return new CostSummary[] {new CostSummary(daily.totals(), points), new CostSummary(convertedTotals, convertedPoints)};
    }

    /** A row's bucket and group-by values (ordered by those, with {@link #ROWS}), its keys carried along. */
    private record RowKey(LocalDate bucket, List<String> values, Map<Dimension, String> keys) {
    }
}
