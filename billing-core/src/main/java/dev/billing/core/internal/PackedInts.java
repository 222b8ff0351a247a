package dev.billing.core.internal;

/**
 * A sealed column of ints, each kept as its difference from the column's minimum in as few bytes as the column's
 * range needs: none when every value is the same, else 1, 2 or 4. A chunk's dictionary ids and days span a small
 * range (an account's handful of services, a window's month of days), so most columns take a byte a row.
 *
 * <p>The kernel's per-row passes are here, one loop per width, so that they read the narrow array directly.
 */
final class PackedInts {
    final int min;
    final int max;
    /** The differences from {@link #min}: one of these is set, or none when {@code min == max}. */
    private final byte[] bytes;
    private final short[] shorts;
    private final int[] ints;

    /**
     * @param values the values; the first {@code size} are kept
     * @param size how many
     */
    PackedInts(int[] values, int size) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            lo = Math.min(lo, values[i]);
            hi = Math.max(hi, values[i]);
        }
        this.min = size == 0 ? 0 : lo;
        this.max = size == 0 ? 0 : hi;
        long range = (long) max - min;
        byte[] b = null;
        short[] s = null;
        int[] w = null;
        if (range == 0) {
            // every row has the minimum
        } else if (range <= 0xFF) {
            b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (values[i] - min);
            }
        } else if (range <= 0xFFFF) {
            s = new short[size];
            for (int i = 0; i < size; i++) {
                s[i] = (short) (values[i] - min);
            }
        } else {
            w = java.util.Arrays.copyOf(values, size);
        }
        bytes = b;
        shorts = s;
        ints = w;
    }

    /**
     * @return the differences from {@link #min}, a byte a row from {@link #byteOffset()}, when the column keeps them
     *     so; else null (a constant column, or one of 2 or 4 bytes a row)
     */
    byte[] byteArray() {
        return bytes;
    }

    /** @return where row 0 is in {@link #byteArray()} */
    int byteOffset() {
        return 0;
    }

    /** @return whether every row has the value {@link #min} */
    boolean constant() {
        return min == max;
    }

    /** @return row {@code i}'s value */
    int get(int i) {
        if (bytes != null) {
            return min + (bytes[i] & 0xFF);
        }
        if (shorts != null) {
            return min + (shorts[i] & 0xFFFF);
        }
        return ints != null ? ints[i] : min;
    }

    /** For each of the first {@code n} rows: {@code k[i] = k[i] * r + value + add}. */
    void addTo(long[] k, int n, long r, long add) {
        long a = add + (ints != null ? 0 : min);
        if (bytes != null) {
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + ((bytes[i] & 0xFF) + a);
            }
        } else if (shorts != null) {
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + ((shorts[i] & 0xFFFF) + a);
            }
        } else if (ints != null) {
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (ints[i] + a);
            }
        } else {
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + a;
            }
        }
    }

    /** For each of the first {@code n} rows: {@code k[i] = k[i] * r + map[value - start] + add}. */
    void addMapped(long[] k, int n, long r, int[] map, int start, long add) {
        if (bytes != null) {
            int s = min - start;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (map[(bytes[i] & 0xFF) + s] + add);
            }
        } else if (shorts != null) {
            int s = min - start;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (map[(shorts[i] & 0xFFFF) + s] + add);
            }
        } else if (ints != null) {
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (map[ints[i] - start] + add);
            }
        } else {
            long v = map[min - start] + add;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + v;
            }
        }
    }

    /** For each of the first {@code n} rows: {@code acc[i] &= map[value]}. */
    void andMapped(long[] acc, int n, long[] map) {
        if (bytes != null) {
            for (int i = 0; i < n; i++) {
                acc[i] &= map[(bytes[i] & 0xFF) + min];
            }
        } else if (shorts != null) {
            for (int i = 0; i < n; i++) {
                acc[i] &= map[(shorts[i] & 0xFFFF) + min];
            }
        } else if (ints != null) {
            for (int i = 0; i < n; i++) {
                acc[i] &= map[ints[i]];
            }
        } else {
            long v = map[min];
            for (int i = 0; i < n; i++) {
                acc[i] &= v;
            }
        }
    }

    /** For each of the first {@code n} rows whose {@code ok[value - start]} is false: {@code k[i] = -1}. */
    void mask(long[] k, int n, boolean[] ok, int start) {
        if (bytes != null) {
            int s = min - start;
            for (int i = 0; i < n; i++) {
                if (!ok[(bytes[i] & 0xFF) + s]) {
                    k[i] = -1;
                }
            }
        } else if (shorts != null) {
            int s = min - start;
            for (int i = 0; i < n; i++) {
                if (!ok[(shorts[i] & 0xFFFF) + s]) {
                    k[i] = -1;
                }
            }
        } else if (ints != null) {
            for (int i = 0; i < n; i++) {
                if (!ok[ints[i] - start]) {
                    k[i] = -1;
                }
            }
        } else if (n > 0 && !ok[min - start]) {
            java.util.Arrays.fill(k, 0, n, -1);
        }
    }
}
