package dev.billing.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which windows (UTC months) a {@link CostSync} reads and which a report from the store needs: the months-back
 * range, the restatement grace after a month closes, and the backfill of months the store does not hold. Pure
 * logic on the time its {@link Clock} gives; no store, no provider.
 */
final class SyncSchedule {
    private final int monthsBack;
    private final int graceDays;
    private final Clock clock;

    /**
     * @param monthsBack how many months before the current one the range reaches (0 or more)
     * @param graceDays for how many days after a month closes it is still re-read (0 or more)
     * @param clock where the time of a sync or a report is read
     */
    SyncSchedule(int monthsBack, int graceDays, Clock clock) {
        this.monthsBack = monthsBack;
        this.graceDays = graceDays;
        this.clock = clock;
    }

    /** @return the time of a sync or a report, read once for all its accounts */
    Instant now() {
        return clock.instant();
    }

    /** @return the UTC month {@code now} falls in */
    static YearMonth monthOf(Instant now) {
        return YearMonth.from(now.atZone(ZoneOffset.UTC));
    }

    /** @return the oldest month of the range at {@code now} */
    YearMonth oldest(Instant now) {
        return monthOf(now).minusMonths(monthsBack);
    }

    /**
     * The months to read: those {@link #reread(Instant, Instant)} gives, and every month of the {@code monthsBack}
     * range the store does not hold (so raising {@code monthsBack}, or a month skipped or failed earlier, is
     * backfilled).
     *
     * @param lastSync the account's last successful sync, or {@code null} for none
     * @param held the months of the range the store holds for the account
     * @param now the time of this sync
     * @return the months to read, oldest first
     */
    List<YearMonth> due(Instant lastSync, Set<YearMonth> held, Instant now) {
        Set<YearMonth> due = new TreeSet<>(reread(lastSync, now));
        YearMonth current = monthOf(now);
        for (YearMonth m = oldest(now); !m.isAfter(current); m = m.plusMonths(1)) {
            if (!held.contains(m)) {
                due.add(m);
            }
        }
        return List.copyOf(due);
    }

    /**
     * The months re-read whatever the store holds: the whole range on a first sync; later, the current month,
     * every month closed less than the grace days ago, and every month still open at the last sync (never
     * older than the range).
     *
     * @param lastSync the account's last successful sync, or {@code null} for none
     * @param now the time of this sync
     * @return the months to read, oldest first
     */
    List<YearMonth> reread(Instant lastSync, Instant now) {
        YearMonth current = monthOf(now);
        YearMonth oldest = oldest(now);
        YearMonth from = current;
        if (lastSync == null) {
            from = oldest;
        } else {
            while (closedAt(from.minusMonths(1)).plus(Duration.ofDays(graceDays)).isAfter(now)) {
                from = from.minusMonths(1);
            }
            YearMonth openAtLastSync = monthOf(lastSync);
            if (openAtLastSync.isBefore(from)) {
                from = openAtLastSync;
            }
            if (from.isBefore(oldest)) {
                from = oldest;
            }
        }
        return months(from, current);
    }

    /**
     * @param period a report's period
     * @param now the time of the report
     * @return the months of the period up to the current one, oldest first (empty when the period is in the future)
     */
    static List<YearMonth> reported(BillingPeriod period, Instant now) {
        YearMonth last = YearMonth.from(period.end().minusDays(1));
        YearMonth current = monthOf(now);
        return months(YearMonth.from(period.start()), last.isAfter(current) ? current : last);
    }

    /** @return whether {@code month} is still open at {@code now} */
    static MonthState state(YearMonth month, Instant now) {
        return closedAt(month).isAfter(now) ? MonthState.OPEN : MonthState.CLOSED;
    }

    private static Instant closedAt(YearMonth month) {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static List<YearMonth> months(YearMonth from, YearMonth to) {
        List<YearMonth> months = new ArrayList<>();
        for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }
}
