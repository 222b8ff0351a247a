package dev.billing.core.support;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks every builder of the SDK and its providers applies to its settings, with one wording:
 * {@code "connectTimeout must be positive, got PT0S"}, {@code "maxConcurrentRequests must be at least 1, got 0"}.
 */
public final class Arguments {
    /** The longest duration setting: {@code P366D}, past any timeout, lease or age a setting means. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    private Arguments() {
    }

    /**
     * @param value a duration setting
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException when it is null
     * @throws IllegalArgumentException when it is zero or negative, or longer than {@link #MAX_DURATION}
     */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION + ", got " + value);
        }
        return value;
    }

    /**
     * @param value a count setting
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException when it is less than 1
     */
    public static int atLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }
}
