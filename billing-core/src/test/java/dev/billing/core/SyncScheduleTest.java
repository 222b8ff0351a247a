package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sync schedule alone: which months are due, on a fixed clock, with no store or provider. */
class SyncScheduleTest {
    private static final YearMonth MAR = YearMonth.of(2026, 3);

    private static SyncSchedule schedule(int monthsBack, int graceDays, String now) {
        return new SyncSchedule(monthsBack, graceDays, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    private static List<YearMonth> months(YearMonth from, YearMonth to) {
        return from.atDay(1).datesUntil(to.plusMonths(1).atDay(1), java.time.Period.ofMonths(1))
                .map(YearMonth::from).toList();
    }

    @Test
    void firstSync_readsTheWholeRange() {
        SyncSchedule s = schedule(12, 10, "2026-03-15T12:00:00Z");

        assertThat(s.due(null, Set.of(), s.now())).isEqualTo(months(YearMonth.of(2025, 3), MAR));
    }

    @Test
    void laterSync_inTheGrace_rereadsTheClosedMonthAndTheOpenOne() {
        SyncSchedule s = schedule(12, 10, "2026-03-10T23:59:59Z");
        Set<YearMonth> held = Set.copyOf(months(YearMonth.of(2025, 3), MAR));

        assertThat(s.due(Instant.parse("2026-03-09T00:00:00Z"), held, s.now()))
                .containsExactly(YearMonth.of(2026, 2), MAR);
    }

    @Test
    void laterSync_afterTheGrace_rereadsTheOpenMonthOnly() {
        SyncSchedule s = schedule(12, 10, "2026-03-11T00:00:00Z");
        Set<YearMonth> held = Set.copyOf(months(YearMonth.of(2025, 3), MAR));

        assertThat(s.due(Instant.parse("2026-03-10T00:00:00Z"), held, s.now())).containsExactly(MAR);
    }

    @Test
    void zeroGraceDays_rereadsTheOpenMonthOnly() {
        SyncSchedule s = schedule(12, 0, "2026-03-01T00:00:00Z");
        Set<YearMonth> held = Set.copyOf(months(YearMonth.of(2025, 3), MAR));

        assertThat(s.due(Instant.parse("2026-03-01T00:00:00Z"), held, s.now())).containsExactly(MAR);
    }

    @Test
    void monthsOpenAtTheLastSync_areReread() {
        SyncSchedule s = schedule(12, 10, "2026-03-20T00:00:00Z");
        Set<YearMonth> held = Set.copyOf(months(YearMonth.of(2025, 3), MAR));

        assertThat(s.due(Instant.parse("2025-12-31T23:00:00Z"), held, s.now()))
                .isEqualTo(months(YearMonth.of(2025, 12), MAR));
    }

    @Test
    void aLastSyncOlderThanTheRange_rereadsFromTheRangesStart() {
        SyncSchedule s = schedule(2, 10, "2026-03-20T00:00:00Z");
        Set<YearMonth> held = Set.copyOf(months(YearMonth.of(2026, 1), MAR));

        assertThat(s.due(Instant.parse("2024-05-01T00:00:00Z"), held, s.now())).isEqualTo(months(YearMonth.of(2026, 1), MAR));
    }

    @Test
    void monthsOfTheRangeNotHeld_areBackfilled() {
        SyncSchedule s = schedule(6, 10, "2026-03-20T00:00:00Z");
        Set<YearMonth> held = Set.of(YearMonth.of(2025, 11), YearMonth.of(2026, 1), YearMonth.of(2026, 2), MAR);

        assertThat(s.due(Instant.parse("2026-03-19T00:00:00Z"), held, s.now())).containsExactly(
                YearMonth.of(2025, 9), YearMonth.of(2025, 10), YearMonth.of(2025, 12), MAR);
    }

    @Test
    void reportedMonths_stopAtTheCurrentMonth() {
        Instant now = Instant.parse("2026-03-20T00:00:00Z");

        assertThat(SyncSchedule.reported(BillingPeriod.year(2026), now))
                .containsExactly(YearMonth.of(2026, 1), YearMonth.of(2026, 2), MAR);
        assertThat(SyncSchedule.reported(BillingPeriod.month(YearMonth.of(2026, 5)), now)).isEmpty();
        assertThat(SyncSchedule.reported(BillingPeriod.of(LocalDate.of(2026, 1, 15), LocalDate.of(2026, 2, 1)), now))
                .containsExactly(YearMonth.of(2026, 1));
    }

    @Test
    void aMonthIsOpenUntilItsLastInstant() {
        assertThat(SyncSchedule.state(MAR, Instant.parse("2026-03-31T23:59:59Z"))).isEqualTo(MonthState.OPEN);
        assertThat(SyncSchedule.state(MAR, Instant.parse("2026-04-01T00:00:00Z"))).isEqualTo(MonthState.CLOSED);
    }
}
