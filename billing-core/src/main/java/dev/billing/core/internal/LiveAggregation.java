package dev.billing.core.internal;

import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.CostSink;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * A live report aggregated while the records stream in: the query is known before the first record
 * arrives, so each record goes straight to its cell (bucket, project, group-by values, currency) in
 * its account's {@link Partial}, a table of exact scaled longs (with a {@link BigDecimal} part where a
 * long would overflow). A partial is rolled up into one of a few {@link Shard}s, as the report's
 * {@link CostCube} keeps its cells, when its account succeeds, and dropped whole when it fails; no line item
 * is kept. A committing thread takes the first shard no other thread holds, so the fetch threads do not
 * queue behind one lock (a DAILY partial has thousands of cells); the shards are added to the cube once,
 * when the report is made.
 *
 * <p>With an {@link Allocator}, the query is its inner query and each line item's key is routed as it arrives
 * ({@link Allocator.Router}), so that the cells are only those the allocated report needs: a partial routes each
 * distinct combination of the values read per line item once (a line item's route is a function of them and of
 * the values constant for the account) and keeps its cells as (bucket, routed key's index, currency), the routed
 * keys apart, expanded as the partial is committed. The allocator reads the cube's rows only, so its cube sums no
 * project series.
 *
 * <p>Only what the query asks is computed: its period and filters are compiled once (filters on
 * a {@linkplain Dimension#perAccount() per-account} dimension are decided once per account, the others per
 * record through {@link CostQuery#accepts(Dimension, String)}, and skipped when absent), only the group-by
 * dimensions are encoded (tags read through the query's aliases, {@link CostQuery#valueOf}, once per distinct tag
 * map and fetching thread: {@link TagValueIds}), and only the
 * query's {@link Metric} is summed (an account whose provider does not give it is never fetched, and a provider
 * that declares it gives it on every line item: the fetch engine checks).
 */
public final class LiveAggregation {
    private final CostQuery query;
    private final CostCube cube;
    private final int from;
    private final int to;
    /** Per day of the period: its bucket's first day, as an epoch day. */
    private final int[] bucketOfDay;
    /** The filtered dimensions decided per record. */
    private final Dimension[] filterDimensions;
    private final Metric metric;
    private final Shard[] shards;
    /** Whether the query groups by a tag. */
    private final boolean groupsByTag;
    /**
     * Per fetching thread, per group-by key that is a tag: its memo of the value per tag map (null for the other
     * keys). Per thread rather than per account, so that a tag map is read once per thread and report.
     */
    private final Map<Thread, TagValueIds[]> tagMemos = new ConcurrentHashMap<>();
    /** Whether the shards were merged into the cube; set with every shard's lock held. */
    private boolean merged;
    /**
     * The most cells a committed partial had: a partial's table starts at this size, so that it does not grow
     * (and rehash) a dozen times while its account's records stream in. Read and written without a lock: any
     * value is a valid hint.
     */
    private volatile int cellsHint = 64;
    /** The most distinct combinations of values a committed partial routed (with an allocator): a hint likewise. */
    private volatile int combinationsHint = 64;

    /** @param query what to report */
    public LiveAggregation(CostQuery query) {
        this(query, new CostCube(query.granularity(), query.groupBy()));
    }

    /**
     * @param query what to aggregate
     * @param cube an empty cube for the query: {@link Allocator#newCube()} when it is an allocator's
     *     {@linkplain Allocator#innerQuery() inner query}, each line item's key then being routed as it arrives
     */
    public LiveAggregation(CostQuery query, CostCube cube) {
        this.query = query;
        this.cube = cube;
        this.from = (int) query.period().start().toEpochDay();
        this.to = (int) query.period().end().toEpochDay();
        this.bucketOfDay = new int[Math.max(0, to - from)];
        for (int d = 0; d < bucketOfDay.length; d++) {
            bucketOfDay[d] = (int) query.granularity().bucketStart(LocalDate.ofEpochDay(from + d)).toEpochDay();
        }
        filterDimensions = query.filters().keySet().stream().filter(d -> !d.perAccount()).toArray(Dimension[]::new);
        metric = query.metric();
        groupsByTag = query.groupBy().stream().anyMatch(Dimension.Tag.class::isInstance);
        shards = new Shard[Math.max(2, Runtime.getRuntime().availableProcessors())];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
        }
    }

    /**
     * Merges the committed partials into the report's cube, once; no partial can be committed after it.
     *
     * @return the cube the committed partials were merged into
     */
    public CostCube cube() {
        synchronized (shards) {
            if (!merged) {
                for (Shard s : shards) {
                    s.lock.lock();
                }
                try {
                    merged = true;
                    for (Shard s : shards) {
                        if (s.sums != null && s != shards[0]) {
                            cube.addAll(s.sums);
                        }
                        s.sums = null;
                    }
                } finally {
                    for (Shard s : shards) {
                        s.lock.unlock();
                    }
                }
            }
        }
        return cube;
    }

    private TagValueIds[] newTagMemos() {
        List<Dimension> groupBy = cube.groupBy();
        TagValueIds[] memos = new TagValueIds[groupBy.size()];
        for (int k = 0; k < memos.length; k++) {
            if (groupBy.get(k) instanceof Dimension.Tag t) {
                memos[k] = new TagValueIds(query, t, cube.keyValues[k]);
            }
        }
        return memos;
    }

    /**
     * @param account the service account whose records the partial receives (they carry its id and project
     *     whatever the provider put there)
     * @return a new, empty partial for that account, to be used from one thread at a time
     */
    public Partial partial(ServiceAccount account) {
        return new Partial(account);
    }

    /**
     * Adds a partial's sums to the report: to the first shard no other thread holds, or, when every shard is
     * held, to one picked at random once it is free. Thread-safe.
     *
     * @param partial a partial of this aggregation whose account succeeded
     * @throws IllegalStateException when the report was already made ({@link #cube()})
     */
    public void commit(Partial partial) {
        if (partial.owner() != this) {
            throw new IllegalArgumentException("a partial of another aggregation");
        }
        partial.closed = true;
        CellSums sums = partial.sums;
        if (sums == null || sums.size() == 0) {
            return;
        }
        if (sums.size() > cellsHint) {
            cellsHint = sums.size();
        }
        if (partial.combinations != null && partial.combinations.size() > combinationsHint) {
            combinationsHint = partial.combinations.size();
        }
        Shard s = lockShard();
        try {
            if (partial.middles != null) {
                s.add(sums, partial.middles);
            } else {
                s.add(sums);
            }
        } finally {
            s.lock.unlock();
        }
    }

    /** @return a shard, locked: the first free one from a random start, else the start once it is free */
    private Shard lockShard() {
        int n = shards.length;
        int first = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Shard s = shards[(first + i) % n];
            if (s.lock.tryLock()) {
                return s;
            }
        }
        shards[first].lock.lock();
        return shards[first];
    }

    /**
     * The committed partials' sums, rolled up as the cube keeps them (per project, per row), guarded by its lock. The
     * first shard fills the cube's own roll-ups (nothing else writes to the cube or reads it before {@link #cube()}),
     * so that only the others are added to it when the report is made.
     */
    private final class Shard {
        final ReentrantLock lock = new ReentrantLock();
        CostCube.Rollups sums;

        /** Adds a partial's cells; the caller holds the lock. */
        void add(CellSums partial) {
            if (merged) {
                throw new IllegalStateException("a partial committed after the report was made");
            }
            if (sums == null) {
                sums = this == shards[0] ? cube.ownRollups() : cube.newRollups();
            }
            sums.addAll(partial);
        }

        /** Adds a partial's compact cells (bucket, middle, currency) whose middles are in {@code middles}. */
        void add(CellSums partial, CellSums middles) {
            if (merged) {
                throw new IllegalStateException("a partial committed after the report was made");
            }
            if (sums == null) {
                sums = this == shards[0] ? cube.ownRollups() : cube.newRollups();
            }
            sums.addAll(partial, middles);
        }
    }

    /** One account's sums, filled from one thread at a time; a {@link CostSink} for its fetch. */
    public final class Partial implements CostSink {
        /** Created with the first record summed: partials of every account in scope exist while a few are fetched. */
        private CellSums sums;
        private final boolean acceptsNothing;
        private final int[] key = new int[cube.width()];
        private final int[] last = new int[cube.width()];
        /** Routes each line item's key when there is an allocator (into {@link #routed}), else null. */
        private final Allocator.Router router = cube.newRouter();
        private final int[] routed = router == null ? null : new int[cube.width()];
        /**
         * With an allocator, created with the first line item: the distinct combinations of a line item's values
         * (the ids at {@link #vary}) seen in this partial, each routed once (a line item's route is a function of
         * them and of the values constant for the account).
         */
        private CellSums combinations;
        /** Per combination: its routed key's middle in {@link #middles}. */
        private int[] middleOf;
        /**
         * With an allocator: the distinct middles (project, values, route columns: the routed key without bucket
         * and currency) of this partial's routed keys. The partial's cells are then (bucket, middle, currency).
         */
        private final CellSums middles = router == null ? null : new CellSums(cube.width() - 2, 64);
        /** With an allocator: the positions of the inner cube's group-by values read per line item. */
        private final int[] vary;
        private final int[] combination;
        private final int[] middle = router == null ? null : new int[cube.width() - 2];
        private final int[] compact = router == null ? null : new int[3];
        private int lastCell = -1;
        /**
         * Per group-by key: the fixed dimension to encode per record, or null when it is constant for the account or
         * a tag.
         */
        private final Dimension[] encode;
        private final ValueIds[] ids;
        /** The current thread's {@link #tagMemos}, and that thread. */
        private TagValueIds[] tagIds;
        private Thread tagThread;
        private final String[] lastFilterValue = new String[filterDimensions.length];
        private final boolean[] lastFilterResult = new boolean[filterDimensions.length];
        private LocalDate lastDate;
        private int lastDay;
        private Currency lastCurrency;
        private int lastCurrencyId;
        private volatile boolean closed;

        private Partial(ServiceAccount account) {
            boolean none = false;
            for (Dimension d : query.filters().keySet()) {
                Optional<String> value = d.valueOf(account);
                none |= value.isPresent() && !query.accepts(d, value.get());
            }
            acceptsNothing = none;
            key[1] = cube.projects.id(account.project().value());
            List<Dimension> groupBy = cube.groupBy();
            encode = new Dimension[groupBy.size()];
            ids = new ValueIds[groupBy.size()];
            for (int k = 0; k < groupBy.size(); k++) {
                Dimension d = groupBy.get(k);
                Optional<String> constant = d.valueOf(account);
                if (constant.isPresent()) {
                    key[2 + k] = cube.keyValues[k].id(constant.get());
                } else if (!(d instanceof Dimension.Tag)) {
                    encode[k] = d;
                    ids[k] = new ValueIds(cube.keyValues[k]);
                }
            }
            vary = router == null ? null : IntStream.range(0, groupBy.size())
                    .filter(k -> encode[k] != null || groupBy.get(k) instanceof Dimension.Tag).toArray();
            combination = router == null ? null : new int[Math.max(1, vary.length)];
        }

        private LiveAggregation owner() {
            return LiveAggregation.this;
        }

        @Override
        public void accept(CostRecord record) {
            if (acceptsNothing || closed) {
                return;
            }
            LocalDate date = record.chargeDate();
            if (date != lastDate) {
                lastDay = (int) date.toEpochDay();
                lastDate = date;
            }
            int day = lastDay;
            if (day < from || day >= to) {
                return;
            }
            for (int f = 0; f < filterDimensions.length; f++) {
                if (!passes(f, record)) {
                    return;
                }
            }
            int[] k = key;
            k[0] = bucketOfDay[day - from];
            if (groupsByTag && tagThread != Thread.currentThread()) {
                tagThread = Thread.currentThread();
                tagIds = tagMemos.computeIfAbsent(tagThread, t -> newTagMemos());
            }
            for (int j = 0; j < encode.length; j++) {
                Dimension d = encode[j];
                if (d != null) {
                    k[2 + j] = ids[j].id(query.valueOf(d, record));
                } else if (tagIds != null && tagIds[j] != null) {
                    k[2 + j] = tagIds[j].id(record.tags());
                }
            }
            Money cost = metric.of(record);
            BigDecimal amount = cost.amount();
            Currency currency = cost.currency();
            if (currency != lastCurrency) {
                lastCurrencyId = cube.currencyId(currency);
                lastCurrency = currency;
            }
            int cur = lastCurrencyId;
            int w = k.length;
            k[w - 1] = cur;
            if (router != null) {
                k = routedCell(k, cur);
                w = 3;
            }
            if (sums == null) {
                sums = new CellSums(w, cellsHint);
            }
            int cell = lastCell;
            if (cell < 0 || !same(k, last)) {
                cell = sums.cell(k);
                lastCell = cell;
                System.arraycopy(k, 0, last, 0, w);
            }
            sums.add(cell, cur, amount);
        }

        @Override
        public void acceptAll(List<CostRecord> records) {
            for (int i = 0, n = records.size(); i < n; i++) {
                accept(records.get(i));
            }
        }

        private boolean passes(int f, CostRecord record) {
            Dimension d = filterDimensions[f];
            String v = query.valueOf(d, record);
            if (v != lastFilterValue[f]) {
                lastFilterResult[f] = query.accepts(d, v);
                lastFilterValue[f] = v;
            }
            return lastFilterResult[f];
        }

        /**
         * @param k a line item's key in the inner cube's layout (route columns unset)
         * @param cur its currency id
         * @return its cell in this partial's compact layout: (bucket, middle of its routed key, currency)
         */
        private int[] routedCell(int[] k, int cur) {
            if (combinations == null) {
                combinations = new CellSums(combination.length, combinationsHint);
                middleOf = new int[Math.max(16, combinationsHint)];
            }
            for (int v = 0; v < vary.length; v++) {
                combination[v] = k[2 + vary[v]];
            }
            int known = combinations.size();
            int c = combinations.cell(combination);
            int mid;
            if (c < known) {
                mid = middleOf[c];
            } else {
                router.route(k, 2, routed);
                System.arraycopy(routed, 1, middle, 0, middle.length);
                mid = middles.cell(middle);
                if (c >= middleOf.length) {
                    middleOf = Arrays.copyOf(middleOf, middleOf.length * 2);
                }
                middleOf[c] = mid;
            }
            compact[0] = k[0];
            compact[1] = mid;
            compact[2] = cur;
            return compact;
        }

        private static boolean same(int[] a, int[] b) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
