package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class BillingPeriodTest {

    @Test
    void month_isHalfOpenFromFirstDayToNextMonthsFirstDay() {
        BillingPeriod feb = BillingPeriod.month(YearMonth.of(2024, 2));

        assertThat(feb.start()).isEqualTo(LocalDate.of(2024, 2, 1));
        assertThat(feb.end()).isEqualTo(LocalDate.of(2024, 3, 1));
        assertThat(feb.days()).isEqualTo(29);
        assertThat(feb.contains(LocalDate.of(2024, 2, 29))).isTrue();
        assertThat(feb.contains(LocalDate.of(2024, 3, 1))).isFalse();
        assertThat(feb.contains(LocalDate.of(2024, 1, 31))).isFalse();
        assertThat(feb).hasToString("[2024-02-01, 2024-03-01)");
    }

    @Test
    void months_spansFromFirstMonthToTheDayAfterTheLastAcrossAYear() {
        BillingPeriod p = BillingPeriod.monthsThrough(YearMonth.of(2025, 11), YearMonth.of(2026, 2));

        assertThat(p).isEqualTo(BillingPeriod.of(LocalDate.of(2025, 11, 1), LocalDate.of(2026, 3, 1)));
        assertThat(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 1)))
                .isEqualTo(BillingPeriod.month(YearMonth.of(2026, 1)));
    }

    @Test
    void months_lastBeforeFirst_saysWhich() {
        assertThatThrownBy(() -> BillingPeriod.monthsThrough(YearMonth.of(2026, 3), YearMonth.of(2026, 1)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("last month 2026-01 is before first month 2026-03");
    }

    @Test
    void yearAndDay_factories() {
        assertThat(BillingPeriod.year(2026)).isEqualTo(BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2027, 1, 1)));
        assertThat(BillingPeriod.year(2024).days()).isEqualTo(366);
        assertThat(BillingPeriod.day(LocalDate.of(2026, 12, 31)))
                .isEqualTo(BillingPeriod.of(LocalDate.of(2026, 12, 31), LocalDate.of(2027, 1, 1)));
    }

    @Test
    void of_endNotAfterStart_explainsThatTheEndIsExclusive() {
        LocalDate d = LocalDate.of(2026, 1, 5);

        assertThatThrownBy(() -> BillingPeriod.of(d, d))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("period end 2026-01-05 must be after its start 2026-01-05"
                        + " (the end is exclusive: a single day D is [D, D+1))");
        assertThatThrownBy(() -> BillingPeriod.of(d, d.minusDays(1)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("period end 2026-01-04 must be after its start 2026-01-05");
    }

    @Test
    void of_missingDate_namesIt() {
        assertThatThrownBy(() -> BillingPeriod.of(null, LocalDate.of(2026, 1, 1))).hasMessage("start");
        assertThatThrownBy(() -> BillingPeriod.of(LocalDate.of(2026, 1, 1), null)).hasMessage("end");
    }
}
