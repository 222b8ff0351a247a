package dev.billing.hyperbilling.internal;

import java.math.BigDecimal;

/**
 * Exact decimals from the characters of a JSON number. {@code JsonParser.getDecimalValue()} makes a
 * String of a fraction's text and {@code new BigDecimal(String)} copies it again into a char[]
 * before parsing; reading the parser's own buffer here gives the identical value (same unscaled
 * value and scale) without those copies. Never goes through {@code double}.
 */
final class Decimals {
    /** Significant digits that always fit a long: 10^18 - 1 &lt; 2^63. */
    private static final int LONG_DIGITS = 18;
    /** Exponents longer than this go to BigDecimal, which knows where the scale overflows. */
    private static final int EXPONENT_DIGITS = 9;

    private Decimals() {
    }

    /**
     * @param chars holds a number in JSON syntax ({@code -?digits(.digits)?([eE][+-]?digits)?}),
     *     as the parser validated it
     * @param offset where the number starts
     * @param length its length
     * @return the number, equal to {@code new BigDecimal(text)} in value and scale
     * @throws NumberFormatException when the scale overflows an int
     */
    static BigDecimal parse(char[] chars, int offset, int length) {
        int end = offset + length;
        int i = offset;
        boolean negative = chars[i] == '-';
        if (negative) {
            i++;
        }
        long unscaled = 0;
        int digits = 0;
        int scale = 0;
        boolean fraction = false;
        for (; i < end; i++) {
            char c = chars[i];
            if (c == '.') {
                fraction = true;
            } else if (c >= '0' && c <= '9') {
                unscaled = unscaled * 10 + (c - '0');
                if (unscaled != 0) {
                    digits++; // leading zeros are not significant
                }
                if (fraction) {
                    scale++;
                }
            } else {
                break; // 'e' or 'E'
            }
        }
        if (digits > LONG_DIGITS) {
            return new BigDecimal(chars, offset, length);
        }
        if (i < end) {
            int e = i + 1;
            boolean negativeExponent = chars[e] == '-';
            if (negativeExponent || chars[e] == '+') {
                e++;
            }
            if (end - e > EXPONENT_DIGITS) {
                return new BigDecimal(chars, offset, length);
            }
            int exponent = 0;
            for (; e < end; e++) {
                exponent = exponent * 10 + (chars[e] - '0');
            }
            scale += negativeExponent ? exponent : -exponent;
        }
        return BigDecimal.valueOf(negative ? -unscaled : unscaled, scale);
    }
}
