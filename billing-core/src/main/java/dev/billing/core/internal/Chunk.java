package dev.billing.core.internal;

import dev.billing.core.Dimension;
import dev.billing.core.Metric;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Up to {@link #MAX_ROWS} line items of one (provider, service account, project), column by column. Rows are appended
 * to int columns; {@link #seal} packs each into the fewest bytes its range needs ({@link PackedInts}: a window's
 * days, an account's services or sub accounts take a byte a row, a value shared by every row none). A sealed row
 * then takes a byte of currency, 8 of billed cost, about a byte per dimension column and for its day, 1 or 2 for its
 * tag set when some row of the chunk has tags, and 8 more for each cost (effective, list) the chunk's rows carry apart
 * from the billed one. Dates are epoch days, strings are dictionary ids, tags are the id of the row's tag set, amounts
 * are longs scaled by the store's scale for the row's currency; an amount that does not fit is 0 in its column and
 * kept exactly in the column's overflow list. Min and max of every column (zone maps) are kept once sealed.
 *
 * <p>How a chunk keeps each {@link Dimension.Fixed} dimension is decided once, in {@link #layout}, from the
 * dimension's description: the {@linkplain Dimension#perAccount() per-account} ones and the provider are the
 * chunk's key ({@link #CONSTANT}), and every other dimension (a new one included) is a column of dictionary ids.
 */
final class Chunk {
    static final int MAX_ROWS = 1 << 16;
    /** A dimension with one value per chunk: part of the chunk's key. */
    static final int CONSTANT = 0;
    /** A dimension kept as a dictionary id per row. */
    static final int COLUMN = 1;

    private static final Dimension.Fixed[] DIMENSIONS = Dimension.Fixed.values();
    /** Per dimension ordinal: {@link #CONSTANT} or {@link #COLUMN}. */
    static final int[] LAYOUT = new int[DIMENSIONS.length];
    /** The ordinals of the dimensions of each layout, in ordinal order. */
    static final int[] CONSTANTS;
    static final int[] COLUMNS;

    static {
        for (Dimension.Fixed d : DIMENSIONS) {
            LAYOUT[d.ordinal()] = layout(d);
        }
        CONSTANTS = ordinals(CONSTANT);
        COLUMNS = ordinals(COLUMN);
    }

    private static int layout(Dimension.Fixed d) {
        return d.perAccount() || d == Dimension.PROVIDER ? CONSTANT : COLUMN;
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
    /** While rows are appended: the days, per dimension ordinal the ids of a {@link #COLUMN}, the tag set ids. */
    private int[] day;
    private int[][] ints = new int[DIMENSIONS.length][];
    private int[] tagSet;
    /** Once sealed: the days. */
    PackedInts days;
    /** Once sealed, per dimension ordinal: the ids of a {@link #COLUMN} dimension, null for the others. */
    final PackedInts[] columns = new PackedInts[DIMENSIONS.length];
    /** Once sealed: each row's tag set id (0: no tags); null when no row of the chunk has tags. */
    PackedInts tagSets;
    byte[] currency;
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

    /**
     * @param constants per dimension ordinal, the chunk's value of each {@link #CONSTANT} dimension (copied)
     * @param capacity the rows to make room for at first
     */
    Chunk(int[] constants, int capacity) {
        this.constants = constants.clone();
        day = new int[capacity];
        for (int o : COLUMNS) {
            ints[o] = new int[capacity];
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
     * Appends a row.
     *
     * @param d its epoch day
     * @param cur its currency id
     * @param ids per dimension ordinal, the ids of the {@link #COLUMN} dimensions
     * @param tags its tag set's id (0: none)
     * @return the new row's index, whose costs the caller then writes
     */
    int append(int d, int cur, int[] ids, int tags) {
        if (size == day.length) {
            resize(Math.min(MAX_ROWS, size * 2));
        }
        int i = size++;
        day[i] = d;
        currency[i] = (byte) cur;
        for (int o : COLUMNS) {
            ints[o][i] = ids[o];
        }
        if (tags != 0 && tagSet == null) {
            tagSet = new int[day.length];
        }
        if (tagSet != null) {
            tagSet[i] = tags;
        }
        return i;
    }

    /** @return the smallest id of dimension {@code o} in this sealed chunk */
    int min(int o) {
        return LAYOUT[o] == CONSTANT ? constants[o] : columns[o].min;
    }

    /** @return the largest id of dimension {@code o} in this sealed chunk */
    int max(int o) {
        return LAYOUT[o] == CONSTANT ? constants[o] : columns[o].max;
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

    /** Packs the columns (no row can be appended afterwards), trims the costs to the rows held, keeps the zone maps. */
    void seal() {
        days = new PackedInts(day, size);
        minDay = size == 0 ? Integer.MAX_VALUE : days.min;
        maxDay = size == 0 ? Integer.MIN_VALUE : days.max;
        for (int o : COLUMNS) {
            columns[o] = new PackedInts(ints[o], size);
        }
        tagSets = tagSet == null ? null : new PackedInts(tagSet, size);
        day = null;
        ints = null;
        tagSet = null;
        currency = Arrays.copyOf(currency, size);
        minCurrency = Integer.MAX_VALUE;
        maxCurrency = Integer.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            minCurrency = Math.min(minCurrency, currency[i] & 0xFF);
            maxCurrency = Math.max(maxCurrency, currency[i] & 0xFF);
        }
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.units = Arrays.copyOf(c.units, size);
                c.maxAbs = c.maxAbs(size);
            }
        }
    }

    private void resize(int capacity) {
        day = Arrays.copyOf(day, capacity);
        for (int o : COLUMNS) {
            ints[o] = Arrays.copyOf(ints[o], capacity);
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
