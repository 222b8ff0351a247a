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
 *
 * <p>A selection with an allocator's routing ({@link Allocator.StoreRouting}) has one more digit, each row's route
 * (routed project, rule, split), decided before the sums, chunk by chunk and column at a time: the rules accepting a
 * row are the AND of its values' bitsets, taken once per distinct value of the store's dictionaries.
 */
final class CostKernel {
    private static final int LOCAL_LIMIT = 1 << 18;
    private static final int BUCKET = -1;
    private static final int CURRENCY = -2;
    /** The digit of a row's route, when the selection routes ({@link Allocator.StoreRouting}). */
    private static final int ROUTE = -3;
    /** The digit of the query's tag dimension {@code t} is {@code TAG - t}. */
    private static final int TAG = -4;
    private static final Dimension.Fixed[] DIMENSION = Dimension.Fixed.values();
    private static final int DIMENSIONS = DIMENSION.length;

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
    /**
     * Per word of a rule bitset, per index of {@link #routeReads}: the bitset word of each value id of that dimension
     * (of each tag set, for a tag).
     */
    private final long[][][] ruleBits;
    /** The same for the splits. */
    private final long[][][] splitBits;
    /** Scratch of {@link #route}: each row's rule and routed project. */
    private int[] ruleOfRow = new int[0];
    private int[] projectOfRow;
    /** Per routed project id: the splits whose source accepts it, or null when not asked yet. */
    private long[][] splitsOfProject = new long[16][];
    /** Per rule: the index in {@link #routeReads} of the tag it takes its project from, or -1. */
    private final int[] fromTagRead;
    /** Per tag dimension: per value id, 1 + the routed project id of that value (0: not looked up yet). */
    private final int[][] tagProjects;
    /** Per chunk of {@link #chunks}: each row's route id, or null for a chunk no row of which is summed. */
    private int[][] routeOfRow;
    /** The route ids of the chunk being processed. */
    private int[] chunkRoutes;
    /** Its distinct route ids, and each row's index among them: a chunk's local key reads the index. */
    private int[] chunkRouteIds = new int[0];
    private int[] chunkRouteIndex;
    private int chunkRouteCount;
    /** Per route id: its index in {@link #chunkRouteIds}, or -1; reset after each chunk. */
    private int[] routeIndex = new int[0];

    private long[] keys = new long[0];
    private long[] localSums = new long[0];
    private long[] localSeen = new long[0];
    private final Map<Integer, BigDecimal> localBig = new HashMap<>();
    private final int[] offset;
    private final long[] localRadix;
    private CellTable cells;
    private final CellRuns runs = new CellRuns();
    private final FusedKeys fused = new FusedKeys();

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
        ruleBits = routing == null ? new long[0][][] : bitsPerValue(routing.ruleWords(), routing::ruleBits);
        splitBits = routing == null ? new long[0][][] : bitsPerValue(routing.splitWords(), routing::splitBits);
        tagProjects = new int[tags.size()][0];
        fromTagRead = routing == null ? new int[0] : java.util.stream.IntStream.range(0, routing.rules())
                .map(routing::fromTag).toArray();
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
            // the route ids are the routing's own (no dictionary); the radix is known once the rows are routed (run)
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

    /**
     * @param bits the bitset of a value of the dimension at an index of {@link #routeReads}
     * @return per word, per index of {@link #routeReads}, the word of each value id of that dimension (for a tag, of
     *     the value of each tag set)
     */
    private long[][][] bitsPerValue(int words, java.util.function.BiFunction<Integer, String, long[]> bits) {
        long[][][] out = new long[words][routeReads.length][];
        for (int j = 0; j < routeReads.length; j++) {
            int digit = routeReads[j];
            int[] valueOf = digit <= TAG ? tagValueOfSet[TAG - digit] : null;
            Dictionary values = digit <= TAG ? tagValues[TAG - digit] : store.dictionary(DIMENSION[digit]);
            long[][] ofValue = new long[values.size()][];
            for (int id = 0; id < ofValue.length; id++) {
                ofValue[id] = bits.apply(j, values.value(id));
            }
            int ids = valueOf != null ? valueOf.length : ofValue.length;
            for (int w = 0; w < words; w++) {
                long[] word = out[w][j] = new long[Math.max(1, ids)];
                for (int id = 0; id < ids; id++) {
                    word[id] = ofValue[valueOf != null ? valueOf[id] : id][w];
                }
            }
        }
        return out;
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
            int minDay = c.min(Chunk.DAY);
            int maxDay = c.max(Chunk.DAY);
            return to > from && maxDay >= from && minDay < to
                    && bucketOfDay[Math.max(minDay, from) - from] == bucketOfDay[Math.min(maxDay, to - 1) - from];
        }
        if (digit == CURRENCY) {
            return c.min(Chunk.CURRENCY) == c.max(Chunk.CURRENCY);
        }
        if (digit == ROUTE) {
            return false;
        }
        if (digit <= TAG) {
            return !c.hasTags();
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
                    radix[j] = Math.max(1, routing.routes());
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
        if (c.size == 0 || c.max(Chunk.DAY) < from || c.min(Chunk.DAY) >= to || c.costs(metric) == null) {
            return true;
        }
        for (Dimension.Fixed d : filtered) {
            int o = d.ordinal();
            if (Chunk.LAYOUT[o] == Chunk.CONSTANT && !allowed[o][c.min(o)]) {
                return true;
            }
        }
        for (boolean[] ok : tagAllowed) {
            if (ok != null && !c.hasTags() && !ok[0]) {
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
            lo = bucketOfDay[Math.max(c.min(Chunk.DAY), from) - from];
            hi = bucketOfDay[Math.min(c.max(Chunk.DAY), to - 1) - from];
        } else if (digit == CURRENCY) {
            lo = c.min(Chunk.CURRENCY);
            hi = c.max(Chunk.CURRENCY);
        } else if (digit == ROUTE) {
            // a local key reads the index among the chunk's routes (a global one, the route id)
            lo = 0;
            hi = chunkRouteCount - 1;
        } else if (digit <= TAG) {
            int[] valueOf = tagValueOfSet[TAG - digit];
            if (!c.hasTags()) {
                lo = hi = valueOf[0];
            } else {
                // the values of the chunk's range of set ids: a bound on its rows' values
                lo = Integer.MAX_VALUE;
                hi = Integer.MIN_VALUE;
                for (int set = c.min(Chunk.TAG_SET), last = c.max(Chunk.TAG_SET); set <= last; set++) {
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
     * Decides the route of each of a chunk's rows as a live report's router does, column at a time: the rules
     * accepting each row are the AND of the bitsets of its values ({@link #ruleBits}, one per distinct value), the
     * first deciding; then its project (the rule's, the tag's value for a rule taking it from a tag, else the
     * registered one) and its split likewise.
     *
     * @return each row's route id ({@link Allocator.StoreRouting#route})
     */
    private int[] route(Chunk c) {
        int n = c.size;
        if (keys.length < n) {
            keys = new long[Chunk.MAX_ROWS];
        }
        long[] acc = keys;
        if (ruleOfRow.length < n) {
            ruleOfRow = new int[Chunk.MAX_ROWS];
            projectOfRow = new int[Chunk.MAX_ROWS];
        }
        int[] rule = ruleOfRow;
        Arrays.fill(rule, 0, n, -1);
        String registered = store.dictionary(Dimension.Fixed.PROJECT)
                .value(c.min(Dimension.Fixed.PROJECT.ordinal()));
        long[] registeredBits = routing.ruleBits(-1, registered);
        for (int w = 0; w < ruleBits.length; w++) {
            Arrays.fill(acc, 0, n, registeredBits[w]);
            for (int j = 0; j < routeReads.length; j++) {
                and(c, acc, n, routeReads[j], ruleBits[w][j]);
            }
            for (int i = 0; i < n; i++) {
                if (rule[i] < 0 && acc[i] != 0) {
                    rule[i] = (w << 6) + Long.numberOfTrailingZeros(acc[i]);
                }
            }
        }
        int own = routing.project(registered);
        int[] project = projectOfRow;
        for (int i = 0; i < n; i++) {
            int r = rule[i];
            project[i] = r < 0 ? own : routing.target(r) >= 0 ? routing.target(r) : tagProject(c, r, i);
        }
        int[] out = new int[n];
        if (splitBits.length == 0) {
            for (int i = 0; i < n; i++) {
                out[i] = routing.route(project[i], rule[i], -1);
            }
            return out;
        }
        // the split, in out until the route replaces it
        int[] split = out;
        Arrays.fill(split, -1);
        for (int w = 0; w < splitBits.length; w++) {
            Arrays.fill(acc, 0, n, -1L);
            for (int j = 0; j < routeReads.length; j++) {
                and(c, acc, n, routeReads[j], splitBits[w][j]);
            }
            for (int i = 0; i < n; i++) {
                long bits = acc[i] & splitBitsOfProject(project[i])[w];
                if (split[i] < 0 && bits != 0) {
                    split[i] = (w << 6) + Long.numberOfTrailingZeros(bits);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            out[i] = routing.route(project[i], rule[i], split[i]);
        }
        return out;
    }

    /** Numbers the distinct routes of the chunk being processed ({@link #chunkRouteIds}, {@link #chunkRouteIndex}). */
    private void indexRoutes(int n) {
        if (routeIndex.length < routing.routes()) {
            routeIndex = new int[routing.routes()];
            Arrays.fill(routeIndex, -1);
        }
        if (chunkRouteIndex == null || chunkRouteIndex.length < n) {
            chunkRouteIndex = new int[Chunk.MAX_ROWS];
        }
        for (int k = 0; k < chunkRouteCount; k++) {
            routeIndex[chunkRouteIds[k]] = -1;
        }
        chunkRouteCount = 0;
        for (int i = 0; i < n; i++) {
            int route = chunkRoutes[i];
            int k = routeIndex[route];
            if (k < 0) {
                if (chunkRouteCount == chunkRouteIds.length) {
                    chunkRouteIds = Arrays.copyOf(chunkRouteIds, Math.max(8, chunkRouteCount * 2));
                }
                k = routeIndex[route] = chunkRouteCount;
                chunkRouteIds[chunkRouteCount++] = route;
            }
            chunkRouteIndex[i] = k;
        }
    }

    /** @return the splits whose source accepts a routed project (a routed project id) */
    private long[] splitBitsOfProject(int project) {
        if (project >= splitsOfProject.length) {
            splitsOfProject = Arrays.copyOf(splitsOfProject, Math.max(project + 1, splitsOfProject.length * 2));
        }
        long[] bits = splitsOfProject[project];
        return bits != null ? bits : (splitsOfProject[project] = routing.splitBitsOfProject(project));
    }

    /** For each of a chunk's first {@code n} rows: {@code acc[i] &= bits[the row's value id of the digit]}. */
    private void and(Chunk c, long[] acc, int n, int digit, long[] bits) {
        if (digit <= TAG) {
            // a tag's bits are per tag set (see the constructor)
            if (!c.hasTags()) {
                long v = bits[0];
                for (int i = 0; i < n; i++) {
                    acc[i] &= v;
                }
            } else {
                c.andMapped(Chunk.TAG_SET, acc, n, bits);
            }
        } else if (Chunk.LAYOUT[digit] == Chunk.CONSTANT) {
            long v = bits[c.min(digit)];
            for (int i = 0; i < n; i++) {
                acc[i] &= v;
            }
        } else {
            c.andMapped(digit, acc, n, bits);
        }
    }

    /** @return the routed project of row {@code i}, matched by rule {@code r} that takes its project from a tag */
    private int tagProject(Chunk c, int r, int i) {
        int t = TAG - routeReads[fromTagRead[r]];
        int value = tagValueOfSet[t][c.get(Chunk.TAG_SET, i)];
        int[] ids = tagProjects[t];
        if (value >= ids.length) {
            ids = tagProjects[t] = Arrays.copyOf(ids, Math.max(value + 1, ids.length * 2));
        }
        if (ids[value] == 0) {
            ids[value] = 1 + routing.project(tagValues[t].value(value));
        }
        return ids[value] - 1;
    }

    private void process(Chunk c) {
        if (skips(c)) {
            return;
        }
        if (chunkRoutes != null) {
            indexRoutes(c.size);
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
        boolean everyRow;
        if (local || cells.isDense()) {
            fused.keys(c, local);
            fused.fill(k, n);
            everyRow = !fused.masks;
        } else {
            keysByDigit(c, k, n);
            everyRow = mask(c, k, n);
        }
        if (local) {
            sumLocal(c, costs, k, n, (int) localSize, everyRow);
        } else {
            sumGlobal(c, costs, k, n);
        }
    }

    /**
     * Computes the global keys of a chunk's rows digit by digit, a pass per digit, for a sparse result table (whose
     * keys may not fit the tables of {@link FusedKeys}).
     */
    private void keysByDigit(Chunk c, long[] k, int n) {
        // the first digit added multiplies what k held by 0: no pass to clear it first
        for (int j = 0; j < digits.length; j++) {
            addDigit(c, k, n, digits[j], j == 0 ? 0 : radix[j]);
        }
    }

    /**
     * Sets the key of each row the filters or the period leave out to -1.
     *
     * @return whether no row can have been left out
     */
    private boolean mask(Chunk c, long[] k, int n) {
        boolean everyRow = true;
        for (int t = 0; t < tagAllowed.length; t++) {
            boolean[] ok = tagAllowed[t];
            if (ok != null && c.hasTags()) {
                everyRow = false;
                c.mask(Chunk.TAG_SET, k, n, ok, 0);
            }
        }
        for (Dimension.Fixed d : filtered) {
            int o = d.ordinal();
            if (Chunk.LAYOUT[o] == Chunk.COLUMN) {
                everyRow = false;
                c.mask(o, k, n, allowed[o], 0);
            }
        }
        int minDay = c.min(Chunk.DAY);
        int maxDay = c.max(Chunk.DAY);
        if (minDay < from || maxDay >= to) {
            everyRow = false;
            c.mask(Chunk.DAY, k, n, inPeriod(c), minDay);
        }
        return everyRow;
    }

    /** @return per day from the chunk's first, whether it is in the period */
    private boolean[] inPeriod(Chunk c) {
        int minDay = c.min(Chunk.DAY);
        int maxDay = c.max(Chunk.DAY);
        boolean[] inPeriod = new boolean[maxDay - minDay + 1];
        for (int d = Math.max(minDay, from); d < Math.min(maxDay + 1, to); d++) {
            inPeriod[d - minDay] = true;
        }
        return inPeriod;
    }

    /** @return the bucket of each of the chunk's days, from its first (a day outside the period: the nearest) */
    private int[] buckets(Chunk c) {
        int minDay = c.min(Chunk.DAY);
        int maxDay = c.max(Chunk.DAY);
        int[] bucket = new int[maxDay - minDay + 1];
        for (int d = minDay; d <= maxDay; d++) {
            bucket[d - minDay] = bucketOfDay[Math.min(Math.max(d, from), to - 1) - from];
        }
        return bucket;
    }

    /**
     * A chunk's keys in one pass over its rows where the digit-by-digit passes read and write every row's key once per
     * digit and filter: per column a digit or a filter reads, a table gives each of the column's values its part of
     * the key (its digit times the digit's stride, or {@link #MASKED} for a value left out), so a row's key is a constant
     * plus a table entry per column. Up to {@link #SOURCES} columns of a byte a row (the common case: a window's days,
     * an account's services, its currencies) are read in that one pass; a wider column (tag set ids) adds its entries
     * in a pass of its own, as does the route. The keys of a sparse result table (its key space beyond an {@code int})
     * are made digit by digit instead ({@link #keysByDigit}).
     */
    private final class FusedKeys {
        /** At most this many columns of a byte a row are read in the one pass. */
        private static final int SOURCES = 4;
        /**
         * A table entry that makes a key negative (a row left out) whatever the other entries add: a key (local or of a
         * dense table) is below 2<sup>22</sup>, and a row has at most one such entry per column.
         */
        private static final int MASKED = Integer.MIN_VALUE / 16;
        /** The chunk whose keys are prepared. */
        private Chunk chunk;
        /** Per column of a byte a row: its slot ({@link Chunk#DAY}, a dimension's...), where its row 0 is, its table. */
        private final int[] slot = new int[SOURCES];
        private final int[] start = new int[SOURCES];
        private final int[][] table = new int[SOURCES][256];
        private int count;
        /** The wider columns' slots, each added by a pass of its own after the one pass, and their tables. */
        private int[] wide = new int[0];
        private int[][] wideTable = new int[0][];
        private int wideCount;
        /** Each row's route (an index or an id, see {@link #digit}) and its table, when a digit is the route. */
        private int[] routes;
        private int[] routeTable = new int[0];
        /** The part of every row's key that no column gives. */
        private long base;
        /** Whether some table entry leaves rows out. */
        boolean masks;
        /** Whether a filter leaves every row out. */
        private boolean none;
        /** Whether the keys are local ({@link #offset}, {@link #localRadix}) rather than global. */
        private boolean local;

        /** Prepares the tables of a chunk's keys, local or global ({@link #offset}, {@link #localRadix}). */
        void keys(Chunk c, boolean local) {
            this.local = local;
            chunk = c;
            routes = null;
            count = 0;
            wideCount = 0;
            base = 0;
            masks = false;
            none = false;
            long stride = 1;
            for (int j = digits.length - 1; j >= 0; j--) {
                long r = local ? localRadix[j] : radix[j];
                if (!(local && r == 1)) {
                    digit(c, digits[j], stride, local ? offset[j] : 0);
                }
                stride *= r;
            }
            for (int t = 0; t < tagAllowed.length; t++) {
                if (tagAllowed[t] != null) {
                    mask(c, Chunk.TAG_SET, tagAllowed[t], 0);
                }
            }
            for (Dimension.Fixed d : filtered) {
                int o = d.ordinal();
                if (Chunk.LAYOUT[o] == Chunk.COLUMN) {
                    mask(c, o, allowed[o], 0);
                }
            }
            int minDay = c.min(Chunk.DAY);
            if (minDay < from || c.max(Chunk.DAY) >= to) {
                mask(c, Chunk.DAY, inPeriod(c), minDay);
            }
        }

        /** Adds a digit: its value at each row, less {@code off}, times {@code stride}. */
        private void digit(Chunk c, int digit, long stride, int off) {
            if (digit == ROUTE) {
                // a local key reads the route's index among the chunk's routes, a global one the route's id
                routes = local ? chunkRouteIndex : chunkRoutes;
                int values = local ? chunkRouteCount : routing.routes();
                if (routeTable.length < values) {
                    routeTable = new int[Math.max(values, routeTable.length * 2)];
                }
                for (int v = 0; v < values; v++) {
                    routeTable[v] = (int) ((v - off) * stride);
                }
                return;
            }
            if (digit >= 0 && Chunk.LAYOUT[digit] == Chunk.CONSTANT) {
                base += (long) (c.min(digit) - off) * stride;
                return;
            }
            int slot = digit == BUCKET ? Chunk.DAY : digit == CURRENCY ? Chunk.CURRENCY
                    : digit <= TAG ? Chunk.TAG_SET : digit;
            // each value's digit: the day's bucket, the tag set's value, or the dictionary or currency id itself
            int[] map = digit == BUCKET ? buckets(c) : digit <= TAG ? tagValueOfSet[TAG - digit] : null;
            int first = digit == BUCKET ? c.min(Chunk.DAY) : 0;
            int min = c.min(slot);
            int range = c.max(slot) - min;
            if (range == 0) {
                base += (valueOf(map, first, min) - off) * stride;
                return;
            }
            int[] t = source(c, slot, range + 1);
            for (int v = 0; v <= range; v++) {
                t[v] += (int) ((valueOf(map, first, min + v) - off) * stride);
            }
        }

        private static int valueOf(int[] map, int first, int value) {
            return map == null ? value : map[value - first];
        }

        /** Leaves out the rows whose value {@code value} of a slot has {@code !ok[value - first]}. */
        private void mask(Chunk c, int slot, boolean[] ok, int first) {
            int min = c.min(slot);
            int range = c.max(slot) - min;
            if (range == 0) {
                if (!ok[min - first]) {
                    none = true;
                    masks = true;
                }
                return;
            }
            int[] t = source(c, slot, range + 1);
            for (int v = 0; v <= range; v++) {
                if (!ok[min + v - first]) {
                    t[v] = MASKED;
                    masks = true;
                }
            }
        }

        /**
         * @param values how many values the slot's rows have (its range + 1)
         * @return the table of a slot's values, less its minimum; cleared when new
         */
        private int[] source(Chunk c, int column, int values) {
            for (int s = 0; s < count; s++) {
                if (slot[s] == column) {
                    return table[s];
                }
            }
            for (int s = 0; s < wideCount; s++) {
                if (wide[s] == column) {
                    return wideTable[s];
                }
            }
            int at = c.byteOffset(column);
            if (at >= 0 && count < SOURCES) {
                slot[count] = column;
                start[count] = at;
                Arrays.fill(table[count], 0, values, 0);
                return table[count++];
            }
            if (wideCount == wide.length) {
                wide = Arrays.copyOf(wide, wideCount + 4);
                wideTable = Arrays.copyOf(wideTable, wideCount + 4);
            }
            wide[wideCount] = column;
            if (wideTable[wideCount] == null || wideTable[wideCount].length < values) {
                wideTable[wideCount] = new int[Math.max(values, 256)];
            }
            Arrays.fill(wideTable[wideCount], 0, values, 0);
            return wideTable[wideCount++];
        }

        /** Writes each of the first {@code n} rows' key. */
        void fill(long[] k, int n) {
            long b = none ? MASKED : base;
            byte[] rows = chunk.byteArray();
            switch (count) {
                case 0 -> Arrays.fill(k, 0, n, b);
                case 1 -> {
                    int[] t0 = table[0];
                    int s0 = start[0];
                    for (int i = 0; i < n; i++) {
                        k[i] = b + t0[rows[s0 + i] & 0xFF];
                    }
                }
                case 2 -> {
                    int[] t0 = table[0];
                    int[] t1 = table[1];
                    int s0 = start[0];
                    int s1 = start[1];
                    for (int i = 0; i < n; i++) {
                        k[i] = b + t0[rows[s0 + i] & 0xFF] + t1[rows[s1 + i] & 0xFF];
                    }
                }
                case 3 -> {
                    int[] t0 = table[0];
                    int[] t1 = table[1];
                    int[] t2 = table[2];
                    int s0 = start[0];
                    int s1 = start[1];
                    int s2 = start[2];
                    for (int i = 0; i < n; i++) {
                        k[i] = b + t0[rows[s0 + i] & 0xFF] + t1[rows[s1 + i] & 0xFF] + t2[rows[s2 + i] & 0xFF];
                    }
                }
                default -> {
                    int[] t0 = table[0];
                    int[] t1 = table[1];
                    int[] t2 = table[2];
                    int[] t3 = table[3];
                    int s0 = start[0];
                    int s1 = start[1];
                    int s2 = start[2];
                    int s3 = start[3];
                    for (int i = 0; i < n; i++) {
                        k[i] = b + t0[rows[s0 + i] & 0xFF] + t1[rows[s1 + i] & 0xFF] + t2[rows[s2 + i] & 0xFF]
                                + t3[rows[s3 + i] & 0xFF];
                    }
                }
            }
            for (int w = 0; w < wideCount; w++) {
                chunk.addMapped(wide[w], k, n, 1, wideTable[w], chunk.min(wide[w]), 0);
            }
            if (routes != null) {
                int[] route = routes;
                int[] t = routeTable;
                for (int i = 0; i < n; i++) {
                    k[i] += t[route[i]];
                }
            }
        }
    }

    private void addDigit(Chunk c, long[] k, int n, int digit, long r) {
        if (digit <= TAG) {
            int[] valueOf = tagValueOfSet[TAG - digit];
            if (!c.hasTags()) {
                long v = valueOf[0];
                for (int i = 0; i < n; i++) {
                    k[i] = k[i] * r + v;
                }
            } else {
                c.addMapped(Chunk.TAG_SET, k, n, r, valueOf, 0, 0);
            }
        } else if (digit == BUCKET) {
            // each of the chunk's days to its bucket; days outside the period are masked out later
            c.addMapped(Chunk.DAY, k, n, r, buckets(c), c.min(Chunk.DAY), 0);
        } else if (digit == CURRENCY) {
            c.addTo(Chunk.CURRENCY, k, n, r, 0);
        } else if (digit == ROUTE) {
            int[] route = chunkRoutes;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + route[i];
            }
        } else if (Chunk.LAYOUT[digit] == Chunk.CONSTANT) {
            long v = c.min(digit);
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + v;
            }
        } else {
            c.addTo(digit, k, n, r, 0);
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
        } else if (costs.sumsFit(n) && localSize <= 64) {
            // few cells: the cells seen in a register, not a read and write of memory per row; and every other row
            // summed in a second sum per cell (64 + j), so that consecutive rows of one cell do not wait on each other
            long bits = 0;
            int i = 0;
            for (; i + 1 < n; i += 2) {
                long k0 = k[i];
                long k1 = k[i + 1];
                if (k0 >= 0) {
                    sums[(int) k0] += amount[i];
                    bits |= 1L << k0;
                }
                if (k1 >= 0) {
                    sums[64 + (int) k1] += amount[i + 1];
                    bits |= 1L << k1;
                }
            }
            if (i < n && k[i] >= 0) {
                sums[(int) k[i]] += amount[i];
                bits |= 1L << k[i];
            }
            for (long b = bits; b != 0; b &= b - 1) {
                int j = Long.numberOfTrailingZeros(b);
                sums[j] += sums[64 + j];
                sums[64 + j] = 0;
            }
            seen[0] = bits;
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
            global += (digits[j] == ROUTE ? chunkRouteIds[(int) digit] : digit + offset[j]) * stride;
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
        int cur = c.currency(costs.overflowRows[o]);
        return costs.overflowAmounts[o].movePointRight(store.scale(cur));
    }
}
