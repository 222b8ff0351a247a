package dev.billing.core.internal;

import java.util.Arrays;

/**
 * Sealed columns of ints ("slots"), each kept as its difference from the column's minimum in as few bytes as the
 * column's range needs: none when every value is the same, else 1, 2 or 4. A chunk's dictionary ids and days span a
 * small range (an account's handful of services, a window's month of days), so most columns take a byte a row.
 *
 * <p>Every column of the same width shares one array: the 1-byte columns follow a small header in {@link #bytes}
 * (per slot its width, then per slot its minimum in 4 bytes and its range in as many bytes as its width), the
 * 2-byte ones are in {@link #shorts}, the 4-byte ones in {@link #ints}. A chunk of a few rows (a small window) so
 * takes one to three arrays and no object per column. {@link Chunk} extends this class, to spare one more object.
 *
 * <p>The kernel's per-row passes are here, one loop per width, so that they read the narrow array directly; the
 * slot's place is found once per pass.
 */
class PackedInts {
    /** The packed rows, once {@link #pack}ed. */
    int size;
    /** The header, then the 1-byte columns; null until packed. */
    private byte[] bytes;
    private short[] shorts;
    private int[] ints;

    /**
     * Packs the first {@code size} values of each column; no row may be added afterwards.
     *
     * @param columns per slot, its values
     * @param size how many rows
     */
    final void pack(int[][] columns, int size) {
        int slots = columns.length;
        int[] min = new int[slots];
        int[] range = new int[slots];
        int[] width = new int[slots];
        int header = 1 + slots;
        int[] rowBytes = new int[5];
        for (int s = 0; s < slots; s++) {
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                lo = Math.min(lo, columns[s][i]);
                hi = Math.max(hi, columns[s][i]);
            }
            long r = size == 0 ? 0 : (long) hi - lo;
            min[s] = size == 0 ? 0 : lo;
            range[s] = (int) r;
            width[s] = r == 0 ? 0 : r <= 0xFF ? 1 : r <= 0xFFFF ? 2 : 4;
            header += 4 + width[s];
            rowBytes[width[s]]++;
        }
        byte[] b = new byte[header + rowBytes[1] * size];
        short[] sh = rowBytes[2] == 0 ? null : new short[rowBytes[2] * size];
        int[] in = rowBytes[4] == 0 ? null : new int[rowBytes[4] * size];
        b[0] = (byte) slots;
        int at = 1 + slots;
        int[] next = {0, header, 0, 0, 0};
        for (int s = 0; s < slots; s++) {
            int w = width[s];
            b[1 + s] = (byte) w;
            at = write(b, at, min[s], 4);
            at = write(b, at, range[s], w);
            int[] v = columns[s];
            int o = next[w];
            for (int i = 0; i < size && w > 0; i++) {
                int d = v[i] - min[s];
                if (w == 1) {
                    b[o + i] = (byte) d;
                } else if (w == 2) {
                    sh[o + i] = (short) d;
                } else {
                    in[o + i] = v[i];
                }
            }
            next[w] += size;
        }
        this.size = size;
        bytes = b;
        shorts = sh;
        ints = in;
    }

    /** Holds what {@code other} holds (which is then no longer used): the rows of a chunk rebuilt in place. */
    final void packedAs(PackedInts other) {
        size = other.size;
        bytes = other.bytes;
        shorts = other.shorts;
        ints = other.ints;
    }

    /** Copies the values of rows {@code [from, to)} of a slot to {@code into}, from index {@code at}. */
    final void unpack(int slot, int from, int to, int[] into, int at) {
        int w = width(slot);
        int o = offset(slot);
        int m = min(slot);
        for (int i = from; i < to; i++) {
            into[at + i - from] = w == 0 ? m : w == 1 ? m + (bytes[o + i] & 0xFF)
                    : w == 2 ? m + (shorts[o + i] & 0xFFFF) : ints[o + i];
        }
    }

    private static int write(byte[] b, int at, int value, int count) {
        for (int k = 0; k < count; k++) {
            b[at + k] = (byte) (value >>> (8 * k));
        }
        return at + count;
    }

    private int read(int at, int count) {
        int v = 0;
        for (int k = 0; k < count; k++) {
            v |= (bytes[at + k] & 0xFF) << (8 * k);
        }
        return v;
    }

    private int width(int slot) {
        return bytes[1 + slot];
    }

    /** @return where slot {@code slot}'s minimum is in the header */
    private int headerOf(int slot) {
        int at = 1 + bytes[0];
        for (int s = 0; s < slot; s++) {
            at += 4 + bytes[1 + s];
        }
        return at;
    }

    /** @return the index of slot {@code slot}'s first row in the array of its width */
    private int offset(int slot) {
        int w = width(slot);
        int slots = bytes[0];
        int start = w == 1 ? headerOf(slots) : 0;
        for (int s = 0; s < slot; s++) {
            if (bytes[1 + s] == w) {
                start += size;
            }
        }
        return start;
    }

    /** @return the array of the 1-byte columns (after the header), null until packed */
    final byte[] byteArray() {
        return bytes;
    }

    /**
     * @return where a slot's row 0 is in {@link #byteArray()}, the differences from its minimum a byte a row; -1 when
     *     the slot takes no byte or more than one a row
     */
    final int byteOffset(int slot) {
        return width(slot) == 1 ? offset(slot) : -1;
    }

    /** @return the smallest value of a slot (0 when there are no rows) */
    final int min(int slot) {
        return read(headerOf(slot), 4);
    }

    /** @return the largest value of a slot (0 when there are no rows) */
    final int max(int slot) {
        int at = headerOf(slot);
        return read(at, 4) + read(at + 4, width(slot));
    }

    /** @return row {@code i}'s value of a slot */
    final int get(int slot, int i) {
        int w = width(slot);
        if (w == 0) {
            return min(slot);
        }
        int at = offset(slot) + i;
        return w == 1 ? min(slot) + (bytes[at] & 0xFF) : w == 2 ? min(slot) + (shorts[at] & 0xFFFF) : ints[at];
    }

    /** For each of the first {@code n} rows: {@code k[i] = k[i] * r + value + add}. */
    final void addTo(int slot, long[] k, int n, long r, long add) {
        int w = width(slot);
        int o = offset(slot);
        long a = add + (w == 4 ? 0 : min(slot));
        if (w == 1) {
            byte[] b = bytes;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + ((b[o + i] & 0xFF) + a);
            }
        } else if (w == 2) {
            short[] s = shorts;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + ((s[o + i] & 0xFFFF) + a);
            }
        } else if (w == 4) {
            int[] v = ints;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (v[o + i] + a);
            }
        } else {
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + a;
            }
        }
    }

    /** For each of the first {@code n} rows: {@code k[i] = k[i] * r + map[value - start] + add}. */
    final void addMapped(int slot, long[] k, int n, long r, int[] map, int start, long add) {
        int w = width(slot);
        int o = offset(slot);
        int m = min(slot) - start;
        if (w == 1) {
            byte[] b = bytes;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (map[(b[o + i] & 0xFF) + m] + add);
            }
        } else if (w == 2) {
            short[] s = shorts;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (map[(s[o + i] & 0xFFFF) + m] + add);
            }
        } else if (w == 4) {
            int[] v = ints;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + (map[v[o + i] - start] + add);
            }
        } else {
            long v = map[m] + add;
            for (int i = 0; i < n; i++) {
                k[i] = k[i] * r + v;
            }
        }
    }

    /** For each of the first {@code n} rows: {@code acc[i] &= map[value]}. */
    final void andMapped(int slot, long[] acc, int n, long[] map) {
        int w = width(slot);
        int o = offset(slot);
        int m = min(slot);
        if (w == 1) {
            byte[] b = bytes;
            for (int i = 0; i < n; i++) {
                acc[i] &= map[(b[o + i] & 0xFF) + m];
            }
        } else if (w == 2) {
            short[] s = shorts;
            for (int i = 0; i < n; i++) {
                acc[i] &= map[(s[o + i] & 0xFFFF) + m];
            }
        } else if (w == 4) {
            int[] v = ints;
            for (int i = 0; i < n; i++) {
                acc[i] &= map[v[o + i]];
            }
        } else {
            long v = map[m];
            for (int i = 0; i < n; i++) {
                acc[i] &= v;
            }
        }
    }

    /** For each of the first {@code n} rows whose {@code ok[value - start]} is false: {@code k[i] = -1}. */
    final void mask(int slot, long[] k, int n, boolean[] ok, int start) {
        int w = width(slot);
        int o = offset(slot);
        int m = min(slot) - start;
        if (w == 1) {
            byte[] b = bytes;
            for (int i = 0; i < n; i++) {
                if (!ok[(b[o + i] & 0xFF) + m]) {
                    k[i] = -1;
                }
            }
        } else if (w == 2) {
            short[] s = shorts;
            for (int i = 0; i < n; i++) {
                if (!ok[(s[o + i] & 0xFFFF) + m]) {
                    k[i] = -1;
                }
            }
        } else if (w == 4) {
            int[] v = ints;
            for (int i = 0; i < n; i++) {
                if (!ok[v[o + i] - start]) {
                    k[i] = -1;
                }
            }
        } else if (n > 0 && !ok[m]) {
            Arrays.fill(k, 0, n, -1);
        }
    }
}
