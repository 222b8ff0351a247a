package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Packed columns (several packed together, of every width) and the scaled-long conversion, against plain reference
 * loops, over seeded random data.
 */
class PackedIntsTest {
    /** Ranges at and around each width's limit: none, a byte, a short, an int (negative values included). */
    private static final long[] RANGES = {0, 1, 255, 256, 65_535, 65_536, Integer.MAX_VALUE, 0xFFFF_FFFFL};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void everyWidthReadsBackAndComputesAsThePlainColumn(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = random.nextInt(0, 600);
        // one slot per range, in a random order, packed together as a chunk's columns are
        long[] ranges = RANGES.clone();
        for (int i = ranges.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = ranges[i];
            ranges[i] = ranges[j];
            ranges[j] = t;
        }
        int[][] columns = new int[ranges.length][];
        for (int slot = 0; slot < ranges.length; slot++) {
            long range = ranges[slot];
            // half of the columns are of small ids (from 0), as dictionary ids are
            int min = random.nextBoolean() && range < 100_000 ? random.nextInt(1000) : (int) Math.max(Integer.MIN_VALUE,
                    random.nextLong(Integer.MIN_VALUE, Integer.MAX_VALUE - range + 1L));
            int[] values = new int[n + random.nextInt(5)];
            for (int i = 0; i < n; i++) {
                values[i] = (int) (min + random.nextLong(range + 1));
            }
            if (n > 1) {
                values[0] = min;
                values[1] = (int) (min + range);
            }
            columns[slot] = values;
        }
        PackedInts packed = new PackedInts();
        packed.pack(columns, n);
        for (int slot = 0; slot < ranges.length; slot++) {
            int[] values = columns[slot];
            int lo = Arrays.stream(values, 0, n).min().orElse(0);
            int hi = Arrays.stream(values, 0, n).max().orElse(0);
            assertThat(packed.min(slot)).isEqualTo(lo);
            assertThat(packed.max(slot)).isEqualTo(hi);
            long r = random.nextInt(1, 1000);
            long add = random.nextInt(-1000, 1000);
            long[] start = random.longs(n, 0, 1000).toArray();
            int[] read = new int[n];
            long[] expected = new long[n];
            for (int i = 0; i < n; i++) {
                read[i] = packed.get(slot, i);
                expected[i] = start[i] * r + values[i] + add;
            }
            assertThat(read).isEqualTo(Arrays.copyOf(values, n));
            long[] k = start.clone();
            packed.addTo(slot, k, n, r, add);
            assertThat(k).isEqualTo(expected);
            if ((long) hi - lo < 100_000) {
                int[] map = random.ints(hi - lo + 1L, -500, 500).toArray();
                boolean[] ok = new boolean[map.length];
                for (int j = 0; j < ok.length; j++) {
                    ok[j] = random.nextBoolean();
                }
                k = start.clone();
                packed.addMapped(slot, k, n, r, map, lo, add);
                for (int i = 0; i < n; i++) {
                    expected[i] = start[i] * r + map[values[i] - lo] + add;
                }
                assertThat(k).isEqualTo(expected);
                k = start.clone();
                packed.mask(slot, k, n, ok, lo);
                for (int i = 0; i < n; i++) {
                    expected[i] = ok[values[i] - lo] ? start[i] : -1;
                }
                assertThat(k).isEqualTo(expected);
                if (lo >= 0 && hi < 200_000) {
                    long[] bits = random.longs(hi + 1L).toArray();
                    long[] acc = start.clone();
                    packed.andMapped(slot, acc, n, bits);
                    for (int i = 0; i < n; i++) {
                        expected[i] = start[i] & bits[values[i]];
                    }
                    assertThat(acc).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void scaledLongsAreExactOrRefused(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5_000; i++) {
            BigInteger unscaled = random.nextInt(4) == 0 ? new BigInteger(random.nextInt(1, 90), new java.util.Random(
                    random.nextLong())).multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1))
                    : BigInteger.valueOf(random.nextLong() >> random.nextInt(64));
            BigDecimal value = new BigDecimal(unscaled, random.nextInt(-4, 16));
            int scale = random.nextInt(0, Scales.MAX_SCALE + 1);
            long expected;
            try {
                expected = value.movePointRight(scale).longValueExact();
            } catch (ArithmeticException e) {
                expected = Long.MIN_VALUE;
            }
            long actual = Scales.toScaled(value, scale);
            if (actual != expected) {
                assertThat(actual).as("%s at scale %d", value, scale).isEqualTo(expected);
            }
        }
    }
}
