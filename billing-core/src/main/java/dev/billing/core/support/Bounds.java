package dev.billing.core.support;

import java.math.BigDecimal;

/**
 * The bounds every door of the SDK applies to what a user or a vendor sends, in one place: amounts,
 * rates, percents and budget amounts read from provider answers, files and configuration are exact
 * decimals of at most {@value #MAX_PRECISION} significant digits, {@value #MAX_INTEGER_DIGITS} integer digits
 * (what a cost store keeps, {@code DECIMAL(38, 18)}) and {@value #MAX_FRACTION_DIGITS} fraction digits (vendors
 * send the exact decimal expansion of a binary fraction, such as {@code 0.1000000000000000055511151231257827}; a cost
 * store keeps 18 of them and refuses a window whose amounts need more), written in at most
 * {@value #MAX_DECIMAL_TEXT} characters; text echoed in a message is cut to {@value #MAX_ECHO}
 * characters with its control characters escaped. A value outside them is refused before any
 * arithmetic, so nothing sent can make the SDK allocate without bound.
 */
public final class Bounds {
    /** Significant digits of a decimal read from outside, trailing zeros not counted: {@value}. */
    public static final int MAX_PRECISION = 38;
    /** Integer digits of a decimal read from outside: {@value}. */
    public static final int MAX_INTEGER_DIGITS = 20;
    /** Fraction digits of a decimal read from outside, trailing zeros not counted: {@value}. */
    public static final int MAX_FRACTION_DIGITS = 38;
    /** Characters of a decimal's text, sign, point, exponent and padding zeros included: {@value}. */
    public static final int MAX_DECIMAL_TEXT = 200;
    /** Characters of a value echoed in a message: {@value}. */
    public static final int MAX_ECHO = 80;
    /** Characters of a whole message printed on one line: {@value}. */
    public static final int MAX_MESSAGE = 1000;

    private Bounds() {
    }

    /**
     * @param text a decimal as text, for example {@code "12.345"} or {@code "35.2E-7"}; surrounding
     *     blanks are ignored
     * @return the exact number
     * @throws NumberFormatException when it is not a decimal number, or one outside the bounds; the
     *     message quotes the text through {@link #echo(CharSequence)}
     */
    public static BigDecimal decimal(String text) {
        if (text == null) {
            throw new NumberFormatException("no number");
        }
        if (text.length() > MAX_DECIMAL_TEXT) {
            throw tooLong(text);
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new NumberFormatException("'" + echo(text) + "' is not a decimal number such as 12.345");
        }
        return decimal(value, text);
    }

    /**
     * @param chars holds a decimal's text
     * @param offset where it starts
     * @param length its length
     * @return the text, when it is short enough to be a decimal within the bounds
     * @throws NumberFormatException when it is longer than {@value #MAX_DECIMAL_TEXT} characters
     */
    public static String decimalText(char[] chars, int offset, int length) {
        if (length > MAX_DECIMAL_TEXT) {
            throw tooLong(new String(chars, offset, MAX_ECHO + 1));
        }
        return new String(chars, offset, length);
    }

    /**
     * @param value a number a parser read (a JSON number, for example)
     * @return {@code value}
     * @throws NumberFormatException when it is outside the bounds
     */
    public static BigDecimal decimal(BigDecimal value) {
        return decimal(value, null);
    }

    private static BigDecimal decimal(BigDecimal value, String text) {
        // integer digits do not depend on trailing zeros: 1.500 and 1.5 both have precision - scale = 1
        boolean fits = (long) value.precision() - value.scale() <= MAX_INTEGER_DIGITS;
        if (fits && (value.precision() > MAX_PRECISION || value.scale() > MAX_FRACTION_DIGITS)) {
            BigDecimal stripped = value.stripTrailingZeros(); // cheap once the integer digits are bounded
            fits = stripped.precision() <= MAX_PRECISION && stripped.scale() <= MAX_FRACTION_DIGITS;
        }
        if (!fits) {
            throw new NumberFormatException("'" + echo(text != null ? text : shortForm(value)) + "' is outside the"
                    + " supported range (at most " + MAX_PRECISION + " significant digits, " + MAX_INTEGER_DIGITS
                    + " integer and " + MAX_FRACTION_DIGITS + " fraction digits)");
        }
        return value;
    }

    /** The number in scientific notation without printing its digits: cheap for any size. */
    private static String shortForm(BigDecimal value) {
        String digits = value.unscaledValue().abs().toString(10);
        return digits.length() <= 40 ? value.toString()
                : (value.signum() < 0 ? "-" : "") + digits.charAt(0) + "." + digits.substring(1, 10) + "...E"
                        + ((long) value.precision() - value.scale() - 1);
    }

    private static NumberFormatException tooLong(CharSequence text) {
        return new NumberFormatException("'" + echo(text) + "' is longer than the " + MAX_DECIMAL_TEXT
                + " characters a decimal number may have");
    }

    /**
     * @param text a value from outside to quote in a message (null is written {@code null})
     * @return at most {@value #MAX_ECHO} characters of it (then {@code ...} and the number of characters
     *     left out), control characters (ESC, BEL, line breaks...) written as {@code \\uXXXX} or {@code \\n}
     */
    public static String echo(CharSequence text) {
        return echo(text, MAX_ECHO);
    }

    /**
     * @param message a whole message to print on one line (a CLI error, for example)
     * @return at most {@value #MAX_MESSAGE} characters of it, control characters escaped as by
     *     {@link #echo(CharSequence)}
     */
    public static String message(CharSequence message) {
        return echo(message, MAX_MESSAGE);
    }

    private static String echo(CharSequence text, int max) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(n + 24);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                            || Character.getType(c) == Character.FORMAT) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > max) {
            out.append("... (").append(text.length() - max).append(" more characters)");
        }
        return out.toString();
    }
}
