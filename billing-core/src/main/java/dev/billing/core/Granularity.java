package dev.billing.core;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How finely a time series is bucketed. */
public enum Granularity {
    /** One bucket per UTC day, labelled {@code 2026-01-05}. */
    DAILY,
    /** One bucket per month, labelled {@code 2026-01}. */
    MONTHLY,
    /** One bucket per year, labelled {@code 2026}. */
    YEARLY;

    /**
     * @param day a day
     * @return the first day of the bucket that holds it
     */
    public LocalDate bucketStart(LocalDate day) {
        return switch (this) {
            case DAILY -> day;
            case MONTHLY -> day.withDayOfMonth(1);
            case YEARLY -> day.withDayOfYear(1);
        };
    }

    /**
     * @param day a day
     * @return the label of the bucket that holds it: {@code 2026-01-05}, {@code 2026-01} or {@code 2026}
     */
    public String label(LocalDate day) {
        return switch (this) {
            case DAILY -> day.toString();
            case MONTHLY -> day.toString().substring(0, 7);
            case YEARLY -> Integer.toString(day.getYear());
        };
    }

    /**
     * @param text {@code DAILY}, {@code MONTHLY} or {@code YEARLY}, in any case
     * @return the granularity
     * @throws InvalidRequestException when the text names none of them
     */
    public static Granularity parse(String text) {
        try {
            return valueOf(String.valueOf(text).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("unknown granularity '" + text + "'; use one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }
}
