package dev.billing.core;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * Where a budget stands in a month.
 *
 * @param budget the budget
 * @param month the month
 * @param spent the exact spend so far, in the budget's currency (other currencies converted at each day's rate)
 * @param forecast the month-end forecast: {@code spent ÷ daysWithData × days in the month}, rounded HALF_EVEN
 *     to the currency's digits + 2; zero when there is no data yet
 * @param daysWithData the days of the month with at least one line item in the budget's scope
 * @param forecastNote why the forecast is zero when there is no data yet; empty otherwise
 * @param percent {@code spent} as a percentage of the budget's amount, rounded HALF_EVEN to 2 decimals
 * @param crossed the thresholds reached, in the budget's order
 * @param complete whether every service account of the scope contributed the whole month so far
 */
public record BudgetStatus(Budget budget, YearMonth month, Money spent, Money forecast, int daysWithData,
                           String forecastNote, BigDecimal percent, List<Budget.Threshold> crossed, boolean complete) {

    /** Validates presence and copies the thresholds. */
    public BudgetStatus {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(forecast, "forecast");
        Objects.requireNonNull(forecastNote, "forecastNote");
        Objects.requireNonNull(percent, "percent");
        crossed = List.copyOf(crossed);
    }

    /** @return whether a threshold of 100 % or more is crossed (on actual spend or on the forecast) */
    public boolean limitReached() {
        return crossed.stream().anyMatch(t -> t.percent().compareTo(BigDecimal.valueOf(100)) >= 0);
    }
}
