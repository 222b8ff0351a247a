package dev.billing.core.internal;

import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.TagAliases;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One aggregation over a {@link ColumnarStore}'s chunks, column at a time.
 *
 * <p>A cell's key is a mixed-radix number over its digits: the bucket (when a granularity is
 * given), each group-by dimension's dictionary id, then the currency id. Per chunk, the zone maps
 * bound every digit; when the chunk's local key space is small its rows are summed into a dense
 * scratch array by local key and only the touched cells are moved to the result table, so the
 * per-row work is a few sequential passes and one array update. Otherwise rows go straight into
 * the result table. Sums are longs checked for overflow; an overflowing cell continues in
 * {@link BigDecimal}.
 *
 * <p>A tag dimension's digit is the id of the row's value of that key in a dictionary made for the query: each
 * tag set of the store is read once (through the query's aliases) into that id, so a row costs one array lookup.
 */
final class CostKernel {
    private static final int LOCAL_LIMIT = 1 << 18;
    private static final int BUCKET = -1;
    private static final int CURRENCY = -2;
    /** The digit of a row's route, when the selection routes ({@link Allocator.StoreRouting}). */
    private static final int ROUTE = -3;
    /** The digit of the query's tag dimension {@code t} is {@code TAG - t}. */
    private static final int TAG = -4;
    /** The most combinations of routed values a chunk's routes are looked up in an array by, per row of the chunk. */
    private static final int ROUTE_MEMO_PER_ROW = 4;
    private static final int DIMENSIONS = Dimension.Fixed.values().length;

    private final ColumnarStore store;
    private final List<Chunk> chunks;
    private final int from;
    private final int to;
    /**
     * Per digit, most significant first: a fixed dimension's ordinal, {@link #BUCKET}, {@link #CURRENCY} or
     * {@code TAG - t} for the query's tag dimension {@code t}.
     */
    private final int[] digits;
    private final long[] radix;
    /** Where each group-by key, the bucket (-1 when none) and the currency are among the digits. */
    private final int[] keyDigit;
    private final int bucketDigit;
    private final int currencyDigit;
    private final boolean[][] allowed = new boolean[DIMENSIONS][];
    private final Dimension.Fixed[] filtered;
    /** The query's tag dimensions (grouped by or filtered), their values' dictionaries, each tag set's value id. */
    private final List<Dimension.Tag> tags = new ArrayList<>();
    private final Dictionary[] tagValues;
    private final int[][] tagValueOfSet;
    /** Per tag dimension: per tag set, whether its value passes the filters; null when the tag is not filtered. */
    private final boolean[][] tagAllowed;
    private final Dictionary[] keyDictionary;
    private final Metric metric;
    private final int[] bucketOfDay;
    private final int[] bucketStart;
    /** Decides each row's route, or null when the selection does not route. */
    private final Allocator.StoreRouting routing;
    /** The digits (as {@link #digits} names them) of the values the routing reads. */
    private final int[] routeReads;
    /** The routes seen, as the routing's numbers in decimal: a route's digit is its id here. */
    private final Dictionary routes = new Dictionary();
    /** Per chunk of {@link #chunks}: each row's route id, or null for a chunk no row of which is summed. */
    private int[][] routeOfRow;
    /** The route ids of the chunk being processed. */
    private int[] chunkRoutes;

    private long[] keys = new long[0];
    private long[] localSums = new long[0];
    private long[] localSeen = new long[0];
    private final Map<Integer, BigDecimal> localBig = new HashMap<>();
    private final int[] offset;
    private final long[] localRadix;
    private CellTable cells;
    private final CellRuns runs = new CellRuns();

    /**
     * Digits are ordered so that those constant within most chunks come first: a chunk's cells then
     * share a key prefix, and chunks stored in key order hand over their cells already sorted.
     */
    CostKernel(ColumnarStore store, ColumnarStore.Selection selection, List<Chunk> chunks) {
        this.store = store;
        this.chunks = chunks;
        this.from = (int) selection.from().toEpochDay();
        this.to = (int) selection.to().toEpochDay();
        this.metric = selection.metric();
        Granularity granularity = selection.granularity();
        List<Dimension> groupBy = selection.keys();
        Map<Dimension, Set<String>> filters = selection.filters();
        this.routing = selection.routing();
        List<Dimension> routed = routing == null ? List.of() : routing.reads();
        for (Dimension d : routed) {
            if (d instanceof Dimension.Tag t && !tags.contains(t)) {
                tags.add(t);
            }
        }
        for (Dimension d : groupBy) {
            if (d instanceof Dimension.Tag t && !tags.contains(t)) {
                tags.add(t);
            }
        }
        for (Dimension d : filters.keySet()) {
            if (d instanceof Dimension.Tag t && !tags.contains(t)) {
                tags.add(t);
            }
        }
        tagValues = new Dictionary[tags.size()];
        tagValueOfSet = new int[tags.size()][];
        tagAllowed = new boolean[tags.size()][];
        readTags(store.tagSets(), selection.aliases(), filters);
        routeReads = routed.stream().mapToInt(d -> d instanceof Dimension.Fixed f ? f.ordinal()
                : TAG - tags.indexOf((Dimension.Tag) d)).toArray();
        int keys = groupBy.size() + (routing == null ? 0 : 1);
        int n = keys + (granularity == null ? 1 : 2);
        int[] given = new int[n];
        long[] givenRadix = new long[n];
        int j = 0;
        int days = Math.max(0, to - from);
        bucketOfDay = new int[days];
        if (granularity != null) {
            int buckets = 0;
            int[] starts = new int[days];
            for (int d = 0; d < days; d++) {
                int start = (int) granularity.bucketStart(LocalDate.ofEpochDay(from + d)).toEpochDay();
                if (buckets == 0 || starts[buckets - 1] != start) {
                    starts[buckets++] = start;
                }
                bucketOfDay[d] = buckets - 1;
            }
            bucketStart = Arrays.copyOf(starts, buckets);
            given[j] = BUCKET;
            givenRadix[j++] = Math.max(1, buckets);
        } else {
            bucketStart = null;
        }
        keyDictionary = new Dictionary[keys];
        for (int k = 0; k < groupBy.size(); k++) {
            Dimension d = groupBy.get(k);
            if (d instanceof Dimension.Fixed f) {
                given[j] = f.ordinal();
                keyDictionary[k] = store.dictionary(f);
            } else {
                int t = tags.indexOf((Dimension.Tag) d);
                given[j] = TAG - t;
                keyDictionary[k] = tagValues[t];
            }
            givenRadix[j++] = Math.max(1, keyDictionary[k].size());
        }
        if (routing != null) {
            // the radix is known once the rows are routed (run)
            keyDictionary[groupBy.size()] = routes;
            given[j] = ROUTE;
            givenRadix[j++] = 1;
        }
        given[j] = CURRENCY;
        givenRadix[j] = Math.max(1, store.currencyCount());
        Integer[] order = new Integer[n];
        long[] constant = new long[n];
        for (int d = 0; d < n; d++) {
            order[d] = d;
            for (Chunk c : chunks) {
                constant[d] += c.size > 0 && isConstant(c, given[d]) ? 1 : 0;
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(constant[b], constant[a]));
        this.digits = new int[n];
        this.radix = new long[n];
        this.keyDigit = new int[keys];
        int bucket = -1;
        int currency = -1;
        int firstKey = granularity == null ? 0 : 1;
        for (int d = 0; d < n; d++) {
            int was = order[d];
            this.digits[d] = given[was];
            this.radix[d] = givenRadix[was];
            if (given[was] == BUCKET) {
                bucket = d;
            } else if (given[was] == CURRENCY) {
                currency = d;
            } else {
                keyDigit[was - firstKey] = d;
            }
        }
        bucketDigit = bucket;
        currencyDigit = currency;
        List<Dimension.Fixed> fixedFilters = new ArrayList<>();
        for (Dimension d : filters.keySet()) {
            if (d instanceof Dimension.Fixed f) {
                allowed[f.ordinal()] = allowedIds(store.dictionary(f), f, filters);
                fixedFilters.add(f);
            }
        }
        filtered = fixedFilters.toArray(Dimension.Fixed[]::new);
        offset = new int[n];
        localRadix = new long[n];
    }

    /** Reads each tag set's value of each of the query's tag keys, once, and whether it passes the filters. */
    private void readTags(TagSets sets, TagAliases aliases, Map<Dimension, Set<String>> filters) {
        int n = sets.size();
        for (int t = 0; t < tags.size(); t++) {
            Dimension.Tag tag = tags.get(t);
            Dictionary values = new Dictionary();
            int[] valueOf = new int[n];
            boolean[] ok = filters.containsKey(tag) ? new boolean[n] : null;
            for (int s = 0; s < n; s++) {
                String v = aliases.valueOf(sets.get(s), tag.tagKey());
                valueOf[s] = values.id(v);
                if (ok != null) {
                    ok[s] = tag.passes(filters, v);
                }
            }
            tagValues[t] = values;
            tagValueOfSet[t] = valueOf;
            tagAllowed[t] = ok;
        }
    }

    /** Per dictionary id: whether its value passes the filters, as {@link Dimension#passes} decides. */
    private static boolean[] allowedIds(Dictionary dictionary, Dimension d, Map<Dimension, Set<String>> filters) {
        boolean[] ok = new boolean[dictionary.size()];
        for (int id = 0; id < ok.length; id++) {
            ok[id] = d.passes(filters, dictionary.value(id));
        }
        return ok;
    }

    private boolean isConstant(Chunk c, int digit) {
        if (digit == BUCKET) {
            return to > from && c.maxDay >= from && c.minDay < to && bucketOfDay[Math.max(c.minDay, from) - from]
                    == bucketOfDay[Math.min(c.maxDay, to - 1) - from];
        }
        if (digit == CURRENCY) {
            return c.minCurrency == c.maxCurrency;
        }
        if (digit == ROUTE) {
            return false;
        }
        if (digit <= TAG) {
            return c.tagSets == null;
        }
        return c.min(digit) == c.max(digit);
    }

    /** @return the number of possible cell keys */
    long keySpace() {
        long keySpace = 1;
        for (long r : radix) {
            keySpace = Math.multiplyExact(keySpace, r);
        }
        return keySpace;
    }

    Aggregation run() {
        long rows = 0;
        for (Chunk c : chunks) {
            rows += c.size;
        }
        if (routing != null) {
            routeOfRow = new int[chunks.size()][];
            for (int i = 0; i < chunks.size() && to > from; i++) {
                routeOfRow[i] = skips(chunks.get(i)) ? null : route(chunks.get(i));
            }
            for (int j = 0; j < digits.length; j++) {
                if (digits[j] == ROUTE) {
                    radix[j] = Math.max(1, routes.size());
                }
            }
        }
        cells = new CellTable(keySpace(), rows);
        if (to > from) {
            for (int i = 0; i < chunks.size(); i++) {
                chunkRoutes = routeOfRow == null ? null : routeOfRow[i];
                process(chunks.get(i));
            }
        }
        cells.forEach((key, sum, big) -> {
            runs.add(key, sum);
            if (big != null) {
                runs.addBig(key, big);
            }
        });
        runs.finish();
        return new Aggregation(store, keyDictionary, digits, radix, keyDigit, bucketDigit, currencyDigit, bucketStart,
                runs);
    }

    /** @return whether none of a chunk's rows can be summed: none in the period, none with the metric, or filtered */
    private boolean skips(Chunk c) {
        if (c.size == 0 || c.maxDay < from || c.minDay >= to || c.costs(metric) == null) {
            return true;
        }
        for (Dimension.Fixed d : filtered) {
            int o = d.ordinal();
            if (Chunk.LAYOUT[o] == Chunk.CONSTANT && !allowed[o][c.constants[o]]) {
                return true;
            }
        }
        for (boolean[] ok : tagAllowed) {
            if (ok != null && c.tagSets == null && !ok[0]) {
                return true;
            }
        }
        return false;
    }

    /** @return the smallest (high half) and largest (low half) value of a digit among a chunk's rows, or bounds of them */
    private long bounds(Chunk c, int digit) {
        int lo;
        int hi;
        if (digit == BUCKET) {
            lo = bucketOfDay[Math.max(c.minDay, from) - from];
            hi = bucketOfDay[Math.min(c.maxDay, to - 1) - from];
        } else if (digit == CURRENCY) {
            lo = c.minCurrency;
            hi = c.maxCurrency;
        } else if (digit == ROUTE) {
            lo = Integer.MAX_VALUE;
            hi = Integer.MIN_VALUE;
            for (int i = 0; i < c.size; i++) {
                lo = Math.min(lo, chunkRoutes[i]);
                hi = Math.max(hi, chunkRoutes[i]);
            }
        } else if (digit <= TAG) {
            int[] valueOf = tagValueOfSet[TAG - digit];
            if (c.tagSets == null) {
                lo = hi = valueOf[0];
            } else {
                // the values of the chunk's range of set ids: a bound on its rows' values
                lo = Integer.MAX_VALUE;
                hi = Integer.MIN_VALUE;
                for (int set = c.tagSets.min; set <= c.tagSets.max; set++) {
                    lo = Math.min(lo, valueOf[set]);
                    hi = Math.max(hi, valueOf[set]);
                }
            }
        } else {
            lo = c.min(digit);
            hi = c.max(digit);
        }
        return ((long) lo << 32) | (hi & 0xFFFFFFFFL);
    }

    /**
     * Decides the route of each of a chunk's rows, once per distinct combination of the values the routing reads:
     * the combination is a mixed-radix number over those values' ranges in the chunk (a few passes like the key's),
     * looked up in an array, or, when the chunk's ranges allow too many combinations, in a map.
     *
     * @return each row's route id
     */
    private int[] route(Chunk c) {
        int n = c.size;
        int m = routeReads.length;
        int[] off = new int[m];
        long[] r = new long[m];
        long combinations = 1;
        for (int j = 0; j < m; j++) {
            long b = bounds(c, routeReads[j]);
            off[j] = (int) (b >> 32);
            r[j] = (int) b - off[j] + 1L;
            combinations = Math.multiplyHigh(combinations, r[j]) != 0 ? Long.MAX_VALUE : combinations * r[j];
        }
        String registered = store.dictionary(Dimension.Fixed.PROJECT)
                .value(c.constants[Dimension.Fixed.PROJECT.ordinal()]);
        int[] out = new int[n];
        String[] values = new String[m];
        if (combinations <= Math.max(1 << 12, (long) ROUTE_MEMO_PER_ROW * n)) {
            if (keys.length < n) {
                keys = new long[Chunk.MAX_ROWS];
            }
            long[] k = keys;
            Arrays.fill(k, 0, n, 0);
            for (int j = 0; j < m; j++) {
                if (r[j] > 1) {
                    addDigit(c, k, n, routeReads[j], r[j], off[j]);
                }
            }
            int[] memo = new int[(int) combinations];
            Arrays.fill(memo, -1);
            for (int i = 0; i < n; i++) {
                int at = (int) k[i];
                int id = memo[at];
                if (id < 0) {
                    long rest = at;
                    for (int j = m - 1; j >= 0; j--) {
                        values[j] = value(routeReads[j], (int) (rest % r[j]) + off[j]);
                        rest /= r[j];
                    }
                    id = memo[at] = routes.id(Long.toString(routing.route(registered, values)));
                }
                out[i] = id;
            }
        } else {
            Map<List<Integer>, Integer> memo = new HashMap<>();
            for (int i = 0; i < n; i++) {
                Integer[] ids = new Integer[m];
                for (int j = 0; j < m; j++) {
                    ids[j] = valueAt(c, routeReads[j], i);
                }
                out[i] = memo.computeIfAbsent(List.of(ids), combination -> {
                    for (int j = 0; j < m; j++) {
                        values[j] = value(routeReads[j], combination.get(j));
                    }
                    return routes.id(Long.toString(routing.route(registered, values)));
                });
            }
        }
        return out;
    }

    /** @return row {@code i}'s value id of a dimension digit (a fixed dimension's or a tag's) */
    private int valueAt(Chunk c, int digit, int i) {
        if (digit <= TAG) {
            return tagValueOfSet[TAG - digit][c.tagSets == null ? 0 : c.tagSets.get(i)];
        }
        return Chunk.LAYOUT[digit] == Chunk.CONSTANT ? c.constants[digit] : c.columns[digit].get(i);
    }

    /** @return the value of an id of a dimension digit (a fixed dimension's or a tag's) */
    private String value(int digit, int id) {
        return digit <= TAG ? tagValues[TAG - digit].value(id)
                : store.dictionary(Dimension.Fixed.values()[digit]).value(id);
    }

    private void process(Chunk c) {
        if (skips(c)) {
            return;
        }
        Chunk.Costs costs = c.costs(metric);
        long localSize = 1;
        for (int j = 0; j < digits.length; j++) {
            long b = bounds(c, digits[j]);
            int lo = (int) (b >> 32);
            int hi = (int) b;
            offset[j] = lo;
            localRadix[j] = hi - lo + 1L;
            localSize *= localRadix[j];
        }
        // a dense result table is as cheap to add to as the local one when the chunk touches few of its
        // cells, and spares mapping every local cell back to its global key
        boolean local = localSize <= LOCAL_LIMIT && (!cells.isDense() || localSize * 2 <= c.size);
        int n = c.size;
        if (keys.length < n) {
            keys = new long[Chunk.MAX_ROWS];
        }
        long[] k = keys;
        Arrays.fill(k, 0, n, 0);
        for (int j = 0; j < digits.length; j++) {
            if (local && localRadix[j] == 1) {
                continue;
            }
            long r = local ? localRadix[j] : radix[j];
            int off = local ? offset[j] : 0;
            addDigit(c, k, n, digits[j], r, off);
        }
        boolean everyRow = true;
        for (int t = 0; t < tagAllowed.length; t++) {
            boolean[] ok = tagAllowed[t];
            if (ok != null && c.tagSets != null) {
                everyRow = false;
                c.tagSets.mask(k, n, ok, 0);
            }
        }
        for (Dimension.Fixed d : filtered) {
            int o = d.ordinal();
            if (Chunk.LAYOUT[o] == Chunk.COLUMN) {
                everyRow = false;
                c.columns[o].mask(k, n, allowed[o], 0);
            }
        }
        if (c.minDay < from || c.maxDay >= to) {
            everyRow = false;
            boolean[] inPeriod = new boolean[c.maxDay - c.minDay + 1];
            for (int d = Math.max(c.minDay, from); d < Math.min(c.maxDay + 1, to); d++) {
                inPeriod[d - c.minDay] = true;
            }
            c.days.mask(k, n, inPeriod, c.minDay);
        }
        if (local) {
            sumLocal(c, costs, k, n, (int) localSize, everyRow);
        } else {
            sumGlobal(c, costs, k, n);
        }
    }

    private void addDigit(Chunk c, long[] k, int n, int digit, long r, int off) {
        if (digit <= TAG) {
            int[] valueOf = tagValueOfSet[TAG - digit];
            if (c.tagSets == null) {
                long v = valueOf[0] - off;
                for (int i = 0; i < n; i++) {
                    k[i] = k[i] * r + v;
                }
            } else {
                c.tagSets.addMapped(k, n, r, valueOf, 0, -off);
            }
        } else if (digit == BUCKET) {
            // each of the chunk's days to its bucket; days outside the period are masked out later
            int[] bucket = new int[c.maxDay - c.minDay + 1];
            for (int d = c.minDay; d <= c.maxDay; d++) {
                bucket[d - c.minDay] = bucketOfDay[Math.min(Math.max(d, from), to - 1) - from];
            }
            c.days.addMapped(k, n, r, bucket, c.minDay, -off);
        } else if (digit == CURRENCY) {
            byte[] col = c.currency;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + ((col[i] & 0xFF) - off);
            }
        } else if (digit == ROUTE) {
            int[] route = chunkRoutes;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (route[i] - off);
            }
        } else if (Chunk.LAYOUT[digit] == Chunk.CONSTANT) {
            long v = c.constants[digit] - off;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + v;
            }
        } else {
            c.columns[digit].addTo(k, n, r, -off);
        }
    }

    private void sumLocal(Chunk c, Chunk.Costs costs, long[] k, int n, int localSize, boolean everyRow) {
        if (localSums.length < localSize) {
            localSums = new long[Math.max(localSize, 1 << 12)];
            localSeen = new long[(localSums.length + 63) >>> 6];
        }
        long[] sums = localSums;
        long[] seen = localSeen;
        long[] amount = costs.units;
        if (localSize == 1 && everyRow && costs.sumsFit(n)) {
            long s = 0;
            for (int i = 0; i < n; i++) {
                s += amount[i];
            }
            sums[0] = s;
            seen[0] = 1;
        } else if (costs.sumsFit(n)) {
            for (int i = 0; i < n; i++) {
                long key = k[i];
                if (key >= 0) {
                    int j = (int) key;
                    sums[j] += amount[i];
                    seen[j >>> 6] |= 1L << j;
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                long key = k[i];
                if (key >= 0) {
                    int j = (int) key;
                    long s = sums[j];
                    long a = amount[i];
                    long r = s + a;
                    if (((s ^ r) & (a ^ r)) < 0) {
                        localBig.merge(j, BigDecimal.valueOf(s), BigDecimal::add);
                        r = a;
                    }
                    sums[j] = r;
                    seen[j >>> 6] |= 1L << j;
                }
            }
        }
        for (int o = 0; o < costs.overflowCount; o++) {
            long key = k[costs.overflowRows[o]];
            if (key >= 0) {
                int j = (int) key;
                localBig.merge(j, unscaled(c, costs, o), BigDecimal::add);
                seen[j >>> 6] |= 1L << j;
            }
        }
        int words = (localSize + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            for (long bits = seen[w]; bits != 0; bits &= bits - 1) {
                int j = (w << 6) + Long.numberOfTrailingZeros(bits);
                long global = toGlobal(j);
                if (cells.isDense()) {
                    cells.add(global, sums[j]);
                } else {
                    runs.add(global, sums[j]);
                }
                sums[j] = 0;
                if (!localBig.isEmpty()) {
                    BigDecimal b = localBig.remove(j);
                    if (b != null) {
                        if (cells.isDense()) {
                            cells.addBig(global, b);
                        } else {
                            runs.addBig(global, b);
                        }
                    }
                }
            }
            seen[w] = 0;
        }
    }

    private long toGlobal(int local) {
        long rest = local;
        long global = 0;
        long stride = 1;
        for (int j = digits.length - 1; j >= 0; j--) {
            long r = localRadix[j];
            long digit = r == 1 ? 0 : rest % r;
            rest = r == 1 ? rest : rest / r;
            global += (digit + offset[j]) * stride;
            stride *= radix[j];
        }
        return global;
    }

    private void sumGlobal(Chunk c, Chunk.Costs costs, long[] k, int n) {
        long[] amount = costs.units;
        for (int i = 0; i < n; i++) {
            if (k[i] >= 0) {
                cells.add(k[i], amount[i]);
            }
        }
        for (int o = 0; o < costs.overflowCount; o++) {
            long key = k[costs.overflowRows[o]];
            if (key >= 0) {
                cells.addBig(key, unscaled(c, costs, o));
            }
        }
    }

    /** @return the o-th overflow amount in units of its currency's scale */
    private BigDecimal unscaled(Chunk c, Chunk.Costs costs, int o) {
        int cur = c.currency[costs.overflowRows[o]] & 0xFF;
        return costs.overflowAmounts[o].movePointRight(store.scale(cur));
    }
}
