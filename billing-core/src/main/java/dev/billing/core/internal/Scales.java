package dev.billing.core.internal;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Exact conversions between {@link BigDecimal} and longs scaled by a power of ten. */
final class Scales {
    /** The largest scale amounts are kept at as longs; finer amounts stay BigDecimal. */
    static final int MAX_SCALE = 12;
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private Scales() {
    }

    static long pow10(int digits) {
        return POW10[digits];
    }

    /** @return the scale {@code value} needs exactly, or -1 when it is finer than {@link #MAX_SCALE} */
    static int scaleOf(BigDecimal value) {
        int s = value.scale();
        if (s <= MAX_SCALE) {
            return Math.max(s, 0);
        }
        s = value.stripTrailingZeros().scale();
        return s <= MAX_SCALE ? Math.max(s, 0) : -1;
    }

    /**
     * @param value an amount whose {@link #scaleOf} is at most {@code scale}
     * @param scale the scale
     * @return {@code value * 10^scale}, or {@link Long#MIN_VALUE} when it does not fit in a long
     *     (or is {@link Long#MIN_VALUE} itself)
     */
    static long toScaled(BigDecimal value, int scale) {
        int up = scale - value.scale();
        if (up >= 0 && up < POW10.length) {
            // the common case without the BigDecimal arithmetic: a long unscaled value times a power of ten
            BigInteger unscaled = value.unscaledValue();
            if (unscaled.bitLength() < 64) {
                long x = unscaled.longValue();
                long f = POW10[up];
                long hi = Math.multiplyHigh(x, f);
                long lo = x * f;
                return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : Long.MIN_VALUE;
            }
        }
        try {
            return value.movePointRight(scale).longValueExact();
        } catch (ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }
}
