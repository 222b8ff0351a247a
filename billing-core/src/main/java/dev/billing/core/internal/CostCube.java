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
import dev.billing.core.spi.CostCellColumns;
import dev.billing.core.spi.RollupSink;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact sums of cost per (bucket, project, group-by values, currency), kept as the two roll-ups a
 * report shows: per (project, bucket, currency), from which the domain's series is rolled up, and
 * per (bucket, group-by values, currency), the rows. A cell's key is a tuple of ints (the bucket's
 * first day as an epoch day, dictionary ids of the project and of each group-by value, the currency
 * id) in a {@link CellSums} table, never a tuple of objects; the finest cells are never materialized.
 *
 * <p>A cube for an {@link Allocator} routes every key added to it: it has extra key columns after the group-by
 * values (the route), which its rows keep; such a cube is read by the allocator, never reported as it is.
 *
 * <p>Filled with the cells of a {@link ColumnarStore} or of any {@link dev.billing.core.spi.CostStore}
 * ({@link CostCell}s through {@link #add}, or {@link CostCellColumns} blocks of cells or of either roll-up, as a
 * {@link RollupSink}), or, for a live report, by
 * {@link LiveAggregation}, which rolls per-account partial sums up into {@link Rollups} of its own and adds
 * them once. Thread-safe.
 */
public final class CostCube implements RollupSink {
    /** What a sum is added to: each project's series, the rows, or both (a cell of project and group-by values). */
    private static final int SERIES = 1;
    private static final int ROWS = 2;
    private static final int BOTH = SERIES | ROWS;

    private final Granularity granularity;
    private final List<Dimension> groupBy;
    final Dictionary projects = new Dictionary();
    final Dictionary[] keyValues;
    private final List<Currency> currencies = new ArrayList<>();
    private final Rollups sums;
    private final int width;
    private final int[] key;
    private final Allocator allocator;
    /** Routes the keys added from cells (a store's), with the lock held; null without allocator. */
    private final Allocator.Router router;
    private final int[] routedKey;
    private ValueIds projectIds;
    private ValueIds[] keyIds;
    private LocalDate lastBucket;
    private Currency lastCurrency;
    private int lastCurrencyId;
    private int lastBucketDay;
    private List<CostCellColumns> targetRows;

    /**
     * @param granularity how dates are bucketed
     * @param groupBy the row dimensions
     */
    public CostCube(Granularity granularity, List<Dimension> groupBy) {
        this(granularity, groupBy, null);
    }

    /**
     * @param granularity how dates are bucketed
     * @param groupBy the row dimensions: the allocator's inner query's when there is one
     * @param allocator the allocator whose cells these are, or null: every key is then routed as it is added
     *     ({@link Allocator.Router}), with the route in {@value Allocator#ROUTE_COLUMNS} more ints after the
     *     group-by values, kept in the rows and read by the allocator (such a cube is not reported as it is)
     */
    CostCube(Granularity granularity, List<Dimension> groupBy, Allocator allocator) {
        this.granularity = granularity;
        this.groupBy = List.copyOf(groupBy);
        this.keyValues = new Dictionary[this.groupBy.size()];
        for (int k = 0; k < keyValues.length; k++) {
            keyValues[k] = new Dictionary();
        }
        this.width = this.groupBy.size() + 3 + (allocator == null ? 0 : Allocator.ROUTE_COLUMNS);
        this.key = new int[width];
        this.sums = new Rollups();
        this.allocator = allocator;
        this.router = allocator == null ? null : allocator.router(this);
        this.routedKey = new int[width];
    }

    /** @return the allocator whose cells this cube holds, or null */
    Allocator allocator() {
        return allocator;
    }

    /** @return a router of this cube's keys for one thread, or null when the cube has no allocator */
    Allocator.Router newRouter() {
        return allocator == null ? null : allocator.router(this);
    }

    /**
     * @param to the roll-ups the key is added to
     * @return {@link #key}, routed when the cube has an allocator and the key reaches the rows (the allocator reads
     *     the rows only; a key added to the projects' series alone has no group-by values to route by)
     */
    private int[] routedKey(int to) {
        if (router == null || (to & ROWS) == 0) {
            return key;
        }
        router.route(key, 2, routedKey);
        return routedKey;
    }

    /**
     * The two roll-ups of cells with this cube's key layout, filled apart from the cube (by one thread at a time)
     * and added to it with {@link #addAll(Rollups)}. Not thread-safe.
     */
    final class Rollups {
        /** Cells (project, bucket, currency): the projects' series, and the domain's once rolled up. */
        private final CellSums byProject = new CellSums(3, 1024);
        /** Cells (bucket, group-by values..., currency): the rows; null without group-by. */
        private final CellSums rows = groupBy.isEmpty() ? null : new CellSums(width - 1, 1024);
        private final int[] projectKey = new int[3];
        private final int[] rowKey = new int[width - 1];
        private final int[] cellKey = new int[width];

        /** Adds a table of cells with the cube's key layout (a live account's partial sums). */
        void addAll(CellSums partial) {
            int currencyAt = width - 1;
            for (int c = 0; c < partial.size(); c++) {
                for (int j = 0; j < width; j++) {
                    cellKey[j] = partial.key(c, j);
                }
                int currency = cellKey[currencyAt];
                int scale = partial.scale(currency);
                add(cellKey, currency, scale < 0 ? 0 : partial.units(c), Math.max(0, scale), partial.big(c), BOTH);
            }
        }

        /**
         * Adds a live partial's cells in its compact layout (bucket, middle, currency), a middle being the routed
         * key without its bucket and currency (project, values, route columns) kept apart in {@code middles}. The
         * cube has an allocator, which reads the rows only: the projects' series are not summed.
         */
        void addAll(CellSums partial, CellSums middles) {
            int currencyAt = width - 1;
            for (int c = 0; c < partial.size(); c++) {
                cellKey[0] = partial.key(c, 0);
                int mid = partial.key(c, 1);
                for (int j = 1; j < currencyAt; j++) {
                    cellKey[j] = middles.key(mid, j - 1);
                }
                int currency = partial.key(c, 2);
                cellKey[currencyAt] = currency;
                int scale = partial.scale(currency);
                add(cellKey, currency, scale < 0 ? 0 : partial.units(c), Math.max(0, scale), partial.big(c), ROWS);
            }
        }

        /**
         * Adds an amount to the cells of a key: its project's series cell, its row, or both.
         *
         * @param key bucket, project, group-by values, currency (only the part the roll-ups read need be set)
         * @param units the amount's long part, in units of {@code scale}
         * @param big the amount's exact remainder, or null
         * @param to {@link #SERIES}, {@link #ROWS} or {@link #BOTH}
         */
        private void add(int[] key, int currency, long units, int scale, BigDecimal big, int to) {
            if ((to & SERIES) != 0) {
                projectKey[0] = key[1];
                projectKey[1] = key[0];
                projectKey[2] = currency;
                CostCube.add(byProject, byProject.cell(projectKey), currency, units, scale, big);
            }
            if (rows != null && (to & ROWS) != 0) {
                rowKey[0] = key[0];
                System.arraycopy(key, 2, rowKey, 1, width - 2);
                CostCube.add(rows, rows.cell(rowKey), currency, units, scale, big);
            }
        }
    }

    /** @return new, empty roll-ups with this cube's key layout */
    Rollups newRollups() {
        return new Rollups();
    }

    /**
     * @return the cube's own roll-ups, for one writer that fills them while nothing else adds to or reads the cube
     *     (a live report's first shard, whose partials then need not be added again when the report is made)
     */
    Rollups ownRollups() {
        return sums;
    }

    /** Adds roll-ups filled apart; thread-safe. */
    synchronized void addAll(Rollups other) {
        sums.byProject.addAll(other.byProject);
        if (sums.rows != null) {
            sums.rows.addAll(other.rows);
        }
    }

    /**
     * @return the cells per (bucket, group-by values..., currency), the ids being those of {@link #values}; null
     *     without group-by
     */
    CellSums rowCells() {
        return sums.rows;
    }

    /** @return the dictionary of the {@code k}-th group-by dimension's values */
    Dictionary values(int k) {
        return keyValues[k];
    }

    /**
     * Adds a sum to a cell given by ids of this cube's dictionaries: to its project's series, and to its row unless
     * told not to.
     *
     * @param cell bucket (its first day), project, group-by values, currency
     * @param units the sum's long part, in units of {@code scale}
     * @param big the sum's exact remainder, or null
     */
    synchronized void add(int[] cell, long units, int scale, BigDecimal big, boolean toRow) {
        sums.add(cell, cell[width - 1], units, scale, big, toRow ? BOTH : SERIES);
    }

    /**
     * Adds a sum to the row of a cell given by ids of this cube's dictionaries, already routed (an allocator's cube
     * reads its rows only).
     *
     * @param cell bucket (its first day), project, group-by values, route, currency
     * @param units the sum's long part, in units of {@code scale}
     * @param big the sum's exact remainder, or null
     */
    synchronized void addRow(int[] cell, long units, int scale, BigDecimal big) {
        sums.add(cell, cell[width - 1], units, scale, big, ROWS);
    }

    /**
     * Adds an exact amount to a cell given by ids of this cube's dictionaries.
     *
     * @param cell bucket (its first day), project, group-by values, currency
     */
    synchronized void add(int[] cell, BigDecimal amount, boolean toRow) {
        System.arraycopy(cell, 0, key, 0, width);
        add(cell[width - 1], amount, toRow ? BOTH : SERIES);
    }

    /**
     * For an allocator's cube: the rows of the query asked, raw, that a store handed over with routed cells that
     * make the projects' series only ({@link Allocator.StoreRouting#rowsQuery()}).
     *
     * @param rows blocks of rows of the asked query (key columns its group-by values)
     */
    synchronized void targetRows(List<CostCellColumns> rows) {
        this.targetRows = List.copyOf(rows);
    }

    /** @return the rows a store handed over with its routed cells, or null */
    synchronized List<CostCellColumns> targetRows() {
        return targetRows;
    }

    /** @return the key width: bucket, project, group-by values, currency */
    int width() {
        return width;
    }

    Granularity granularity() {
        return granularity;
    }

    List<Dimension> groupBy() {
        return groupBy;
    }

    /** @return the id of a currency, assigned on first sight; thread-safe */
    int currencyId(Currency currency) {
        synchronized (currencies) {
            int id = currencies.indexOf(currency);
            if (id < 0) {
                currencies.add(currency);
                id = currencies.size() - 1;
            }
            return id;
        }
    }

    /** @return the currency of an id this cube gave */
    Currency currency(int id) {
        synchronized (currencies) {
            return currencies.get(id);
        }
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
    public synchronized void add(CostCell cell) {
        List<String> values = cell.keys();
        if (values.size() != groupBy.size()) {
            throw new IllegalArgumentException("expected " + groupBy.size() + " keys, got " + values.size());
        }
        valueIds();
        key[0] = bucketDay(cell.bucket());
        key[1] = projectIds.id(cell.project().value());
        for (int k = 0; k < values.size(); k++) {
            key[2 + k] = keyIds[k].id(values.get(k));
        }
        int currency = cachedCurrencyId(cell.amount().currency());
        key[width - 1] = currency;
        add(currency, cell.amount().amount(), BOTH);
    }

    /**
     * Adds a block of already aggregated sums, a store's cells in columns: each column's codes are looked up
     * once per block, each sum is added as the long the store kept.
     *
     * @param block the sums; their buckets may be finer than the cube's granularity
     * @throws IllegalArgumentException when the block has not one key column (the project) more than group-by
     *     dimensions
     */
    @Override
    public void cells(CostCellColumns block) {
        add(block, BOTH);
    }

    /**
     * Adds a block of sums per project, bucket and currency to the projects' series only.
     *
     * @throws IllegalArgumentException when the block has not one key column, the project
     */
    @Override
    public void projectSeries(CostCellColumns block) {
        add(block, SERIES);
    }

    /**
     * Adds a block of sums per bucket, group-by values and currency to the rows only.
     *
     * @throws IllegalArgumentException when the block has not one key column per group-by dimension
     */
    @Override
    public void rows(CostCellColumns block) {
        add(block, ROWS);
    }

    /** Adds a block whose key columns are the project ({@link #SERIES}), the group-by values ({@link #ROWS}) or both. */
    private synchronized void add(CostCellColumns block, int to) {
        int n = block.size();
        if (n == 0) {
            return;
        }
        int columns = block.columns();
        int expected = ((to & SERIES) != 0 ? 1 : 0) + ((to & ROWS) != 0 ? groupBy.size() : 0);
        if (columns != expected) {
            throw new IllegalArgumentException("expected " + expected + " key columns, got " + columns);
        }
        // where column 0 goes in the key: the project (1) or, without it, the first group-by value (2)
        int first = (to & SERIES) != 0 ? 1 : 2;
        valueIds();
        int[][] ids = new int[columns][];
        for (int k = 0; k < columns; k++) {
            ids[k] = new int[block.codes(k)];
            Arrays.fill(ids[k], -1);
        }
        for (int c = 0; c < n; c++) {
            key[0] = bucketDay(block.bucket(c));
            for (int k = 0; k < columns; k++) {
                int code = block.code(c, k);
                int id = ids[k][code];
                int at = first + k;
                if (id < 0) {
                    String value = block.value(k, code);
                    id = at == 1 ? projectIds.id(value) : keyIds[at - 2].id(value);
                    ids[k][code] = id;
                }
                key[at] = id;
            }
            int currency = cachedCurrencyId(block.currency(c));
            key[width - 1] = currency;
            long units = block.units(c);
            int scale = block.scale(c);
            if (units == Long.MIN_VALUE || scale < 0 || scale > Scales.MAX_SCALE) {
                add(currency, block.sum(c), to);
            } else {
                sums.add(routedKey(to), currency, units, scale, null, to);
            }
        }
    }

    private void valueIds() {
        if (projectIds == null) {
            projectIds = new ValueIds(projects);
            keyIds = new ValueIds[keyValues.length];
            for (int k = 0; k < keyIds.length; k++) {
                keyIds[k] = new ValueIds(keyValues[k]);
            }
        }
    }

    /** @return the first day of the cube's bucket of a day, as an epoch day */
    private int bucketDay(LocalDate day) {
        if (day != lastBucket && !day.equals(lastBucket)) {
            lastBucketDay = (int) granularity.bucketStart(day).toEpochDay();
            lastBucket = day;
        }
        return lastBucketDay;
    }

    private int cachedCurrencyId(Currency c) {
        if (c != lastCurrency) {
            lastCurrencyId = currencyId(c);
            lastCurrency = c;
        }
        return lastCurrencyId;
    }

    /** Adds an exact amount to the cells of {@link #key} in the roll-ups {@code to} names. */
    private void add(int currency, BigDecimal amount, int to) {
        int scale = Scales.scaleOf(amount);
        long units = scale < 0 ? Long.MIN_VALUE : Scales.toScaled(amount, scale);
        int[] k = routedKey(to);
        if (units == Long.MIN_VALUE) {
            sums.add(k, currency, 0, 0, amount, to);
        } else {
            sums.add(k, currency, units, scale, null, to);
        }
    }

    /**
     * @param query the query answered
     * @param projectsInScope every project that has an account in scope
     * @param coverage every account in scope
     * @return the report
     */
    public synchronized CostReport toReport(CostQuery query, Collection<ProjectId> projectsInScope,
                                            List<AccountCoverage> coverage) {
        CellSums byProject = sums.byProject;
        CellSums domain = new CellSums(2);
        int[] two = new int[2];
        for (int c = 0; c < byProject.size(); c++) {
            int currency = byProject.key(c, 2);
            two[0] = byProject.key(c, 1);
            two[1] = currency;
            add(domain, domain.cell(two), currency, byProject.units(c), byProject.scale(currency), byProject.big(c));
        }
        Map<Integer, String> labels = new HashMap<>();
        Map<ProjectId, CostSummary> summaries = new TreeMap<>();
        for (ProjectId p : projectsInScope) {
            summaries.put(p, CostSummary.EMPTY);
        }
        Map<Integer, List<Integer>> cellsOfProject = new HashMap<>();
        for (int c = 0; c < byProject.size(); c++) {
            cellsOfProject.computeIfAbsent(byProject.key(c, 0), p -> new ArrayList<>()).add(c);
        }
        cellsOfProject.forEach((p, cells) -> summaries.put(ProjectId.of(projects.value(p)),
                summary(byProject, 1, cells, labels)));
        List<Integer> all = new ArrayList<>(domain.size());
        for (int c = 0; c < domain.size(); c++) {
            all.add(c);
        }
        CostSummary total = summary(domain, 0, all, labels);
        return new CostReport(query, total, summaries, sums.rows == null ? List.of() : rows(sums.rows, labels),
                coverage);
    }

    /** Adds a sum given as a long in units of {@code scale} (none when {@code scale} is negative) and an exact part. */
    static void add(CellSums to, int cell, int currency, long units, int scale, BigDecimal big) {
        if (scale >= 0) {
            to.add(cell, currency, units, scale);
        }
        if (big != null) {
            to.addBig(cell, big);
        }
    }

    private String label(int day, Map<Integer, String> labels) {
        return labels.computeIfAbsent(day, d -> granularity.label(LocalDate.ofEpochDay(d)));
    }

    /** A summary from cells keyed (..., bucket at {@code bucketAt}, currency last). */
    private CostSummary summary(CellSums cells, int bucketAt, List<Integer> which, Map<Integer, String> labels) {
        int currencyAt = cells.width() - 1;
        Integer[] order = which.toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(cells.key(a, bucketAt), cells.key(b, bucketAt));
            return c != 0 ? c : code(cells.key(a, currencyAt)).compareTo(code(cells.key(b, currencyAt)));
        });
        Map<Integer, BigDecimal> totals = new TreeMap<>((a, b) -> code(a).compareTo(code(b)));
        List<SeriesPoint> points = new ArrayList<>(order.length);
        for (int c : order) {
            int day = cells.key(c, bucketAt);
            int currency = cells.key(c, currencyAt);
            BigDecimal v = cells.value(c);
            points.add(new SeriesPoint(LocalDate.ofEpochDay(day), label(day, labels), new Money(v, currency(currency))));
            totals.merge(currency, v, BigDecimal::add);
        }
        List<Money> totalList = new ArrayList<>(totals.size());
        totals.forEach((currency, v) -> totalList.add(new Money(v, currency(currency))));
        return new CostSummary(totalList, points);
    }

    private String code(int currency) {
        return currency(currency).getCurrencyCode();
    }

    /** The rows, keyed (bucket, group-by values..., currency), sorted by bucket, values, then currency code. */
    private List<CostRow> rows(CellSums rows, Map<Integer, String> labels) {
        int n = rows.size();
        int keys = groupBy.size();
        Integer[] order = new Integer[n];
        for (int c = 0; c < n; c++) {
            order[c] = c;
        }
        int[][] rank = new int[keys][];
        for (int k = 0; k < keys; k++) {
            rank[k] = ranks(keyValues[k]);
        }
        int currencies = rows.width() - 1;
        Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(rows.key(a, 0), rows.key(b, 0));
            for (int k = 0; c == 0 && k < keys; k++) {
                c = Integer.compare(rank[k][rows.key(a, 1 + k)], rank[k][rows.key(b, 1 + k)]);
            }
            return c != 0 ? c : code(rows.key(a, currencies)).compareTo(code(rows.key(b, currencies)));
        });
        List<CostRow> out = new ArrayList<>(n);
        Map<Dimension, String> values = new LinkedHashMap<>();
        for (int c : order) {
            for (int k = 0; k < keys; k++) {
                values.put(groupBy.get(k), keyValues[k].value(rows.key(c, 1 + k)));
            }
            int day = rows.key(c, 0);
            out.add(new CostRow(LocalDate.ofEpochDay(day), label(day, labels), values,
                    new Money(rows.value(c), currency(rows.key(c, currencies)))));
        }
        return out;
    }

    /** @return each id's rank in the string order of the dictionary's values */
    private static int[] ranks(Dictionary dictionary) {
        int n = dictionary.size();
        Integer[] ids = new Integer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (a, b) -> dictionary.value(a).compareTo(dictionary.value(b)));
        int[] rank = new int[n];
        for (int r = 0; r < n; r++) {
            rank[ids[r]] = r;
        }
        return rank;
    }
}
