package dev.billing.aws.internal;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Granularity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a period into the windows the provider queries: one per calendar month (the first and last
 * may be partial). A window is read MONTHLY when the caller needs MONTHLY or YEARLY data and the
 * window is a whole month, DAILY otherwise. Cost Explorer takes longer DAILY ranges, but month windows
 * keep each query's answer small and let an open (estimated) month be re-read on its own.
 */
public final class Windows {

    private Windows() {
    }

    /**
     * @param period the start (inclusive) and end (exclusive)
     * @param monthly whether the window is read at MONTHLY granularity
     */
    public record Window(BillingPeriod period, boolean monthly) {
        @Override
        public String toString() {
            return (monthly ? "MONTHLY " : "DAILY ") + period;
        }
    }

    /**
     * @param period the asked period
     * @param granularity the finest granularity the caller needs
     * @return the windows, in date order
     */
    public static List<Window> split(BillingPeriod period, Granularity granularity) {
        List<Window> out = new ArrayList<>();
        LocalDate start = period.start();
        while (start.isBefore(period.end())) {
            LocalDate nextMonth = start.withDayOfMonth(1).plusMonths(1);
            LocalDate end = nextMonth.isBefore(period.end()) ? nextMonth : period.end();
            boolean whole = start.getDayOfMonth() == 1 && end.equals(nextMonth);
            out.add(new Window(BillingPeriod.of(start, end), whole && granularity != Granularity.DAILY));
            start = end;
        }
        return out;
    }
}
