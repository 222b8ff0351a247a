package dev.billing.dashboard.internal;

import dev.billing.core.AccountCoverage;
import dev.billing.core.ConvertedCosts;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.Dimension;
import dev.billing.core.ExchangeRate;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One report from reports of one service account each (as {@link dev.billing.dashboard.LiveReports} fetches
 * them): amounts of the same bucket, keys and currency added exactly, in the order the core sorts them.
 */
public final class ReportMerge {
    private ReportMerge() {
    }

    /**
     * @param query the query answered
     * @param projects every project in scope, even one whose accounts all are pending
     * @param parts the reports of the accounts that answered
     * @param coverage every account in scope, in registration order
     * @return the report
     */
    public static CostReport merge(CostQuery query, Set<ProjectId> projects, List<CostReport> parts,
                                   List<AccountCoverage> coverage) {
        Map<ProjectId, CostSummary> byProject = new TreeMap<>();
        for (ProjectId p : projects) {
            byProject.put(p, summary(parts.stream().map(r -> r.projects().get(p)).filter(s -> s != null).toList()));
        }
        ConvertedCosts converted = null;
        if (query.conversion().isPresent()) {
            List<ConvertedCosts> c = parts.stream().map(r -> r.converted().orElseThrow()).toList();
            Map<ProjectId, CostSummary> convertedProjects = new TreeMap<>();
            for (ProjectId p : projects) {
                convertedProjects.put(p, summary(c.stream().map(x -> x.projects().get(p)).filter(s -> s != null).toList()));
            }
            Set<ExchangeRate> rates = new LinkedHashSet<>();
            c.forEach(x -> rates.addAll(x.rates()));
            List<ExchangeRate> sorted = new ArrayList<>(rates);
            sorted.sort(Comparator.comparing((ExchangeRate r) -> r.from().getCurrencyCode()).thenComparing(ExchangeRate::date)
                    .thenComparing(r -> r.to().getCurrencyCode()));
            converted = new ConvertedCosts(query.conversion().get().currency(),
                    summary(c.stream().map(ConvertedCosts::domain).toList()), convertedProjects,
                    rows(query, c.stream().map(ConvertedCosts::rows).toList()), sorted);
        }
        return new CostReport(query, summary(parts.stream().map(CostReport::domain).toList()), byProject,
                rows(query, parts.stream().map(CostReport::rows).toList()), coverage, converted);
    }

    private static CostSummary summary(List<CostSummary> parts) {
        Map<String, Money> totals = new TreeMap<>();
        Map<String, SeriesPoint> series = new TreeMap<>();
        for (CostSummary s : parts) {
            s.totals().forEach(m -> totals.merge(m.currency().getCurrencyCode(), m, Money::plus));
            for (SeriesPoint p : s.series()) {
                // ISO dates sort as text: bucket, then currency code
                series.merge(p.start() + " " + p.amount().currency().getCurrencyCode(), p,
                        (a, b) -> new SeriesPoint(a.start(), a.period(), a.amount().plus(b.amount())));
            }
        }
        return new CostSummary(List.copyOf(totals.values()), List.copyOf(series.values()));
    }

    private static List<CostRow> rows(CostQuery query, List<List<CostRow>> parts) {
        if (query.groupBy().isEmpty()) {
            return List.of();
        }
        Comparator<Key> order = Comparator.comparing(Key::start);
        for (int i = 0; i < query.groupBy().size(); i++) {
            int k = i;
            order = order.thenComparing(key -> key.values().get(k));
        }
        order = order.thenComparing(Key::currency);
        Map<Key, CostRow> sums = new TreeMap<>(order);
        Function<CostRow, Key> key = r -> new Key(r.start(), query.groupBy().stream().map(d -> value(r, d)).toList(),
                r.amount().currency().getCurrencyCode());
        for (List<CostRow> rows : parts) {
            for (CostRow r : rows) {
                sums.merge(key.apply(r), r, (a, b) -> new CostRow(a.start(), a.period(), a.keys(), a.amount().plus(b.amount())));
            }
        }
        return List.copyOf(sums.values());
    }

    private static String value(CostRow r, Dimension d) {
        String v = r.keys().get(d);
        return v == null ? "" : v;
    }

    private record Key(LocalDate start, List<String> values, String currency) {
    }
}
