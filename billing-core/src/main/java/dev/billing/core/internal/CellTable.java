package dev.billing.core.internal;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact sums per cell key: a long per cell (dense array for small key spaces, open addressing
 * otherwise), and a {@link BigDecimal} for the cells whose long overflowed. Sums are in units of
 * the cell currency's scale (unscaled).
 */
final class CellTable {
    private static final long EMPTY = -1;

    private final boolean dense;
    private long[] keys;
    private long[] sums;
    /** Dense only: per key, 1 once added to (a store per row, where a bitset's word would be read and written). */
    private byte[] seen;
    /** Dense only: the keys with an overflowed part in {@link #big}, so that the others are not looked up. */
    private long[] bigSeen;
    private int mask;
    private int shift;
    private int count;
    private final Map<Long, BigDecimal> big = new HashMap<>();

    /**
     * @param keySpace the number of possible keys
     * @param rows the number of rows that may be added
     */
    CellTable(long keySpace, long rows) {
        dense = keySpace <= Math.min(1 << 22, Math.max(1 << 16, 4 * rows));
        if (dense) {
            sums = new long[(int) keySpace];
            seen = new byte[(int) keySpace];
            bigSeen = new long[(int) ((keySpace + 63) >>> 6)];
        } else {
            int capacity = 1 << 10;
            keys = new long[capacity];
            Arrays.fill(keys, EMPTY);
            sums = new long[capacity];
            mask = capacity - 1;
            shift = 64 - 10;
        }
    }

    boolean isDense() {
        return dense;
    }

    void add(long key, long amount) {
        int s = slot(key);
        long x = sums[s];
        long r = x + amount;
        if (((x ^ r) & (amount ^ r)) < 0) {
            addBig(key, BigDecimal.valueOf(x));
            r = amount;
        }
        sums[s] = r;
    }

    /** @param unscaled an amount in units of the cell currency's scale */
    void addBig(long key, BigDecimal unscaled) {
        slot(key);
        if (dense) {
            bigSeen[(int) key >>> 6] |= 1L << key;
        }
        big.merge(key, unscaled, BigDecimal::add);
    }

    private int slot(long key) {
        if (dense) {
            int k = (int) key;
            seen[k] = 1;
            return k;
        }
        int s = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
        while (true) {
            long k = keys[s];
            if (k == key) {
                return s;
            }
            if (k == EMPTY) {
                keys[s] = key;
                if (++count * 2 > keys.length) {
                    grow();
                    return slot(key);
                }
                return s;
            }
            s = (s + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldSums = sums;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        sums = new long[keys.length];
        mask = keys.length - 1;
        shift--;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int s = (int) ((oldKeys[i] * 0x9E3779B97F4A7C15L) >>> shift);
                while (keys[s] != EMPTY) {
                    s = (s + 1) & mask;
                }
                keys[s] = oldKeys[i];
                sums[s] = oldSums[i];
            }
        }
    }

    /** Calls {@code sink} once per cell, in no particular order. */
    void forEach(CellSink sink) {
        if (dense) {
            for (int key = 0; key < seen.length; key++) {
                if (seen[key] != 0) {
                    sink.accept(key, sums[key], (bigSeen[key >>> 6] & (1L << key)) == 0 ? null : big.get((long) key));
                }
            }
        } else {
            boolean none = big.isEmpty();
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != EMPTY) {
                    sink.accept(keys[i], sums[i], none ? null : big.get(keys[i]));
                }
            }
        }
    }

    /** Receives one cell. */
    @FunctionalInterface
    interface CellSink {
        /**
         * @param key the cell's key
         * @param sum the long part of its sum, unscaled
         * @param big the overflowed part, unscaled, or null
         */
        void accept(long key, long sum, BigDecimal big);
    }
}
