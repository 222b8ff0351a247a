package dev.billing.core.internal;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Exact sums per cell, a cell being a tuple of {@code width} ints (dictionary ids, epoch days, ...)
 * whose last int is the currency id. Cells live in dense arrays in insertion order, found through an
 * open-addressing index of well-mixed tuple hashes, so that keys are compared as a few ints only.
 *
 * <p>Each cell's sum is a long in units of its currency's scale (the finest scale seen for that
 * currency in this table, at most {@value Scales#MAX_SCALE}); the part that would overflow the long,
 * and amounts finer than the maximum scale, are kept exactly as a {@link BigDecimal} beside it.
 * Not thread-safe.
 */
final class CellSums {
    private final int width;
    private int[] keys;
    private long[] sums;
    private BigDecimal[] big;
    private int size;
    /** Index slots: cell index + 1, 0 when empty. */
    private int[] index;
    private int[] hashes;
    private int mask;
    private int[] scales = new int[0];

    /** @param width the ints per cell key, at least 1 (the last is the currency id) */
    CellSums(int width) {
        this(width, 64);
    }

    CellSums(int width, int expected) {
        this.width = width;
        int capacity = Math.max(16, Integer.highestOneBit(Math.max(1, expected) * 2 - 1) * 2);
        index = new int[capacity];
        hashes = new int[capacity];
        mask = capacity - 1;
        int cells = Math.max(16, expected);
        keys = new int[cells * width];
        sums = new long[cells];
    }

    int width() {
        return width;
    }

    /** @return the number of cells */
    int size() {
        return size;
    }

    /** @return the {@code j}-th int of a cell's key */
    int key(int cell, int j) {
        return keys[cell * width + j];
    }

    /** @return the long part of a cell's sum, in units of {@link #scale} of its currency */
    long units(int cell) {
        return sums[cell];
    }

    /** @return the exact part kept beside the long, or null */
    BigDecimal big(int cell) {
        return big == null ? null : big[cell];
    }

    /** @return the scale of a currency's units in this table, -1 when none was seen */
    int scale(int currency) {
        return currency < scales.length ? scales[currency] : -1;
    }

    /** @return the exact sum of a cell */
    BigDecimal value(int cell) {
        int scale = Math.max(0, scale(keys[cell * width + width - 1]));
        BigDecimal v = BigDecimal.valueOf(sums[cell], scale);
        BigDecimal b = big(cell);
        return b == null ? v : v.add(b);
    }

    private static int hash(int[] key, int from, int width) {
        long h = 0x9E3779B97F4A7C15L;
        for (int j = 0; j < width; j++) {
            h = (h ^ key[from + j]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
        }
        return (int) (h ^ (h >>> 32));
    }

    /**
     * @param key a tuple of {@link #width} ints; read, not kept
     * @return the index of its cell, created with a zero sum when new
     */
    int cell(int[] key) {
        int h = hash(key, 0, width);
        int s = h & mask;
        while (true) {
            int c = index[s];
            if (c == 0) {
                return insert(key, h, s);
            }
            if (hashes[s] == h && equal(c - 1, key)) {
                return c - 1;
            }
            s = (s + 1) & mask;
        }
    }

    private boolean equal(int cell, int[] key) {
        int base = cell * width;
        for (int j = 0; j < width; j++) {
            if (keys[base + j] != key[j]) {
                return false;
            }
        }
        return true;
    }

    private int insert(int[] key, int h, int slot) {
        int cell = size++;
        if (size > sums.length) {
            int n = sums.length * 2;
            sums = Arrays.copyOf(sums, n);
            keys = Arrays.copyOf(keys, n * width);
            if (big != null) {
                big = Arrays.copyOf(big, n);
            }
        }
        System.arraycopy(key, 0, keys, cell * width, width);
        index[slot] = cell + 1;
        hashes[slot] = h;
        if (size * 2 > index.length) {
            grow();
        }
        return cell;
    }

    private void grow() {
        int capacity = index.length * 2;
        int[] newIndex = new int[capacity];
        int[] newHashes = new int[capacity];
        int newMask = capacity - 1;
        for (int s = 0; s < index.length; s++) {
            int c = index[s];
            if (c != 0) {
                int t = hashes[s] & newMask;
                while (newIndex[t] != 0) {
                    t = (t + 1) & newMask;
                }
                newIndex[t] = c;
                newHashes[t] = hashes[s];
            }
        }
        index = newIndex;
        hashes = newHashes;
        mask = newMask;
    }

    /**
     * Adds an exact amount to a cell.
     *
     * @param cell a cell index
     * @param currency the cell's currency id (its key's last int)
     * @param amount the amount
     */
    void add(int cell, int currency, BigDecimal amount) {
        int s = Scales.scaleOf(amount);
        if (s < 0) {
            addBig(cell, amount);
            return;
        }
        int scale = scale(currency);
        if (s > scale) {
            rescale(currency, s);
            scale = s;
        }
        long units = Scales.toScaled(amount, scale);
        if (units == Long.MIN_VALUE) {
            addBig(cell, amount);
        } else {
            addUnits(cell, units, scale);
        }
    }

    /**
     * Adds an amount given in units of {@code unitScale} (at most {@link Scales#MAX_SCALE}) to a cell.
     *
     * @param cell a cell index
     * @param currency the cell's currency id
     * @param units the amount times {@code 10^unitScale}
     * @param unitScale the scale of {@code units}
     */
    void add(int cell, int currency, long units, int unitScale) {
        int scale = scale(currency);
        if (unitScale > scale) {
            rescale(currency, unitScale);
            scale = unitScale;
        }
        if (unitScale < scale) {
            long f = Scales.pow10(scale - unitScale);
            long hi = Math.multiplyHigh(units, f);
            long lo = units * f;
            if ((hi != 0 || lo < 0) && (hi != -1 || lo >= 0)) {
                addBig(cell, BigDecimal.valueOf(units, unitScale));
                return;
            }
            units = lo;
        }
        addUnits(cell, units, scale);
    }

    private void addUnits(int cell, long units, int scale) {
        long x = sums[cell];
        long r = x + units;
        if (((x ^ r) & (units ^ r)) < 0) {
            addBig(cell, BigDecimal.valueOf(x, scale));
            r = units;
        }
        sums[cell] = r;
    }

    /** Adds an exact amount to the part of a cell's sum kept beside its long. */
    void addBig(int cell, BigDecimal amount) {
        if (big == null) {
            big = new BigDecimal[sums.length];
        }
        big[cell] = big[cell] == null ? amount : big[cell].add(amount);
    }

    /** Multiplies a currency's sums by a power of ten so that they are in units of a finer scale. */
    private void rescale(int currency, int scale) {
        if (currency >= scales.length) {
            int old = scales.length;
            scales = Arrays.copyOf(scales, Math.max(currency + 1, old * 2));
            Arrays.fill(scales, old, scales.length, -1);
        }
        int was = scales[currency];
        if (was >= 0 && scale > was) {
            long f = Scales.pow10(scale - was);
            long limit = Long.MAX_VALUE / f;
            for (int c = 0; c < size; c++) {
                if (keys[c * width + width - 1] == currency) {
                    long x = sums[c];
                    if (x > limit || x < -limit) {
                        addBig(c, BigDecimal.valueOf(x, was));
                        sums[c] = 0;
                    } else {
                        sums[c] = x * f;
                    }
                }
            }
        }
        scales[currency] = scale;
    }

    /**
     * Adds every cell of {@code other} (keys of the same width and meaning) to this table.
     *
     * @param other the cells to add
     */
    void addAll(CellSums other) {
        int[] key = new int[width];
        for (int c = 0; c < other.size; c++) {
            System.arraycopy(other.keys, c * width, key, 0, width);
            int mine = cell(key);
            int currency = key[width - 1];
            int scale = other.scale(currency);
            if (scale >= 0) {
                add(mine, currency, other.sums[c], scale);
            }
            BigDecimal b = other.big(c);
            if (b != null) {
                addBig(mine, b);
            }
        }
    }
}
