package dev.billing.core.internal;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Cells appended as (key, unscaled sum), possibly repeating a key, then sorted by key (LSD radix
 * sort) and merged: cheaper than a hash table when chunks hand over their cells in runs.
 */
final class CellRuns {
    private static final int RADIX_BITS = 11;

    private long[] keys = new long[1024];
    private long[] sums = new long[1024];
    private int size;
    private boolean sorted = true;
    private long maxKey;
    private final Map<Long, BigDecimal> big = new HashMap<>();

    void add(long key, long sum) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            sums = Arrays.copyOf(sums, size * 2);
        }
        if (size > 0 && key <= keys[size - 1]) {
            sorted = false;
        }
        maxKey = Math.max(maxKey, key);
        keys[size] = key;
        sums[size++] = sum;
    }

    /** @param unscaled an overflowed part of the cell's sum, in units of its currency's scale */
    void addBig(long key, BigDecimal unscaled) {
        add(key, 0);
        big.merge(key, unscaled, BigDecimal::add);
    }

    /** Sorts and merges the cells; afterwards keys are unique and ascending. */
    void finish() {
        if (!sorted) {
            sort();
        }
        int out = 0;
        for (int i = 0; i < size; i++) {
            if (out > 0 && keys[out - 1] == keys[i]) {
                long x = sums[out - 1];
                long a = sums[i];
                long r = x + a;
                if (((x ^ r) & (a ^ r)) < 0) {
                    big.merge(keys[i], BigDecimal.valueOf(x), BigDecimal::add);
                    r = a;
                }
                sums[out - 1] = r;
            } else {
                keys[out] = keys[i];
                sums[out++] = sums[i];
            }
        }
        size = out;
        sorted = true;
    }

    private void sort() {
        int bits = 64 - Long.numberOfLeadingZeros(maxKey);
        long[] k2 = new long[size];
        long[] s2 = new long[size];
        int[] count = new int[(1 << RADIX_BITS) + 1];
        for (int shift = 0; shift < bits; shift += RADIX_BITS) {
            Arrays.fill(count, 0);
            for (int i = 0; i < size; i++) {
                count[(int) ((keys[i] >>> shift) & ((1 << RADIX_BITS) - 1)) + 1]++;
            }
            for (int d = 1; d < count.length; d++) {
                count[d] += count[d - 1];
            }
            for (int i = 0; i < size; i++) {
                int p = count[(int) ((keys[i] >>> shift) & ((1 << RADIX_BITS) - 1))]++;
                k2[p] = keys[i];
                s2[p] = sums[i];
            }
            long[] t = keys;
            keys = k2;
            k2 = t;
            t = sums;
            sums = s2;
            s2 = t;
        }
    }

    int size() {
        return size;
    }

    long key(int i) {
        return keys[i];
    }

    long sum(int i) {
        return sums[i];
    }

    /** @return the overflowed part of a cell's sum, or null */
    BigDecimal big(long key) {
        return big.isEmpty() ? null : big.get(key);
    }
}
