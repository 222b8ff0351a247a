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
import java.util.Currency;
import java.util.List;
import java.util.Optional;

/**
 * A live report aggregated while the records stream in: the query is known before the first record
 * arrives, so each record goes straight to its cell (bucket, project, group-by values, currency) in
 * its account's {@link Partial}, a table of exact scaled longs (with a {@link BigDecimal} part where a
 * long would overflow). A partial is merged into the report's {@link CostCube} when its account
 * succeeds and dropped whole when it fails; no line item is kept.
 *
 * <p>Only what the query asks is computed: its period and filters are compiled once (filters on
 * a {@linkplain Dimension#perAccount() per-account} dimension are decided once per account, the others per
 * record through {@link CostQuery#accepts(Dimension, String)}, and skipped when absent), only the group-by
 * dimensions are encoded (tags read through the query's aliases, {@link CostQuery#valueOf}), and only the
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

    /** @param query what to report */
    public LiveAggregation(CostQuery query) {
        this.query = query;
        this.cube = new CostCube(query.granularity(), query.groupBy());
        this.from = (int) query.period().start().toEpochDay();
        this.to = (int) query.period().end().toEpochDay();
        this.bucketOfDay = new int[Math.max(0, to - from)];
        for (int d = 0; d < bucketOfDay.length; d++) {
            bucketOfDay[d] = (int) query.granularity().bucketStart(LocalDate.ofEpochDay(from + d)).toEpochDay();
        }
        filterDimensions = query.filters().keySet().stream().filter(d -> !d.perAccount()).toArray(Dimension[]::new);
        metric = query.metric();
    }

    /** @return the cube the committed partials were merged into */
    public CostCube cube() {
        return cube;
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
     * Merges a partial's sums into the report. Thread-safe.
     *
     * @param partial a partial of this aggregation whose account succeeded
     */
    public void commit(Partial partial) {
        if (partial.owner() != this) {
            throw new IllegalArgumentException("a partial of another aggregation");
        }
        partial.closed = true;

        if (partial.sums.size() > 0) {
            cube.addAll(partial.sums);
        }
    }

    /** One account's sums, filled from one thread at a time; a {@link CostSink} for its fetch. */
    public final class Partial implements CostSink {
        private final CellSums sums = new CellSums(cube.width());
        private final boolean acceptsNothing;
        private final int[] key = new int[cube.width()];
        private final int[] last = new int[cube.width()];
        private int lastCell = -1;
        /** Per group-by key: the dimension to encode per record, or null when it is constant for the account. */
        private final Dimension[] encode;
        private final ValueIds[] ids;
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
                } else {
                    encode[k] = d;
                    ids[k] = new ValueIds(cube.keyValues[k]);
                }
            }
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
            for (int j = 0; j < encode.length; j++) {
                Dimension d = encode[j];
                if (d != null) {
                    k[2 + j] = ids[j].id(query.valueOf(d, record));
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
