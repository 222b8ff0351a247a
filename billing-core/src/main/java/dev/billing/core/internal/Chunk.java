package dev.billing.core.internal;

import dev.billing.core.Dimension;
import dev.billing.core.Metric;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Up to {@link #MAX_ROWS} line items of one (provider, service account, project), column by column:
 * 34 bytes a row, 4 more when some row of the chunk has tags, 8 more for each cost (effective, list) the chunk's
 * rows carry apart from the billed one. Dates are epoch days, strings are dictionary ids, tags are the id of the
 * row's tag set, amounts are longs scaled by the store's scale for the row's currency; an amount that does not
 * fit is 0 in its column and kept exactly in the column's overflow list. Min and max of every column (zone maps)
 * are kept once sealed.
 *
 * <p>How a chunk keeps each {@link Dimension.Fixed} dimension is decided once, in {@link #layout}, from the
 * dimension's description: the {@linkplain Dimension#perAccount() per-account} ones and the provider are the
 * chunk's key ({@link #CONSTANT}), the charge category's handful of values fit a byte column, and every other
 * dimension (a new one included) is an int column of dictionary ids.
 */
final class Chunk {
    static final int MAX_ROWS = 1 << 16;
    /** A dimension with one value per chunk: part of the chunk's key. */
    static final int CONSTANT = 0;
    /** A dimension kept as an {@code int} dictionary id per row. */
    static final int INT_COLUMN = 1;
    /** A dimension kept as a {@code byte} dictionary id per row (fewer than 256 values). */
    static final int BYTE_COLUMN = 2;

    private static final Dimension.Fixed[] DIMENSIONS = Dimension.Fixed.values();
    /** Per dimension ordinal: {@link #CONSTANT}, {@link #INT_COLUMN} or {@link #BYTE_COLUMN}. */
    static final int[] LAYOUT = new int[DIMENSIONS.length];
    /** The ordinals of the dimensions of each layout, in ordinal order. */
    static final int[] CONSTANTS;
    static final int[] INT_COLUMNS;
    static final int[] BYTE_COLUMNS;

    static {
        for (Dimension.Fixed d : DIMENSIONS) {
            LAYOUT[d.ordinal()] = layout(d);
        }
        CONSTANTS = ordinals(CONSTANT);
        INT_COLUMNS = ordinals(INT_COLUMN);
        BYTE_COLUMNS = ordinals(BYTE_COLUMN);
    }

    private static int layout(Dimension.Fixed d) {
        if (d.perAccount() || d == Dimension.PROVIDER) {
            return CONSTANT;
        }
        return d == Dimension.CHARGE_CATEGORY ? BYTE_COLUMN : INT_COLUMN;
    }

    private static int[] ordinals(int layout) {
        return Arrays.stream(DIMENSIONS).filter(d -> LAYOUT[d.ordinal()] == layout).mapToInt(Dimension.Fixed::ordinal)
                .toArray();
    }

    /** One cost column: scaled longs, with the amounts that do not fit kept exactly aside. */
    static final class Costs {
        long[] units;
        int overflowCount;
        int[] overflowRows = new int[0];
        BigDecimal[] overflowAmounts = new BigDecimal[0];
        /** The largest absolute amount; when {@code size * maxAbs} fits a long, sums need no overflow checks. */
        long maxAbs;

        Costs(int capacity) {
            units = new long[capacity];
        }

        /** @return a copy holding the same first {@code size} amounts, with room for {@code capacity} */
        Costs copy(int capacity) {
            Costs c = new Costs(0);
            c.units = Arrays.copyOf(units, capacity);
            c.overflowCount = overflowCount;
            c.overflowRows = overflowRows.clone();
            c.overflowAmounts = overflowAmounts.clone();
            return c;
        }

        /** Keeps {@code exact} for row {@code row}, whose units are 0. */
        void overflow(int row, BigDecimal exact) {
            units[row] = 0;
            if (overflowCount == overflowRows.length) {
                overflowRows = Arrays.copyOf(overflowRows, Math.max(4, overflowCount * 2));
                overflowAmounts = Arrays.copyOf(overflowAmounts, overflowRows.length);
            }
            overflowRows[overflowCount] = row;
            overflowAmounts[overflowCount++] = exact;
        }

        /** Multiplies the amounts of one currency by {@code 10^digits}; those that no longer fit overflow. */
        void rescale(byte[] currency, int size, int cur, int fromScale, int digits) {
            long factor = Scales.pow10(digits);
            for (int i = 0; i < size; i++) {
                if ((currency[i] & 0xFF) == cur) {
                    long a = units[i];
                    long hi = Math.multiplyHigh(a, factor);
                    long lo = a * factor;
                    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
                        units[i] = lo;
                    } else {
                        overflow(i, BigDecimal.valueOf(a, fromScale));
                    }
                }
            }
            maxAbs = maxAbs(size);
        }

        long maxAbs(int size) {
            long m = 0;
            for (int i = 0; i < size; i++) {
                m = Math.max(m, Math.abs(units[i]));
            }
            return m;
        }

        /** @return whether no sum of the first {@code size} amounts can overflow a long */
        boolean sumsFit(int size) {
            return size == 0 || maxAbs <= Long.MAX_VALUE / size;
        }
    }

    /** Per dimension ordinal: the chunk's one value (a dictionary id) of a {@link #CONSTANT} dimension. */
    final int[] constants;
    int size;
    int[] day;
    /** Per dimension ordinal: the column of an {@link #INT_COLUMN} dimension, null for the others. */
    final int[][] ints = new int[DIMENSIONS.length][];
    /** Per dimension ordinal: the column of a {@link #BYTE_COLUMN} dimension, null for the others. */
    final byte[][] bytes = new byte[DIMENSIONS.length][];
    byte[] currency;
    /** Each row's tag set id (0: no tags); null while no row of the chunk has tags. */
    int[] tagSet;
    /** The billed costs. */
    final Costs billed;
    /** The effective costs; null while every row's equals its billed cost. */
    Costs effective;
    /** The list costs (0 for a row without one); null while no row has one. */
    Costs list;

    int minDay;
    int maxDay;
    int minCurrency;
    int maxCurrency;
    final int[] min = new int[DIMENSIONS.length];
    final int[] max = new int[DIMENSIONS.length];

    /**
     * @param constants per dimension ordinal, the chunk's value of each {@link #CONSTANT} dimension (copied)
     * @param capacity the rows to make room for at first
     */
    Chunk(int[] constants, int capacity) {
        this.constants = constants.clone();
        day = new int[capacity];
        for (int o : INT_COLUMNS) {
            ints[o] = new int[capacity];
        }
        for (int o : BYTE_COLUMNS) {
            bytes[o] = new byte[capacity];
        }
        currency = new byte[capacity];
        billed = new Costs(capacity);
    }

    /**
     * @param metric a metric
     * @return the column of its costs; for the effective costs of a chunk without any, the billed ones; null for
     *     the list costs of a chunk without any
     */
    Costs costs(Metric metric) {
        return switch (metric) {
            case BILLED -> billed;
            case EFFECTIVE -> effective == null ? billed : effective;
            case LIST -> list;
        };
    }

    /**
     * @param key per dimension ordinal, the values of the {@link #CONSTANT} dimensions
     * @return whether this chunk's rows have those values
     */
    boolean hasKey(int[] key) {
        for (int o : CONSTANTS) {
            if (constants[o] != key[o]) {
                return false;
            }
        }
        return true;
    }

    boolean isFull() {
        return size == MAX_ROWS;
    }

    /**
     * Appends a row; the caller then fills its dimension columns and costs at the returned index.
     *
     * @return the new row's index
     */
    int append(int d, int cur) {
        if (size == day.length) {
            resize(Math.min(MAX_ROWS, size * 2));
        }
        int i = size++;
        day[i] = d;
        currency[i] = (byte) cur;
        return i;
    }

    /** Sets row {@code row}'s tag set, making the column on the first set that is not empty. */
    void tagSet(int row, int id) {
        if (tagSet == null) {
            if (id == 0) {
                return;
            }
            tagSet = new int[day.length];
        }
        tagSet[row] = id;
    }

    /** @return the effective costs column, made on first need as a copy of the billed one */
    Costs effectiveColumn() {
        if (effective == null) {
            effective = billed.copy(day.length);
        }
        return effective;
    }

    /** @return the list costs column, made on first need (0 for the rows before) */
    Costs listColumn() {
        if (list == null) {
            list = new Costs(day.length);
        }
        return list;
    }

    /**
     * Multiplies the amounts of one currency by {@code 10^digits}; those that no longer fit move to
     * the overflow list.
     */
    void rescale(int cur, int fromScale, int digits) {
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.rescale(currency, size, cur, fromScale, digits);
            }
        }
    }

    /** Trims the columns to the rows held and computes the zone maps. */
    void seal() {
        if (size < day.length) {
            resize(size);
        }
        Arrays.fill(min, Integer.MAX_VALUE);
        Arrays.fill(max, Integer.MIN_VALUE);
        minDay = Integer.MAX_VALUE;
        maxDay = Integer.MIN_VALUE;
        minCurrency = Integer.MAX_VALUE;
        maxCurrency = Integer.MIN_VALUE;
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.maxAbs = c.maxAbs(size);
            }
        }
        for (int i = 0; i < size; i++) {
            minDay = Math.min(minDay, day[i]);
            maxDay = Math.max(maxDay, day[i]);
            minCurrency = Math.min(minCurrency, currency[i] & 0xFF);
            maxCurrency = Math.max(maxCurrency, currency[i] & 0xFF);
        }
        for (int o : CONSTANTS) {
            min[o] = max[o] = constants[o];
        }
        for (int o : INT_COLUMNS) {
            int[] col = ints[o];
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                lo = Math.min(lo, col[i]);
                hi = Math.max(hi, col[i]);
            }
            min[o] = lo;
            max[o] = hi;
        }
        for (int o : BYTE_COLUMNS) {
            byte[] col = bytes[o];
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                lo = Math.min(lo, col[i] & 0xFF);
                hi = Math.max(hi, col[i] & 0xFF);
            }
            min[o] = lo;
            max[o] = hi;
        }
    }

    private void resize(int capacity) {
        day = Arrays.copyOf(day, capacity);
        for (int o : INT_COLUMNS) {
            ints[o] = Arrays.copyOf(ints[o], capacity);
        }
        for (int o : BYTE_COLUMNS) {
            bytes[o] = Arrays.copyOf(bytes[o], capacity);
        }
        currency = Arrays.copyOf(currency, capacity);
        if (tagSet != null) {
            tagSet = Arrays.copyOf(tagSet, capacity);
        }
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.units = Arrays.copyOf(c.units, capacity);
            }
        }
    }
}
