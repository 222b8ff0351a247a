package dev.billing.core;

import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A half-open range of UTC calendar dates: {@code start} is included, {@code end} is not.
 *
 * @param start the first day
 * @param end the day after the last day
 */
public record BillingPeriod(LocalDate start, LocalDate end) {

    /**
     * @throws InvalidRequestException when {@code end} is not after {@code start}
     */
    public BillingPeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new InvalidRequestException("period end " + end + " must be after its start " + start
                    + " (the end is exclusive: a single day D is [D, D+1))");
        }
    }

    /**
     * @param start the first day
     * @param endExclusive the day after the last day
     * @return the period {@code [start, endExclusive)}
     * @throws InvalidRequestException when the end is not after the start
     */
    public static BillingPeriod of(LocalDate start, LocalDate endExclusive) {
        return new BillingPeriod(start, endExclusive);
    }

    /**
     * @param day the day
     * @return the period holding just that day
     */
    public static BillingPeriod day(LocalDate day) {
        return new BillingPeriod(day, day.plusDays(1));
    }

    /**
     * @param month the month
     * @return the period from the month's first day to the next month's first day
     */
    public static BillingPeriod month(YearMonth month) {
        return new BillingPeriod(month.atDay(1), month.plusMonths(1).atDay(1));
    }

    /**
     * The months {@code first} through {@code last}, both included; as everywhere else, the period's
     * {@link #end()} is exclusive: the first day of the month after {@code last}.
     *
     * @param first the first month
     * @param last the last month, included (as the name says)
     * @return the period from {@code first}'s first day to the day after {@code last}
     * @throws InvalidRequestException when {@code last} is before {@code first}
     */
    public static BillingPeriod monthsThrough(YearMonth first, YearMonth last) {
        if (last.isBefore(first)) {
            throw new InvalidRequestException("last month " + last + " is before first month " + first);
        }
        return new BillingPeriod(first.atDay(1), last.plusMonths(1).atDay(1));
    }

    /**
     * @param year the year
     * @return January 1st of that year to January 1st of the next
     */
    public static BillingPeriod year(int year) {
        return new BillingPeriod(Year.of(year).atDay(1), Year.of(year + 1).atDay(1));
    }

    /**
     * @param day a day
     * @return whether the day lies in this period
     */
    public boolean contains(LocalDate day) {
        return !day.isBefore(start) && day.isBefore(end);
    }

    /** @return the number of days in the period */
    public long days() {
        return ChronoUnit.DAYS.between(start, end);
    }

    /** @return {@code [start, end)} */
    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
