package dev.billing.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowCoverageTest {
    private static final Instant EARLY = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant LATE = Instant.parse("2026-03-01T00:00:00Z");
    private static final YearMonth JAN = YearMonth.of(2026, 1);

    @Test
    void asOf_isTheNewestOfTheLastSyncAndTheNewestWindow() {
        assertThat(new WindowCoverage(EARLY, LATE, List.of()).asOf()).isEqualTo(LATE);
        assertThat(new WindowCoverage(LATE, EARLY, List.of()).asOf()).isEqualTo(LATE);
        assertThat(new WindowCoverage(EARLY, null, List.of(JAN)).asOf()).isEqualTo(EARLY);
        assertThat(new WindowCoverage(null, LATE, List.of()).asOf()).isEqualTo(LATE);
    }

    @Test
    void anAccountWithNeitherASyncNorAWindow_isRefused() {
        assertThatThrownBy(() -> new WindowCoverage(null, null, List.of(JAN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void of_listsTheMonthsNotHeld_oldestFirst_andTheMonthsAreCopied() {
        WindowCoverage c = WindowCoverage.of(EARLY, LATE, Set.of(JAN.plusMonths(1), JAN.plusMonths(3)), JAN,
                JAN.plusMonths(4));
        assertThat(c.missing()).containsExactly(JAN, JAN.plusMonths(2), JAN.plusMonths(4));
        List<YearMonth> months = new ArrayList<>(List.of(JAN));
        WindowCoverage copied = new WindowCoverage(EARLY, null, months);
        months.clear();
        assertThat(copied.missing()).containsExactly(JAN);
    }
}
