package dev.billing.examples.cli;

import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.support.Bounds;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for option values; their messages say what to write instead. */
final class Args {
    private Args() {
    }

    /** {@code YYYY-MM-DD}, or {@code YYYY-MM} meaning the 1st of that month. */
    static final class Day implements ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String value) {
            try {
                return value.length() == 7 ? YearMonth.parse(value).atDay(1) : LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a date: write YYYY-MM-DD (2026-01-31)"
                        + " or YYYY-MM (2026-01, the 1st of the month)");
            }
        }
    }

    /** A non-negative ISO-8601 {@link Duration}, such as {@code PT24H} or {@code P2D}. */
    /** A page's deadline: a positive ISO-8601 duration of at most an hour. */
    static final class Deadline implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration d = Duration.parse(value);
                if (!d.isNegative() && !d.isZero() && d.compareTo(Duration.ofHours(1)) <= 0) {
                    return d;
                }
            } catch (DateTimeParseException | ArithmeticException e) {
                // the message below says what to write
            }
            throw new TypeConversionException("'" + Bounds.echo(value) + "' is not a deadline: write a positive"
                    + " ISO-8601 duration of at most PT1H, such as PT10S (the default) or PT2.5S");
        }
    }

    static final class Age implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration age = Duration.parse(value);
                if (!age.isNegative()) {
                    return age;
                }
            } catch (DateTimeParseException e) {
                // the message below says what to write
            }
            throw new TypeConversionException("'" + value + "' is not an age: write an ISO-8601 duration such as"
                    + " PT24H (24 hours), PT30M or P2D (2 days)");
        }
    }

    /** A {@link Granularity}, in any case. */
    static final class GranularityArg implements ITypeConverter<Granularity> {
        @Override
        public Granularity convert(String value) {
            try {
                return Granularity.parse(value);
            } catch (InvalidRequestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A {@link Dimension} by its key, such as {@code serviceAccount}. */
    static final class DimensionArg implements ITypeConverter<Dimension> {
        @Override
        public Dimension convert(String value) {
            try {
                return Dimension.parse(value.trim());
            } catch (InvalidRequestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A {@code --filter DIM=V1,V2}: the dimension and its accepted values ({@code DIM=} accepts {@code ""}). */
    record Filter(Dimension dimension, List<String> values) {
        Filter {
            values = List.copyOf(values);
        }
    }

    /** Parses {@code DIM=V1,V2}, {@code DIM} any dimension or {@code tag:KEY}. */
    static final class FilterArg implements ITypeConverter<Filter> {
        @Override
        public Filter convert(String value) {
            int eq = value.indexOf('=');
            if (eq < 0) {
                throw new TypeConversionException("'" + value + "' is not a filter: write DIM=V1,V2 (service=AmazonEC2,"
                        + " tag:team=web, or tag:team= for line items without the tag)");
            }
            Dimension dimension = new DimensionArg().convert(value.substring(0, eq));
            return new Filter(dimension, List.of(value.substring(eq + 1).split(",", -1)));
        }
    }

    /** Parses {@code YYYY-MM}. */
    static final class Month implements ITypeConverter<YearMonth> {
        @Override
        public YearMonth convert(String value) {
            try {
                return YearMonth.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a month: use YYYY-MM, such as 2026-12");
            }
        }
    }
}
