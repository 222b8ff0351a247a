package dev.billing.core.internal;

import dev.billing.core.Dimension;
import dev.billing.core.Metric;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Up to {@link #MAX_ROWS} line items of one (provider, service account, project), column by column. Rows are appended
 * to int columns; {@link #seal} packs each into the fewest bytes its range needs ({@link PackedInts}: a window's
 * days, an account's services or sub accounts take a byte a row, a value shared by every row, such as the
 * currency or the chunk's key, none). A sealed row then takes 8 bytes of billed cost, about a byte per dimension
 * column and for its day, 1 or 2 for its tag set when some row of the chunk has tags, one for its currency when the
 * chunk has several, and 8 more for each cost (effective, list) the chunk's rows carry apart from the billed one.
 * Dates are epoch days, strings are dictionary ids, tags are the id of the row's tag set, amounts are longs scaled by
 * the store's scale for the row's currency; an amount that does not fit is 0 in its column and kept exactly in the
 * column's overflow list. Min and max of every column (zone maps) are kept once sealed.
 *
 * <p>How a chunk keeps each {@link Dimension.Fixed} dimension is decided once, in {@link #layout}, from the
 * dimension's description: the {@linkplain Dimension#perAccount() per-account} ones and the provider are the
 * chunk's key ({@link #CONSTANT}), and every other dimension (a new one included) is a column of dictionary ids.
 */
final class Chunk extends PackedInts {
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

    /**
     * The packed slots: each dimension at its ordinal (a {@link #CONSTANT} one holds the chunk's one value), then
     * the day, the tag set id (0: no tags) and the currency id.
     */
    static final int DAY = DIMENSIONS.length;
    static final int TAG_SET = DAY + 1;
    static final int CURRENCY = DAY + 2;
    private static final int SLOTS = DAY + 3;

    private static final int[] NO_ROWS = new int[0];
    private static final BigDecimal[] NO_AMOUNTS = new BigDecimal[0];

    /** One cost column: scaled longs, with the amounts that do not fit kept exactly aside. */
    static final class Costs {
        long[] units;
        int overflowCount;
        int[] overflowRows = NO_ROWS;
        BigDecimal[] overflowAmounts = NO_AMOUNTS;
        /** The largest absolute amount; when {@code size * maxAbs} fits a long, sums need no overflow checks. */
        long maxAbs;

        Costs(int capacity) {
            units = new long[capacity];
        }

        /**
         * @return a sealed column of rows {@code [aFrom, aTo)} of {@code a}, then rows {@code [bFrom, bTo)} of
         *     {@code b}
         */
        static Costs concat(Costs a, int aFrom, int aTo, Costs b, int bFrom, int bTo) {
            int n = aTo - aFrom;
            Costs c = new Costs(n + bTo - bFrom);
            for (int k = 0; k < 2; k++) {
                Costs part = k == 0 ? a : b;
                int from = k == 0 ? aFrom : bFrom;
                int to = k == 0 ? aTo : bTo;
                int at = k == 0 ? 0 : n;
                System.arraycopy(part.units, from, c.units, at, to - from);
                for (int o = 0; o < part.overflowCount; o++) {
                    int row = part.overflowRows[o];
                    if (row >= from && row < to) {
                        c.overflow(at + row - from, part.overflowAmounts[o]);
                    }
                }
            }
            c.maxAbs = c.maxAbs(c.units.length);
            return c;
        }

        /** @return a copy holding the same first {@code size} amounts, with room for {@code capacity} */
        Costs copy(int capacity) {
            Costs c = new Costs(0);
            c.units = Arrays.copyOf(units, capacity);
            c.overflowCount = overflowCount;
            c.overflowRows = overflowCount == 0 ? NO_ROWS : overflowRows.clone();
            c.overflowAmounts = overflowCount == 0 ? NO_AMOUNTS : overflowAmounts.clone();
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
        void rescale(Chunk chunk, int cur, int fromScale, int digits) {
            long factor = Scales.pow10(digits);
            int size = chunk.size;
            for (int i = 0; i < size; i++) {
                if (chunk.currency(i) == cur) {
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

    /** While rows are appended: per slot its values (null for a {@link #CONSTANT} dimension); null once sealed. */
    private int[][] appended;
    /** While rows are appended: per dimension ordinal, the chunk's value of each {@link #CONSTANT} dimension. */
    private int[] key;
    /** The billed costs. */
    Costs billed;
    /** The effective costs; null while every row's equals its billed cost. */
    Costs effective;
    /** The list costs (0 for a row without one); null while no row has one. */
    Costs list;

    /**
     * @param constants per dimension ordinal, the chunk's value of each {@link #CONSTANT} dimension (copied)
     * @param capacity the rows to make room for at first
     */
    Chunk(int[] constants, int capacity) {
        key = constants.clone();
        appended = new int[SLOTS][];
        for (int s = 0; s < SLOTS; s++) {
            if (s >= DAY || LAYOUT[s] == COLUMN) {
                appended[s] = new int[capacity];
            }
        }
        billed = new Costs(capacity);
    }

    /** A sealed chunk of the given rows and billed costs. */
    private Chunk(int[][] columns, int size, Costs billed) {
        pack(columns, size);
        this.billed = billed;
    }

    /** @return whether this chunk keeps its rows' billed costs only (no effective or list costs apart) */
    boolean billedOnly() {
        return effective == null && list == null;
    }

    /**
     * @return a sealed chunk of rows {@code [aFrom, aTo)} of sealed chunk {@code a}, then rows {@code [bFrom, bTo)}
     *     of sealed chunk {@code b}: both of the same key, at the same scales, and {@link #billedOnly}
     */
    static Chunk concat(Chunk a, int aFrom, int aTo, Chunk b, int bFrom, int bTo) {
        int n = aTo - aFrom;
        int[][] columns = new int[SLOTS][n + bTo - bFrom];
        for (int s = 0; s < SLOTS; s++) {
            a.unpack(s, aFrom, aTo, columns[s], 0);
            b.unpack(s, bFrom, bTo, columns[s], n);
        }
        return new Chunk(columns, columns[0].length, Costs.concat(a.billed, aFrom, aTo, b.billed, bFrom, bTo));
    }

    /** Holds the rows {@code other} holds (which is then no longer used): this sealed chunk rebuilt in place. */
    void rowsOf(Chunk other) {
        packedAs(other);
        billed = other.billed;
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
     * @return whether the rows of this chunk, still open to rows, have those values
     */
    boolean hasKey(int[] key) {
        for (int o : CONSTANTS) {
            if (this.key[o] != key[o]) {
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
        if (size == appended[DAY].length) {
            resize(Math.min(MAX_ROWS, size * 2));
        }
        int i = size++;
        int[][] a = appended;
        a[DAY][i] = d;
        a[CURRENCY][i] = cur;
        a[TAG_SET][i] = tags;
        for (int o : COLUMNS) {
            a[o][i] = ids[o];
        }
        return i;
    }

    /** @return the chunk's value of a {@link #CONSTANT} dimension, open to rows or sealed */
    int constant(int o) {
        return appended != null ? key[o] : min(o);
    }

    /** @return row {@code i}'s currency id, open to rows or sealed */
    int currency(int i) {
        return appended != null ? appended[CURRENCY][i] : get(CURRENCY, i);
    }

    /** @return whether some row of this sealed chunk has tags */
    boolean hasTags() {
        return max(TAG_SET) != 0;
    }

    /** @return the effective costs column, made on first need as a copy of the billed one */
    Costs effectiveColumn() {
        if (effective == null) {
            effective = billed.copy(capacity());
        }
        return effective;
    }

    /** @return the list costs column, made on first need (0 for the rows before) */
    Costs listColumn() {
        if (list == null) {
            list = new Costs(capacity());
        }
        return list;
    }

    private int capacity() {
        return appended == null ? size : appended[DAY].length;
    }

    /**
     * Multiplies the amounts of one currency by {@code 10^digits}; those that no longer fit move to
     * the overflow list.
     */
    void rescale(int cur, int fromScale, int digits) {
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.rescale(this, cur, fromScale, digits);
            }
        }
    }

    /** Packs the columns (no row can be appended afterwards), trims the costs to the rows held. */
    void seal() {
        int[][] columns = appended;
        for (int o : CONSTANTS) {
            columns[o] = new int[size];
            Arrays.fill(columns[o], key[o]);
        }
        pack(columns, size);
        appended = null;
        key = null;
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.units = Arrays.copyOf(c.units, size);
                c.maxAbs = c.maxAbs(size);
            }
        }
    }

    private void resize(int capacity) {
        for (int s = 0; s < SLOTS; s++) {
            if (appended[s] != null) {
                appended[s] = Arrays.copyOf(appended[s], capacity);
            }
        }
        for (Costs c : new Costs[] {billed, effective, list}) {
            if (c != null) {
                c.units = Arrays.copyOf(c.units, capacity);
            }
        }
    }
}
