package dev.billing.core.internal;

import dev.billing.core.AccountCoverage;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import dev.billing.core.spi.CostCell;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Exact sums of cost per (bucket, project, group-by values, currency): the finest cells a report
 * needs, from which the domain, project and row views are rolled up. Filled with the
 * {@link CostCell}s of a {@link ColumnarStore} or of any {@link dev.billing.core.spi.CostStore}. Not thread-safe.
 */
public final class CostCube {
    private final Granularity granularity;
    private final List<Dimension> groupBy;
    private final Map<Cell, BigDecimal> sums = new HashMap<>();
    private final Map<LocalDate, String> labels = new HashMap<>();

    /**
     * @param granularity how dates are bucketed
     * @param groupBy the row dimensions
     */
    public CostCube(Granularity granularity, List<Dimension> groupBy) {
        this.granularity = granularity;
        this.groupBy = List.copyOf(groupBy);
    }

    private record Cell(LocalDate bucket, ProjectId project, List<String> keys, Currency currency) {
    }

    /**
     * Sums the cells of a store's rows that a query accepts.
     *
     * @param store the rows
     * @param query the period, granularity, filters and group-by
     * @return the cube
     */
    public static CostCube of(ColumnarStore store, CostQuery query) {
        CostCube cube = new CostCube(query.granularity(), query.groupBy());
        store.cells(query, cube::add);
        return cube;
    }

    /**
     * Adds an already aggregated sum to its cell, for example one row of a SQL {@code SUM ... GROUP BY}.
     *
     * @param cell the sum; its bucket may be finer than the cube's granularity
     * @throws IllegalArgumentException when the cell has not as many keys as group-by dimensions
     */
    public void add(CostCell cell) {
        if (cell.keys().size() != groupBy.size()) {
            throw new IllegalArgumentException("expected " + groupBy.size() + " keys, got " + cell.keys().size());
        }
        sums.merge(new Cell(granularity.bucketStart(cell.bucket()), cell.project(), cell.keys(),
                cell.amount().currency()), cell.amount().amount(), BigDecimal::add);
    }

    /**
     * @param query the query answered
     * @param projectsInScope every project that has an account in scope
     * @param coverage every account in scope
     * @return the report
     */
    public CostReport toReport(CostQuery query, Collection<ProjectId> projectsInScope, List<AccountCoverage> coverage) {
        Map<ProjectId, CostSummary> projects = new TreeMap<>();
        for (ProjectId p : projectsInScope) {
            projects.put(p, CostSummary.EMPTY);
        }
        Map<ProjectId, Map<Cell, BigDecimal>> byProject = new HashMap<>();
        sums.forEach((cell, sum) -> byProject.computeIfAbsent(cell.project(), p -> new HashMap<>()).put(cell, sum));
        byProject.forEach((p, cells) -> projects.put(p, summary(cells)));
        return new CostReport(query, summary(sums), projects, rows(), coverage);
    }

    private CostSummary summary(Map<Cell, BigDecimal> cells) {
        Map<Currency, BigDecimal> totals = rollUp(cells, Cell::currency);
        Map<Cell, BigDecimal> series = rollUp(cells, c -> new Cell(c.bucket(), null, List.of(), c.currency()));
        List<Money> totalList = totals.entrySet().stream()
                .map(e -> new Money(e.getValue(), e.getKey()))
                .sorted(Comparator.comparing(m -> m.currency().getCurrencyCode()))
                .toList();
        List<SeriesPoint> points = series.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(BY_BUCKET_THEN_CURRENCY))
                .map(e -> new SeriesPoint(e.getKey().bucket(), label(e.getKey().bucket()),
                        new Money(e.getValue(), e.getKey().currency())))
                .toList();
        return new CostSummary(totalList, points);
    }

    private List<CostRow> rows() {
        if (groupBy.isEmpty()) {
            return List.of();
        }
        Map<Cell, BigDecimal> rows = rollUp(sums, c -> new Cell(c.bucket(), null, c.keys(), c.currency()));
        return rows.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Cell::bucket)
                        .thenComparing(Cell::keys, CostCube::compareKeys)
                        .thenComparing(c -> c.currency().getCurrencyCode())))
                .map(e -> {
                    Map<Dimension, String> keys = new LinkedHashMap<>();
                    for (int i = 0; i < groupBy.size(); i++) {
                        keys.put(groupBy.get(i), e.getKey().keys().get(i));
                    }
                    return new CostRow(e.getKey().bucket(), label(e.getKey().bucket()), keys,
                            new Money(e.getValue(), e.getKey().currency()));
                })
                .toList();
    }

    private String label(LocalDate bucket) {
        return labels.computeIfAbsent(bucket, granularity::label);
    }

    private static final Comparator<Cell> BY_BUCKET_THEN_CURRENCY =
            Comparator.comparing(Cell::bucket).thenComparing(c -> c.currency().getCurrencyCode());

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static <K> Map<K, BigDecimal> rollUp(Map<Cell, BigDecimal> cells, Function<Cell, K> key) {
        Map<K, BigDecimal> out = new HashMap<>();
        cells.forEach((cell, sum) -> out.merge(key.apply(cell), sum, BigDecimal::add));
        return out;
    }
}
