package dev.billing.core;

import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * Every budget's standing in a month, from one report of the month's costs.
 *
 * @param month the month
 * @param budgets each budget's status, in the order given
 * @param coverage every service account read, as the report of the month gave it
 * @param rates every exchange-rate row used to convert spend into the budgets' currencies, sorted by from
 *     currency, then date
 */
public record BudgetReport(YearMonth month, List<BudgetStatus> budgets, List<AccountCoverage> coverage,
                           List<ExchangeRate> rates) {

    /** Validates presence and copies the lists. */
    public BudgetReport {
        Objects.requireNonNull(month, "month");
        budgets = List.copyOf(budgets);
        coverage = List.copyOf(coverage);
        rates = List.copyOf(rates);
    }

    /** @return whether every budget's data is complete */
    public boolean isComplete() {
        return budgets.stream().allMatch(BudgetStatus::complete);
    }

    /** @return whether some budget has a threshold of 100 % or more crossed */
    public boolean limitReached() {
        return budgets.stream().anyMatch(BudgetStatus::limitReached);
    }
}
