package dev.billing.core.internal;

import dev.billing.core.spi.CostCellColumns;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;

/**
 * The exact sums {@link ColumnarStore#aggregate} computed: one cell per bucket, key values and currency,
 * in no particular order; handed to a report as they are, in columns, each key coded by its
 * dictionary id.
 */
public final class Aggregation implements CostCellColumns {
    private final ColumnarStore store;
    private final long[] radix;
    private final int[] keyDigit;
    private final Dictionary[] keyDictionary;
    private final int bucketDigit;
    private final int currencyDigit;
    private final LocalDate[] bucketStart;
    private final int size;
    private final long[] keys;
    private final long[] sums;
    private final BigDecimal[] big;
    private final int[] scales;
    /** Per digit, each cell's value of it. */
    private final int[][] digitColumns;

    Aggregation(ColumnarStore store, Dictionary[] keyDictionary, int[] digits, long[] radix, int[] keyDigit,
                int bucketDigit, int currencyDigit, int[] bucketStart, CellRuns cells) {
        this.store = store;
        this.radix = radix;
        this.keyDigit = keyDigit;
        this.bucketDigit = bucketDigit;
        this.currencyDigit = currencyDigit;
        this.keyDictionary = keyDictionary;
        this.bucketStart = bucketStart == null ? null : new LocalDate[bucketStart.length];
        for (int b = 0; bucketStart != null && b < bucketStart.length; b++) {
            this.bucketStart[b] = LocalDate.ofEpochDay(bucketStart[b]);
        }
        this.scales = new int[store.currencyCount()];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = store.scale(c);
        }
        this.size = cells.size();
        this.keys = new long[size];
        this.sums = new long[size];
        this.big = new BigDecimal[size];
        this.digitColumns = new int[digits.length][size];
        // decoded once here, not per lookup; the keys ascend, so each is the previous one plus a difference, added
        // digit by digit with carry: a division only where the carry crosses a digit, not one per digit
        long[] digit = new long[digits.length];
        long previous = 0;
        for (int i = 0; i < size; i++) {
            long k = cells.key(i);
            keys[i] = k;
            sums[i] = cells.sum(i);
            big[i] = cells.big(k);
            long carry = k - previous;
            previous = k;
            for (int j = digits.length - 1; carry != 0; j--) {
                long r = radix[j];
                if (r == 1) {
                    continue;
                }
                if (carry < r - digit[j]) {
                    digit[j] += carry;
                    break;
                }
                long v = digit[j] + carry % r;
                carry /= r;
                if (v >= r) {
                    v -= r;
                    carry++;
                }
                digit[j] = v;
            }
            for (int j = 0; j < digit.length; j++) {
                digitColumns[j][i] = (int) digit[j];
            }
        }
    }

    /** @return the number of cells */
    @Override
    public int size() {
        return size;
    }

    /**
     * @param cell a cell index, {@code 0 <= cell < size()}
     * @return the first day of its bucket, or null when the selection had no granularity
     */
    @Override
    public LocalDate bucket(int cell) {
        return bucketStart == null ? null : bucketStart[digit(cell, bucketDigit)];
    }

    /**
     * @param cell a cell index
     * @param key the index of a group-by dimension in the selection's keys
     * @return the cell's value of that dimension
     */
    public String key(int cell, int key) {
        return keyDictionary[key].value(digit(cell, keyDigit[key]));
    }

    /**
     * @param cell a cell index
     * @return the cell's currency
     */
    @Override
    public Currency currency(int cell) {
        return store.currency(digit(cell, currencyDigit));
    }

    /**
     * @param cell a cell index
     * @return the cell's exact sum
     */
    @Override
    public BigDecimal sum(int cell) {
        int scale = scales[digit(cell, currencyDigit)];
        if (big[cell] == null) {
            return BigDecimal.valueOf(sums[cell], scale);
        }
        return big[cell].add(BigDecimal.valueOf(sums[cell])).movePointLeft(scale);
    }

    @Override
    public int columns() {
        return keyDictionary.length;
    }

    @Override
    public int code(int cell, int column) {
        return digit(cell, keyDigit[column]);
    }

    /** @return the codes of a column: its dictionary's size, or the radix of a route column (which has none) */
    @Override
    public int codes(int column) {
        return keyDictionary[column] == null ? (int) radix[keyDigit[column]] : keyDictionary[column].size();
    }

    @Override
    public String value(int column, int code) {
        return keyDictionary[column].value(code);
    }

    @Override
    public long units(int cell) {
        return big[cell] == null ? sums[cell] : Long.MIN_VALUE;
    }

    @Override
    public int scale(int cell) {
        return scales[digit(cell, currencyDigit)];
    }

    private int digit(int cell, int j) {
        return digitColumns[j][cell];
    }
}
