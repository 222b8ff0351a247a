package dev.billing.core.internal;

import dev.billing.core.Dimension;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Up to {@link #MAX_ROWS} line items of one (provider, service account, project), column by column:
 * 34 bytes a row. Dates are epoch days, strings are dictionary ids, amounts are longs scaled by the
 * store's scale for the row's currency; an amount that does not fit is 0 in {@link #amount} and
 * kept exactly in the overflow list. Min and max of every column (zone maps) are kept once sealed.
 *
 * <p>How a chunk keeps each {@link Dimension} is decided once, in {@link #layout(Dimension)}, from the
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

    private static final Dimension[] DIMENSIONS = Dimension.values();
    /** Per dimension ordinal: {@link #CONSTANT}, {@link #INT_COLUMN} or {@link #BYTE_COLUMN}. */
    static final int[] LAYOUT = new int[DIMENSIONS.length];
    /** The ordinals of the dimensions of each layout, in ordinal order. */
    static final int[] CONSTANTS;
    static final int[] INT_COLUMNS;
    static final int[] BYTE_COLUMNS;

    static {
        for (Dimension d : DIMENSIONS) {
            LAYOUT[d.ordinal()] = layout(d);
        }
        CONSTANTS = ordinals(CONSTANT);
        INT_COLUMNS = ordinals(INT_COLUMN);
        BYTE_COLUMNS = ordinals(BYTE_COLUMN);
    }

    private static int layout(Dimension d) {
        if (d.perAccount() || d == Dimension.PROVIDER) {
            return CONSTANT;
        }
        return d == Dimension.CHARGE_CATEGORY ? BYTE_COLUMN : INT_COLUMN;
    }

    private static int[] ordinals(int layout) {
        return Arrays.stream(DIMENSIONS).filter(d -> LAYOUT[d.ordinal()] == layout).mapToInt(Dimension::ordinal)
                .toArray();
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
    long[] amount;

    int overflowCount;
    int[] overflowRows = new int[0];
    BigDecimal[] overflowAmounts = new BigDecimal[0];

    /** The largest absolute amount; when {@code size * maxAbs} fits a long, sums need no overflow checks. */
    long maxAbs;
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
        amount = new long[capacity];
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
     * Appends a row; the caller then fills its dimension columns at the returned index.
     *
     * @return the new row's index
     */
    int append(int d, int cur, long scaled) {
        if (size == day.length) {
            resize(Math.min(MAX_ROWS, size * 2));
        }
        int i = size++;
        day[i] = d;
        currency[i] = (byte) cur;
        amount[i] = scaled;
        return i;
    }

    /** Keeps {@code exact} for row {@code row}, whose {@link #amount} is 0. */
    void overflow(int row, BigDecimal exact) {
        amount[row] = 0;
        if (overflowCount == overflowRows.length) {
            overflowRows = Arrays.copyOf(overflowRows, Math.max(4, overflowCount * 2));
            overflowAmounts = Arrays.copyOf(overflowAmounts, overflowRows.length);
        }
        overflowRows[overflowCount] = row;
        overflowAmounts[overflowCount++] = exact;
    }

    /**
     * Multiplies the amounts of one currency by {@code 10^digits}; those that no longer fit move to
     * the overflow list.
     */
    void rescale(int cur, int fromScale, int digits) {
        long factor = Scales.pow10(digits);
        for (int i = 0; i < size; i++) {
            if ((currency[i] & 0xFF) == cur) {
                long a = amount[i];
                long hi = Math.multiplyHigh(a, factor);
                long lo = a * factor;
                if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
                    amount[i] = lo;
                } else {
                    overflow(i, BigDecimal.valueOf(a, fromScale));
                }
            }
        }
        maxAbs = maxAbs();
    }

    private long maxAbs() {
        long m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(amount[i]));
        }
        return m;
    }

    /** @return whether no sum of this chunk's amounts can overflow a long */
    boolean sumsFit() {
        return size == 0 || maxAbs <= Long.MAX_VALUE / size;
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
        maxAbs = maxAbs();
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
        amount = Arrays.copyOf(amount, capacity);
    }
}
