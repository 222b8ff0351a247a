package dev.billing.core.internal;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.TagAliases;
import dev.billing.core.spi.CostCell;
import dev.billing.core.spi.RollupSink;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A columnar, dictionary-encoded store of cost line items, aggregated exactly by {@link #aggregate}.
 *
 * <p>Records are appended to a {@link Segment} (one per fetch, one thread each) and become visible
 * only when the segment is {@linkplain #commit committed}; a segment that is dropped leaves no
 * cost behind, and a committed one can be {@linkplain #replace replaced} whole by another (the
 * dictionaries keep the values it brought). A row keeps the day as an epoch day, account, sub account, service,
 * region, usage type and charge category as dictionary ids (the layout of every {@link Dimension} is decided in one
 * place, {@code Chunk}; a sealed chunk packs each column into the bytes its range needs, about one a row), the
 * currency as an id (packed too) and the billed amount as a long scaled by the store's scale for its currency (the
 * largest scale seen, at most {@value Scales#MAX_SCALE}). An amount that does not fit a long at that scale is kept as a
 * {@link BigDecimal} beside its chunk. Provider, service account and project are constant per chunk.
 * A chunk where some row has tags keeps each row's tag set id (packed too; the sets once, in {@link TagSets}), and
 * one where some row's effective cost differs from its billed cost, or some row has a list cost, keeps that cost
 * as one more long column. Usage quantities are not kept. A committed segment of a few line items (one chunk of
 * billed costs alone, at most {@value #SMALL} rows) adds them to a chunk it shares with other such segments of the same
 * key ({@link Shared}): 100,000s of small windows would otherwise each take a chunk's arrays and headers.
 *
 * <p>Commits and queries may come from any thread; they are serialized.
 */
public final class ColumnarStore {
    private static final int MAX_CURRENCIES = 256;
    private static final Dimension.Fixed[] DIMENSIONS = Dimension.Fixed.values();
    /** The most rows of a segment whose rows are added to a {@link Shared} chunk rather than kept apart. */
    private static final int SMALL = 256;
    /** The rows a segment's chunk makes room for at first: a window may be a handful of line items. */
    private static final int FIRST_CAPACITY = 64;
    /** About how many rows of a pass cost as much as moving one cell to a report ({@link #rollups}). */
    private static final int CELL_COST_IN_ROWS = 16;

    private final EnumMap<Dimension.Fixed, Dictionary> dictionaries = new EnumMap<>(Dimension.Fixed.class);
    private final TagSets tagSets = new TagSets();
    private final List<Currency> currencies = new ArrayList<>();
    private final List<Chunk> chunks = new ArrayList<>();
    /** Per chunk key ({@link #keyOf}), the shared chunk small segments of that key are added to. */
    private final Map<List<Integer>, Shared> sharedByKey = new HashMap<>();
    private final int[] scales = new int[MAX_CURRENCIES];
    private long rows;

    /** An empty store. */
    public ColumnarStore() {
        for (Dimension.Fixed d : DIMENSIONS) {
            dictionaries.put(d, new Dictionary());
        }
    }

    /** @return a new, empty segment of this store */
    public Segment newSegment() {
        return new Segment();
    }

    /**
     * Makes a segment's records part of this store. No records may be added to it afterwards.
     *
     * @param segment a segment of this store, not yet committed
     * @throws IllegalArgumentException when the segment is another store's
     * @throws IllegalStateException when it was committed before
     */
    public void commit(Segment segment) {
        replace(null, segment);
    }

    /**
     * Removes a committed segment's records and commits another segment's, in one step: a query
     * sees either the old records or the new ones.
     *
     * @param old a committed segment of this store, or null to remove nothing; it cannot be committed again
     * @param fresh a segment of this store, not yet committed
     * @throws IllegalArgumentException when a segment is another store's
     * @throws IllegalStateException when {@code old} is not committed or {@code fresh} is
     */
    public synchronized void replace(Segment old, Segment fresh) {
        if (fresh.store() != this || (old != null && old.store() != this)) {
            throw new IllegalArgumentException("a segment of another store");
        }
        if (fresh.committed() || (old != null && !old.committed())) {
            throw new IllegalStateException(fresh.committed() ? "segment committed twice" : "segment not committed");
        }
        int[] freshScales = fresh.seal();
        if (old != null && old.shared != null) {
            Shared shared = old.shared;
            rows -= shared.remove(old);
            old.shared = null;
            if (shared.chunk.size == 0) {
                chunks.remove(shared.chunk);
                sharedByKey.remove(shared.key, shared);
            }
        } else if (old != null) {
            Set<Chunk> gone = Collections.newSetFromMap(new IdentityHashMap<>());
            gone.addAll(old.chunks);
            chunks.removeIf(gone::contains);
            old.chunks.forEach(chunk -> rows -= chunk.size);
            old.chunks = List.of();
        }
        for (int c = 0; c < freshScales.length; c++) {
            int theirs = freshScales[c];
            if (theirs > scales[c]) {
                for (Chunk chunk : chunks) {
                    chunk.rescale(c, scales[c], theirs - scales[c]);
                }
                scales[c] = theirs;
            } else if (theirs >= 0 && theirs < scales[c]) {
                for (Chunk chunk : fresh.chunks) {
                    chunk.rescale(c, theirs, scales[c] - theirs);
                }
            }
        }
        for (Chunk chunk : fresh.chunks) {
            rows += chunk.size;
        }
        if (fresh.chunks.size() == 1 && fresh.chunks.get(0).size <= SMALL && fresh.chunks.get(0).billedOnly()) {
            Chunk chunk = fresh.chunks.get(0);
            List<Integer> key = keyOf(chunk);
            Shared shared = sharedByKey.get(key);
            if (shared == null || shared.chunk.size + chunk.size > Shared.MAX_ROWS) {
                shared = new Shared(chunk, key);
                sharedByKey.put(key, shared);
                chunks.add(chunk);
            } else {
                shared.append(chunk);
            }
            shared.add(fresh, chunk.size);
            fresh.shared = shared;
            fresh.chunks = List.of();
        } else {
            chunks.addAll(fresh.chunks);
        }
    }

    /** @return the values of a sealed chunk's {@link Chunk#CONSTANT} dimensions */
    private static List<Integer> keyOf(Chunk chunk) {
        return Arrays.stream(Chunk.CONSTANTS).mapToObj(chunk::min).toList();
    }

    /** @return the number of line items committed */
    public synchronized long size() {
        return rows;
    }

    /**
     * Sums the amounts of the rows a selection accepts, per cell of its keys, bucket and currency.
     *
     * @param selection what to sum and how to group it
     * @return the exact sums
     */
    public synchronized Aggregation aggregate(Selection selection) {
        return new CostKernel(this, selection, chunks).run();
    }

    /**
     * Sums the rows a query accepts per (bucket of its granularity, project, group-by values, currency).
     *
     * @param query the period, granularity, filters and group-by
     * @param sink receives each cell once, in no particular order
     */
    public void cells(CostQuery query, Consumer<CostCell> sink) {
        cells(sums(query, query.filters()), query, sink);
    }

    /**
     * Like {@link #cells(CostQuery, Consumer)}, for the rows of some service accounts only.
     *
     * @param query the period, granularity, filters and group-by
     * @param accounts the service accounts in scope
     * @param sink receives each cell once, in no particular order
     */
    public void cells(CostQuery query, Collection<ServiceAccountId> accounts, Consumer<CostCell> sink) {
        cells(sums(query, accounts), query, sink);
    }

    /**
     * Like {@link #cells(CostQuery, Collection, Consumer)}, the cells in columns: key column 0 the project, then
     * the group-by values.
     *
     * @param query the period, granularity, filters and group-by
     * @param accounts the service accounts in scope
     * @return the cells, each once, in no particular order
     */
    public Aggregation sums(CostQuery query, Collection<ServiceAccountId> accounts) {
        return sums(query, inScope(query, accounts));
    }

    /**
     * Sums the rows of some service accounts that a query accepts as a report needs them ({@link RollupSink}): as
     * the cells of {@link #sums}, or, when the cross product of the projects and the group-by values would have
     * many more cells than its two roll-ups together, as the roll-ups, each summed by its own pass over the rows
     * (from the same rows: no commit comes between them).
     *
     * @param query the period, granularity, filters and group-by
     * @param accounts the service accounts in scope
     * @param sink receives the sums
     */
    public void rollups(CostQuery query, Collection<ServiceAccountId> accounts, RollupSink sink) {
        Map<Dimension, Set<String>> filters = inScope(query, accounts);
        List<Dimension> groupBy = query.groupBy();
        if (groupBy.isEmpty() || groupBy.contains(Dimension.PROJECT) || groupBy.contains(Dimension.SERVICE_ACCOUNT)) {
            // the projects' series are the cells, or the project is a function of the rows' keys: no more cells
            sink.cells(sums(query, filters));
            return;
        }
        Aggregation series;
        Aggregation rows;
        synchronized (this) {
            CostKernel byValues = new CostKernel(this, selection(query, filters, groupBy), chunks);
            CostKernel byProject = new CostKernel(this, selection(query, filters, List.of(Dimension.PROJECT)), chunks);
            if (!worthSplitting(byValues.keySpace(), byProject.keySpace())) {
                sink.cells(sums(query, filters));
                return;
            }
            series = byProject.run();
            rows = byValues.run();
        }
        sink.projectSeries(series);
        sink.rows(rows);
    }

    /**
     * Whether summing the two roll-ups in two passes over the rows costs less than the cells of their cross
     * product. The cross product has at most as many cells as key space or rows, and moving a cell to the report
     * costs about as much as {@value #CELL_COST_IN_ROWS} rows of a pass.
     */
    private boolean worthSplitting(long rowsKeySpace, long seriesKeySpace) {
        int projects = Math.max(1, dictionary(Dimension.Fixed.PROJECT).size());
        long cross = rowsKeySpace > Long.MAX_VALUE / projects ? Long.MAX_VALUE : rowsKeySpace * projects;
        long fewer = Math.min(cross, rows) - Math.min(rowsKeySpace, rows) - Math.min(seriesKeySpace, rows);
        return fewer > 0 && fewer * CELL_COST_IN_ROWS > rows;
    }

    /**
     * Sums the rows of some service accounts that an allocator's inner query reads, routed as they are summed: per
     * bucket, registered project, the values the asked query tells apart and route (see
     * {@link Allocator.StoreRouting}).
     *
     * With them, when the allocated report's rows are the raw rows of the query asked
     * ({@link Allocator.StoreRouting#rowsQuery()}), those rows, from the same rows (no commit comes between).
     *
     * @param query the allocator's inner query, with the tag aliases it reads with
     * @param accounts the service accounts in scope
     * @param routing the routing of the allocator, for this aggregation
     * @param cube the allocator's cube, which receives the sums
     */
    void routed(CostQuery query, Collection<ServiceAccountId> accounts, Allocator.StoreRouting routing, CostCube cube) {
        List<Dimension> keys = new ArrayList<>();
        keys.add(Dimension.PROJECT);
        keys.addAll(routing.kept());
        Selection s = selection(query, inScope(query, accounts), keys);
        Aggregation routed;
        Aggregation rows = null;
        synchronized (this) {
            routed = aggregate(new Selection(s.from(), s.to(), s.granularity(), s.filters(), s.keys(), s.metric(),
                    s.aliases(), routing));
            java.util.Optional<CostQuery> asked = routing.rowsQuery();
            if (asked.isPresent()) {
                rows = aggregate(selection(asked.get(), inScope(asked.get(), accounts), asked.get().groupBy()));
            }
        }
        routing.addTo(cube, routed);
        if (rows != null) {
            cube.targetRows(List.of(rows));
        }
    }

    private Map<Dimension, Set<String>> inScope(CostQuery query, Collection<ServiceAccountId> accounts) {
        Set<String> inScope = new HashSet<>();
        accounts.forEach(a -> inScope.add(a.value()));
        Map<Dimension, Set<String>> filters = new HashMap<>();
        filters.putAll(query.filters());
        filters.merge(Dimension.SERVICE_ACCOUNT, inScope, (asked, scope) -> {
            Set<String> both = new HashSet<>(asked);
            both.retainAll(scope);
            return both;
        });
        return filters;
    }

    private Aggregation sums(CostQuery query, Map<Dimension, Set<String>> filters) {
        List<Dimension> keys = new ArrayList<>(query.groupBy().size() + 1);
        keys.add(Dimension.PROJECT);
        keys.addAll(query.groupBy());
        return aggregate(selection(query, filters, keys));
    }

    private static Selection selection(CostQuery query, Map<Dimension, Set<String>> filters, List<Dimension> keys) {
        return new Selection(query.period().start(), query.period().end(), query.granularity(), filters, keys,
                query.metric(), query.tagAliases().orElse(TagAliases.NONE));
    }

    private static void cells(Aggregation sums, CostQuery query, Consumer<CostCell> sink) {
        Map<String, ProjectId> projects = new HashMap<>();
        String[] values = new String[query.groupBy().size()];
        for (int i = 0; i < sums.size(); i++) {
            for (int k = 0; k < values.length; k++) {
                values[k] = sums.key(i, k + 1);
            }
            sink.accept(new CostCell(sums.bucket(i), projects.computeIfAbsent(sums.key(i, 0), ProjectId::of),
                    List.of(values), new Money(sums.sum(i), sums.currency(i))));
        }
    }

    /**
     * Reads a committed segment's line items back, as they were added but for what the store does not keep: the
     * usage quantity and the correction flag (none and false), trailing zeros of amounts, and whether an effective
     * cost equal to the billed one was given (a chunk keeps effective costs only when some differ; then every row of
     * it has one). A list cost is given for every row of a chunk that keeps list costs.
     *
     * @param segment a committed segment of this store
     * @return its line items
     */
    public synchronized List<CostRecord> records(Segment segment) {
        List<CostRecord> out = new ArrayList<>();
        if (segment.shared != null) {
            records(segment.shared.chunk, segment.shared.start(segment), segment.shared.end(segment), out);
        }
        for (Chunk c : segment.chunks) {
            records(c, 0, c.size, out);
        }
        return out;
    }

    /** Adds the line items of rows {@code [from, to)} of a sealed chunk to {@code out}. */
    private void records(Chunk c, int from, int to, List<CostRecord> out) {
        String[] values = new String[DIMENSIONS.length];
        for (int row = from; row < to; row++) {
            for (int o = 0; o < DIMENSIONS.length; o++) {
                values[o] = dictionaries.get(DIMENSIONS[o]).value(c.get(o, row));
            }
            int cur = c.currency(row);
            Currency currency = currency(cur);
            out.add(CostRecord.builder().chargeDate(LocalDate.ofEpochDay(c.get(Chunk.DAY, row)))
                    .provider(ProviderId.of(values[Dimension.Fixed.PROVIDER.ordinal()]))
                    .billingAccountId(values[Dimension.Fixed.ACCOUNT.ordinal()])
                    .subAccountId(values[Dimension.Fixed.SUB_ACCOUNT.ordinal()])
                    .serviceAccount(ServiceAccountId.of(values[Dimension.Fixed.SERVICE_ACCOUNT.ordinal()]))
                    .project(ProjectId.of(values[Dimension.Fixed.PROJECT.ordinal()]))
                    .service(values[Dimension.Fixed.SERVICE.ordinal()])
                    .region(values[Dimension.Fixed.REGION.ordinal()])
                    .usageType(values[Dimension.Fixed.USAGE_TYPE.ordinal()])
                    .chargeCategory(ChargeCategory.valueOf(values[Dimension.Fixed.CHARGE_CATEGORY.ordinal()]))
                    .billedCost(new Money(amount(c.billed, row, cur), currency))
                    .effectiveCost(c.effective == null ? null : new Money(amount(c.effective, row, cur), currency))
                    .listCost(c.list == null ? null : new Money(amount(c.list, row, cur), currency))
                    .tags(tagSets.get(c.get(Chunk.TAG_SET, row))).build());
        }
    }

    /** One row's exact amount of a cost column, trailing zeros stripped. */
    private BigDecimal amount(Chunk.Costs costs, int row, int cur) {
        for (int i = 0; i < costs.overflowCount; i++) {
            if (costs.overflowRows[i] == row) {
                BigDecimal exact = costs.overflowAmounts[i];
                return exact.signum() == 0 ? BigDecimal.ZERO : exact.stripTrailingZeros();
            }
        }
        long units = costs.units[row];
        return units == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(units, scales[cur]).stripTrailingZeros();
    }

    Dictionary dictionary(Dimension.Fixed d) {
        return dictionaries.get(d);
    }

    TagSets tagSets() {
        return tagSets;
    }

    int currencyCount() {
        synchronized (currencies) {
            return currencies.size();
        }
    }

    Currency currency(int id) {
        synchronized (currencies) {
            return currencies.get(id);
        }
    }

    int scale(int currency) {
        return scales[currency];
    }

    private int currencyId(Currency currency) {
        synchronized (currencies) {
            int id = currencies.indexOf(currency);
            if (id >= 0) {
                return id;
            }
            if (currencies.size() == MAX_CURRENCIES) {
                throw new IllegalStateException("more than " + MAX_CURRENCIES + " currencies in one cost store");
            }
            currencies.add(currency);
            return currencies.size() - 1;
        }
    }

    /**
     * What {@link #aggregate} sums: the {@code metric}'s costs of the rows in {@code [from, to)} whose value on
     * every filtered dimension is one of the allowed ones, grouped by {@code keys}, by bucket when a granularity is
     * given, and always by currency; tags read through {@code aliases}.
     *
     * @param from the first day, inclusive
     * @param to the last day, exclusive
     * @param granularity the buckets of the days, or null for none
     * @param filters the allowed values per dimension
     * @param keys the dimensions to group by, in order
     * @param metric the costs to sum
     * @param aliases how tags are read
     * @param routing when not null, the rows are also grouped by their route, a last key whose codes are the
     *     routing's route ids (it has no dictionary)
     */
    public record Selection(LocalDate from, LocalDate to, Granularity granularity,
                            Map<Dimension, Set<String>> filters, List<Dimension> keys, Metric metric,
                            TagAliases aliases, Allocator.StoreRouting routing) {

        /** Copies the filters and keys. */
        public Selection {
            filters = Map.copyOf(filters);
            keys = List.copyOf(keys);
            java.util.Objects.requireNonNull(metric, "metric");
            java.util.Objects.requireNonNull(aliases, "aliases");
        }

        /** A selection without routing. */
        public Selection(LocalDate from, LocalDate to, Granularity granularity, Map<Dimension, Set<String>> filters,
                         List<Dimension> keys, Metric metric, TagAliases aliases) {
            this(from, to, granularity, filters, keys, metric, aliases, null);
        }

        /** A selection of billed costs, tags read without aliases. */
        public Selection(LocalDate from, LocalDate to, Granularity granularity, Map<Dimension, Set<String>> filters,
                         List<Dimension> keys) {
            this(from, to, granularity, filters, keys, Metric.BILLED, TagAliases.NONE);
        }
    }

    /**
     * The rows of one fetch, appended from one thread, invisible until {@link #commit}ted, and
     * removable whole by {@link #replace}. Rows are kept in chunks of one (provider, service account,
     * project).
     */
    public final class Segment {
        /** Its chunks: a growing list while records are added, an immutable one once committed. */
        private List<Chunk> chunks = new ArrayList<>();
        /** What adding records needs; null once committed (a committed segment is a store's window: kept lean). */
        private Writer writer = new Writer();
        /** Once committed, when its rows are in a shared chunk (and {@link #chunks} is empty): that chunk. */
        private Shared shared;

        private Segment() {
        }

        private boolean committed() {
            return writer == null;
        }

        /** @return the number of its line items (none once another segment replaced it) */
        public long size() {
            synchronized (ColumnarStore.this) {
                long n = shared == null ? 0 : shared.end(this) - shared.start(this);
                for (Chunk chunk : chunks) {
                    n += chunk.size;
                }
                return n;
            }
        }

        /**
         * @param records line items, in order
         * @throws IllegalStateException when the segment is committed
         */
        public void addAll(List<CostRecord> records) {
            for (int i = 0, n = records.size(); i < n; i++) {
                add(records.get(i));
            }
        }

        /**
         * @return the exact sum of the amounts added so far, per project and currency (the roll-up a
         *     whole-month report over many windows reads instead of their rows)
         * @throws IllegalStateException when the segment is committed
         */
        public Map<String, Map<Currency, BigDecimal>> totalsByProject() {
            int[] scales = writer().scales;
            Map<Integer, List<Chunk>> byProject = new HashMap<>();
            for (Chunk chunk : chunks) {
                byProject.computeIfAbsent(chunk.constant(Dimension.Fixed.PROJECT.ordinal()), p -> new ArrayList<>())
                        .add(chunk);
            }
            Map<String, Map<Currency, BigDecimal>> out = new HashMap<>();
            byProject.forEach((p, cs) -> out.put(dictionary(Dimension.Fixed.PROJECT).value(p), sum(cs, scales)));
            return out;
        }

        private Map<Currency, BigDecimal> sum(List<Chunk> of, int[] scales) {
            int n = currencyCount();
            long[] units = new long[n];
            BigDecimal[] big = new BigDecimal[n];
            boolean[] seen = new boolean[n];
            for (Chunk chunk : of) {
                Chunk.Costs billed = chunk.billed;
                for (int i = 0; i < chunk.size; i++) {
                    int cur = chunk.currency(i);
                    seen[cur] = true;
                    long x = units[cur];
                    long a = billed.units[i];
                    long r = x + a;
                    if (((x ^ r) & (a ^ r)) < 0) {
                        BigDecimal old = BigDecimal.valueOf(x, Math.max(0, scales[cur]));
                        big[cur] = big[cur] == null ? old : big[cur].add(old);
                        r = a;
                    }
                    units[cur] = r;
                }
                for (int o = 0; o < billed.overflowCount; o++) {
                    int cur = chunk.currency(billed.overflowRows[o]);
                    big[cur] = big[cur] == null ? billed.overflowAmounts[o] : big[cur].add(billed.overflowAmounts[o]);
                }
            }
            Map<Currency, BigDecimal> totals = new HashMap<>();
            for (int c = 0; c < n; c++) {
                if (seen[c]) {
                    BigDecimal t = BigDecimal.valueOf(units[c], Math.max(0, scales[c]));
                    totals.put(currency(c), big[c] == null ? t : t.add(big[c]));
                }
            }
            return totals;
        }

        /**
         * @param record a line item
         * @throws IllegalStateException when the segment is committed
         */
        public void add(CostRecord record) {
            Writer w = writer();
            int[] key = w.chunkKey;
            for (int o : Chunk.CONSTANTS) {
                key[o] = w.ids[o].id(DIMENSIONS[o].valueOf(record));
            }
            if (w.open == null || w.open.isFull() || !w.open.hasKey(key)) {
                if (w.open != null) {
                    w.open.seal();
                }
                w.open = new Chunk(key, FIRST_CAPACITY);
                chunks.add(w.open);
            }
            Money billedCost = record.billedCost();
            Currency currency = billedCost.currency();
            if (currency != w.lastCurrency) {
                w.lastCurrencyId = currencyId(currency);
                w.lastCurrency = currency;
            }
            int cur = w.lastCurrencyId;
            BigDecimal billed = billedCost.amount();
            BigDecimal effective = record.effectiveCostGiven() ? record.effectiveCost().amount() : null;
            if (effective != null && effective.compareTo(billed) == 0) {
                effective = null;
            }
            BigDecimal list = record.listCost().map(Money::amount).orElse(null);
            widen(w, cur, billed);
            if (effective != null) {
                widen(w, cur, effective);
            }
            if (list != null) {
                widen(w, cur, list);
            }
            LocalDate date = record.chargeDate();
            if (date != w.lastDate) {
                w.lastDay = (int) date.toEpochDay();
                w.lastDate = date;
            }
            for (int o : Chunk.COLUMNS) {
                key[o] = w.ids[o].id(DIMENSIONS[o].valueOf(record));
            }
            Map<String, String> tags = record.tags();
            if (tags != w.lastTags) {
                w.lastTagSet = tags.isEmpty() ? 0 : tagSets.id(tags);
                w.lastTags = tags;
            }
            Chunk chunk = w.open;
            if (effective != null) {
                chunk.effectiveColumn(); // a copy of the billed costs so far, made before this row's are written
            }
            int row = chunk.append(w.lastDay, cur, key, w.lastTagSet);
            int scale = w.scales[cur];
            put(chunk.billed, row, scale, billed);
            if (chunk.effective != null) {
                put(chunk.effective, row, scale, effective == null ? billed : effective);
            }
            if (list != null) {
                put(chunk.listColumn(), row, scale, list);
            }
        }

        private Writer writer() {
            if (writer == null) {
                throw new IllegalStateException("segment already committed");
            }
            return writer;
        }

        /** Raises the scale of a currency (rescaling the rows held) so that {@code amount} fits it exactly. */
        private void widen(Writer w, int cur, BigDecimal amount) {
            if (cur >= w.scales.length) {
                int was = w.scales.length;
                w.scales = Arrays.copyOf(w.scales, cur + 1);
                Arrays.fill(w.scales, was, w.scales.length, -1);
            }
            int scale = Scales.scaleOf(amount);
            if (scale > w.scales[cur]) {
                if (w.scales[cur] >= 0) {
                    for (Chunk chunk : chunks) {
                        chunk.rescale(cur, w.scales[cur], scale - w.scales[cur]);
                    }
                }
                w.scales[cur] = scale;
            }
        }

        /** Writes one cost of a row: scaled when it fits a long, else exactly in the overflow list. */
        private static void put(Chunk.Costs costs, int row, int scale, BigDecimal amount) {
            long scaled = Scales.scaleOf(amount) < 0 ? Long.MIN_VALUE : Scales.toScaled(amount, scale);
            if (scaled == Long.MIN_VALUE) {
                costs.overflow(row, amount);
            } else {
                costs.units[row] = scaled;
            }
        }

        private ColumnarStore store() {
            return ColumnarStore.this;
        }

        /**
         * Seals the open chunk and drops what adding records needed: the segment takes no more records.
         *
         * @return per currency id, the scale of its amounts (-1: none)
         */
        private int[] seal() {
            Writer w = writer;
            if (w.open != null) {
                w.open.seal();
            }
            chunks = List.copyOf(chunks);
            writer = null;
            return w.scales;
        }
    }

    /**
     * The rows of small committed segments of one chunk key, in one chunk: a segment of a few line items (a window
     * of an account with little use) would otherwise take more memory for its own chunk's arrays and headers than
     * for its rows. Each segment's rows are a run, in the order the segments were added; removing a segment rebuilds
     * the chunk, in place, without its run. Only segments of one chunk of billed costs alone are shared, so that
     * sharing changes neither a sum nor the costs a row reads back with.
     */
    private static final class Shared {
        /** The most rows of a shared chunk: a rebuild copies them. */
        static final int MAX_ROWS = 4096;
        final Chunk chunk;
        final List<Integer> key;
        /** The segments whose rows it holds, in order, and where each one's rows end. */
        private Segment[] owners = new Segment[0];
        private int[] ends = new int[0];

        Shared(Chunk chunk, List<Integer> key) {
            this.chunk = chunk;
            this.key = key;
        }

        /** Appends the rows of a sealed chunk (of this key, at the store's scales, billed costs alone). */
        void append(Chunk rows) {
            chunk.rowsOf(Chunk.concat(chunk, 0, chunk.size, rows, 0, rows.size));
        }

        /** Records that the last {@code rows} rows are {@code segment}'s. */
        void add(Segment segment, int rows) {
            int n = owners.length;
            owners = Arrays.copyOf(owners, n + 1);
            ends = Arrays.copyOf(ends, n + 1);
            owners[n] = segment;
            ends[n] = (n == 0 ? 0 : ends[n - 1]) + rows;
        }

        int start(Segment segment) {
            int i = indexOf(segment);
            return i == 0 ? 0 : ends[i - 1];
        }

        int end(Segment segment) {
            return ends[indexOf(segment)];
        }

        /** Removes a segment's rows. @return how many */
        int remove(Segment segment) {
            int i = indexOf(segment);
            int start = i == 0 ? 0 : ends[i - 1];
            int count = ends[i] - start;
            chunk.rowsOf(Chunk.concat(chunk, 0, start, chunk, ends[i], chunk.size));
            int n = owners.length;
            Segment[] o = new Segment[n - 1];
            int[] e = new int[n - 1];
            System.arraycopy(owners, 0, o, 0, i);
            System.arraycopy(owners, i + 1, o, i, n - 1 - i);
            System.arraycopy(ends, 0, e, 0, i);
            for (int k = i + 1; k < n; k++) {
                e[k - 1] = ends[k] - count;
            }
            owners = o;
            ends = e;
            return count;
        }

        private int indexOf(Segment segment) {
            for (int i = 0; i < owners.length; i++) {
                if (owners[i] == segment) {
                    return i;
                }
            }
            throw new IllegalStateException("not a segment of this shared chunk");
        }
    }

    /** What a segment needs while records are added to it. */
    private final class Writer {
        /** Per currency id: the scale of the segment's amounts (-1: none yet); as long as the ids seen. */
        int[] scales = new int[0];
        Chunk open;
        Currency lastCurrency;
        int lastCurrencyId;
        /** Per dimension ordinal: dictionary ids through this segment's cache (line items repeat values). */
        final ValueIds[] ids = new ValueIds[DIMENSIONS.length];
        /** The last tag map seen and its set id: providers share one map between line items with the same tags. */
        Map<String, String> lastTags = Map.of();
        int lastTagSet;
        /** Per dimension ordinal: the current record's ids (of the chunk key and of the columns). */
        final int[] chunkKey = new int[DIMENSIONS.length];
        LocalDate lastDate;
        int lastDay;

        Writer() {
            for (Dimension.Fixed d : DIMENSIONS) {
                ids[d.ordinal()] = new ValueIds(dictionary(d));
            }
        }
    }
}
