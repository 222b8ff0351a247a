package dev.billing.core.internal;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.CostSink;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A live report aggregated while the records stream in: the query is known before the first record
 * arrives, so each record goes straight to its cell (bucket, project, group-by values, currency) in
 * its account's {@link Partial}, a table of exact scaled longs (with a {@link BigDecimal} part where a
 * long would overflow). A partial is merged into the report's {@link CostCube} when its account
 * succeeds and dropped whole when it fails; no line item is kept.
 *
 * <p>Only what the query asks is computed: its period and filters are compiled once (filters on
 * the service account or project, constant within an account, are decided once per account;
 * the others are skipped when absent), and only the group-by dimensions are encoded.
 */
public final class LiveAggregation {
    private static final int CONSTANT = -1;

    private final CostQuery query;
    private final CostCube cube;
    private final int from;
    private final int to;
    /** Per day of the period: its bucket's first day, as an epoch day. */
    private final int[] bucketOfDay;
    private final Dimension[] filterDimensions;
    private final List<Set<String>> filterValues;

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
        List<Dimension> dims = new ArrayList<>();
        filterValues = new ArrayList<>();
        for (Map.Entry<Dimension, Set<String>> f : query.filters().entrySet()) {
            if (f.getKey() != Dimension.PROJECT && f.getKey() != Dimension.SERVICE_ACCOUNT) {
                dims.add(f.getKey());
                filterValues.add(f.getValue());
            }
        }
        filterDimensions = dims.toArray(Dimension[]::new);
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
        /** Per group-by key: the dimension's ordinal to encode per record, or {@link #CONSTANT}. */
        private final int[] encode;
        private final ValueIds[] ids;
        private final String[] lastFilterValue = new String[filterDimensions.length];
        private final boolean[] lastFilterResult = new boolean[filterDimensions.length];
        private LocalDate lastDate;
        private int lastDay;
        private Currency lastCurrency;
        private int lastCurrencyId;
        private volatile boolean closed;

        private Partial(ServiceAccount account) {
            acceptsNothing = !query.accepts(Dimension.PROJECT, account.project().value())
                    || !query.accepts(Dimension.SERVICE_ACCOUNT, account.id().value());
            key[1] = cube.projects.id(account.project().value());
            List<Dimension> groupBy = cube.groupBy();
            encode = new int[groupBy.size()];
            ids = new ValueIds[groupBy.size()];
            for (int k = 0; k < groupBy.size(); k++) {
                Dimension d = groupBy.get(k);
                if (d == Dimension.PROJECT) {
                    encode[k] = CONSTANT;
                    key[2 + k] = cube.keyValues[k].id(account.project().value());
                } else if (d == Dimension.SERVICE_ACCOUNT) {
                    encode[k] = CONSTANT;
                    key[2 + k] = cube.keyValues[k].id(account.id().value());
                } else {
                    encode[k] = d.ordinal();
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
                if (encode[j] != CONSTANT) {
                    k[2 + j] = ids[j].id(value(encode[j], record));
                }
            }
            BigDecimal amount = record.cost().amount();
            Currency currency = record.cost().currency();
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
            String v = filterDimensions[f].valueOf(record);
            if (v != lastFilterValue[f]) {
                lastFilterResult[f] = filterValues.get(f).contains(v);
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

    private static String value(int dimension, CostRecord r) {
        return switch (dimension) {
            case 1 -> r.service();
            case 2 -> r.region();
            case 3 -> r.billingAccountId();
            case 4 -> r.subAccountId();
            case 7 -> r.usageType();
            case 8 -> categoryName(r.chargeCategory());
            default -> r.provider().value();
        };
    }

    private static final String[] CATEGORY_NAMES;

    static {
        ChargeCategory[] all = ChargeCategory.values();
        CATEGORY_NAMES = new String[all.length];
        for (ChargeCategory c : all) {
            CATEGORY_NAMES[c.ordinal()] = c.name();
        }
    }

    private static String categoryName(ChargeCategory c) {
        return CATEGORY_NAMES[c.ordinal()];
    }
}
