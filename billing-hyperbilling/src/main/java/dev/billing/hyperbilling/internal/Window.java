package dev.billing.hyperbilling.internal;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Granularity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's {@code TimePeriod}: {@code [start, end)} at DAILY or MONTHLY granularity, within the
 * limits the API accepts (30 days for DAILY, so that a service reading {@code End} as inclusive is
 * never asked for more than 31 days; 12 whole months for MONTHLY).
 *
 * @param start the first day
 * @param end the day after the last
 * @param monthly whether the request asks for MONTHLY rows
 */
record Window(LocalDate start, LocalDate end, boolean monthly) {
    static final int MAX_DAYS = 30;
    static final int MAX_MONTHS = 12;

    /**
     * Splits a period into windows. MONTHLY rows are asked for when the caller needs MONTHLY or
     * YEARLY data and the period is month-aligned; otherwise DAILY rows, which are never coarser
     * than asked, so a partial month is never counted whole.
     */
    static List<Window> plan(BillingPeriod period, Granularity granularity) {
        boolean monthly = granularity != Granularity.DAILY
                && period.start().getDayOfMonth() == 1 && period.end().getDayOfMonth() == 1;
        List<Window> windows = new ArrayList<>();
        LocalDate start = period.start();
        while (start.isBefore(period.end())) {
            LocalDate next = monthly ? start.plusMonths(MAX_MONTHS) : start.plusDays(MAX_DAYS);
            LocalDate end = next.isBefore(period.end()) ? next : period.end();
            windows.add(new Window(start, end, monthly));
            start = end;
        }
        return windows;
    }

    boolean contains(LocalDate day) {
        return !day.isBefore(start) && day.isBefore(end);
    }

    String granularity() {
        return monthly ? "MONTHLY" : "DAILY";
    }

    @Override
    public String toString() {
        return granularity() + " [" + start + ", " + end + ")";
    }
}
