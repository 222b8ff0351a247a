package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.spi.CostStore;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class BudgetEvaluatorTest {
    private static final YearMonth DECEMBER = YearMonth.of(2026, 12);

    private final TestProvider provider = new TestProvider();

    private Billing billing() {
        Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build();
        billing.serviceAccounts().register("web-aws", TestProvider.ID, TestProvider.credentials(), "project-web");
        billing.serviceAccounts().register("web-krw", TestProvider.ID, TestProvider.credentials(), "project-web");
        billing.serviceAccounts().register("data-aws", TestProvider.ID, TestProvider.credentials(), "project-data");
        return billing;
    }

    private static CostRecord usd(String account, String project, String date, String amount) {
        return Records.usdRecord(account, project, date, amount);
    }

    private static Budget budget(String name, Budget.Scope scope, String amount, String currency,
                                 Budget.Threshold... thresholds) {
        return new Budget(name, scope, Money.of(amount, currency), Budget.Period.MONTHLY, List.of(thresholds));
    }

    @Test
    void spentForecastAndPercentAreTheHandComputedValuesPerScope() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "10.00"),
                usd("web-aws", "project-web", "2026-12-02", "20.00"), usd("web-aws", "project-web", "2026-12-02", "0.5"),
                usd("web-aws", "project-web", "2026-11-30", "999")));
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of(usd("data-aws", "project-data", "2026-12-05", "7")));
        Budget domain = budget("all", Budget.Scope.domain(), "100", "USD");
        Budget web = budget("web", Budget.Scope.project("project-web"), "40", "USD");
        Budget data = budget("data", Budget.Scope.serviceAccount("data-aws"), "7", "USD", Budget.Threshold.actual(100));
        try (Billing billing = billing()) {
            BudgetReport r = BudgetEvaluator.builder().build().evaluate(List.of(domain, web, data), DECEMBER,
                    billing.costs()::report);

            BudgetStatus all = r.budgets().get(0);
            // 37.5 spent over 3 days with data: 37.5 x 31 / 3 = 387.5
            assertThat(all.spent()).isEqualTo(Money.of("37.5", "USD"));
            assertThat(all.daysWithData()).isEqualTo(3);
            assertThat(all.forecast().amount()).isEqualTo(new BigDecimal("387.5000"));
            assertThat(all.percent()).isEqualTo(new BigDecimal("37.50"));
            BudgetStatus w = r.budgets().get(1);
            // 30.5 over 2 days: 30.5 x 31 / 2 = 472.75; 30.5 / 40 = 76.25 %
            assertThat(w.spent()).isEqualTo(Money.of("30.5", "USD"));
            assertThat(w.forecast().amount()).isEqualTo(new BigDecimal("472.7500"));
            assertThat(w.percent()).isEqualTo(new BigDecimal("76.25"));
            BudgetStatus d = r.budgets().get(2);
            // 7 over 1 day: 217; exactly 100 % reached
            assertThat(d.forecast().amount()).isEqualTo(new BigDecimal("217.0000"));
            assertThat(d.crossed()).containsExactly(Budget.Threshold.actual(100));
            assertThat(d.limitReached()).isTrue();
            assertThat(r.limitReached()).isTrue();
            assertThat(r.isComplete()).isTrue();
        }
    }

    @Test
    void theForecastRoundsOnceHalfEvenToTheCurrencysDigitsPlusTwo() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "10"),
                usd("web-aws", "project-web", "2026-12-02", "0.01"),
                usd("web-aws", "project-web", "2026-12-03", "0.01")));
        provider.serve("web-krw", List.of(Records.of("web-krw", "project-web", "2026-12-01", "Compute", "global",
                ChargeCategory.USAGE, "1001", "KRW"), Records.of("web-krw", "project-web", "2026-12-07", "Compute",
                "global", ChargeCategory.USAGE, "1000", "KRW")));
        provider.serve("data-aws", List.of());
        try (Billing billing = billing()) {
            BudgetReport r = BudgetEvaluator.builder().build().evaluate(List.of(
                    budget("usd", Budget.Scope.serviceAccount("web-aws"), "1000", "USD"),
                    budget("krw", Budget.Scope.serviceAccount("web-krw"), "30000", "KRW")), DECEMBER, billing.costs()::report);

            // 10.02 x 31 / 3 = 103.54 exactly
            assertThat(r.budgets().get(0).forecast().amount()).isEqualTo(new BigDecimal("103.5400"));
            // 2001 x 31 / 2 = 31015.5; KRW has 0 digits, so 2 decimals
            assertThat(r.budgets().get(1).forecast().amount()).isEqualTo(new BigDecimal("31015.50"));
            assertThat(r.budgets().get(1).percent()).isEqualTo(new BigDecimal("6.67"));
        }
    }

    @Test
    void aNonTerminatingForecastRoundsHalfEven() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "1"),
                usd("web-aws", "project-web", "2026-12-02", "1"), usd("web-aws", "project-web", "2026-12-03", "0.00005")));
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of());
        try (Billing billing = billing()) {
            BudgetStatus s = BudgetEvaluator.builder().build().evaluate(List.of(budget("b", Budget.Scope.domain(), "10",
                    "USD")), DECEMBER, billing.costs()::report).budgets().get(0);

            // 2.00005 x 31 / 3 = 20.6671833... -> 20.6672
            assertThat(s.forecast().amount()).isEqualTo(new BigDecimal("20.6672"));
        }
    }

    @Test
    void aMonthWithoutDataForecastsZeroAndSaysWhy() {
        provider.serve("web-aws", List.of());
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of());
        try (Billing billing = billing()) {
            BudgetStatus s = BudgetEvaluator.builder().build().evaluate(List.of(budget("b", Budget.Scope.domain(), "10",
                    "USD", Budget.Threshold.forecast(1))), DECEMBER, billing.costs()::report).budgets().get(0);

            assertThat(s.forecast().isZero()).isTrue();
            assertThat(s.daysWithData()).isZero();
            assertThat(s.forecastNote()).contains("no costs in 2026-12");
            assertThat(s.crossed()).isEmpty();
        }
    }

    @Test
    void eachCrossingAlertsOnceAndNotAgainOnReEvaluationOrWithTheSameStoresLog() {
        List<BudgetListener.Alert> heard = new ArrayList<>();
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of());
        Budget web = budget("web", Budget.Scope.project("project-web"), "100", "USD", Budget.Threshold.actual(80),
                Budget.Threshold.actual(100), Budget.Threshold.forecast(100));
        try (Billing billing = billing(); CostStore store = CostStores.inMemory()) {
            // 85 on one day of December: 85 %, forecast 85 x 31 = 2635
            provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "85")));
            BudgetEvaluator first = BudgetEvaluator.builder().alerts(store.budgetAlerts()).listener(heard::add).build();
            first.evaluate(List.of(web), DECEMBER, billing.costs()::report);
            assertThat(heard).extracting(BudgetListener.Alert::threshold)
                    .containsExactly(Budget.Threshold.actual(80), Budget.Threshold.forecast(100));

            first.evaluate(List.of(web), DECEMBER, billing.costs()::report);
            BudgetEvaluator second = BudgetEvaluator.builder().alerts(store.budgetAlerts()).listener(heard::add).build();
            second.evaluate(List.of(web), DECEMBER, billing.costs()::report);
            assertThat(heard).as("no second alert").hasSize(2);

            provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "85"),
                    usd("web-aws", "project-web", "2026-12-02", "15")));
            second.evaluate(List.of(web), DECEMBER, billing.costs()::report);
            assertThat(heard).extracting(BudgetListener.Alert::threshold).hasSize(3).last()
                    .isEqualTo(Budget.Threshold.actual(100));
            assertThat(heard.get(2).status().spent()).isEqualTo(Money.of("100", "USD"));

            second.evaluate(List.of(web), DECEMBER.plusMonths(1), billing.costs()::report);
            assertThat(heard).as("January has no costs: nothing crossed").hasSize(3);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheEvaluationOrRepeatTheAlert() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "85")));
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of());
        List<Budget.Threshold> heard = new ArrayList<>();
        BudgetEvaluator evaluator = BudgetEvaluator.builder().listener(a -> {
            heard.add(a.threshold());
            throw new IllegalStateException("host bug");
        }).build();
        Budget web = budget("web", Budget.Scope.domain(), "100", "USD", Budget.Threshold.actual(50), Budget.Threshold.actual(80));
        try (Billing billing = billing()) {
            BudgetReport r = evaluator.evaluate(List.of(web), DECEMBER, billing.costs()::report);
            evaluator.evaluate(List.of(web), DECEMBER, billing.costs()::report);

            assertThat(r.budgets().get(0).crossed()).hasSize(2);
            assertThat(heard).hasSize(2);
        }
    }

    @Test
    void aBudgetThatCannotBeEvaluatedStopsEveryAlert_includingThoseOfTheBudgetsBeforeIt() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "85")));
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of());
        List<BudgetListener.Alert> heard = new ArrayList<>();
        Budget usd = budget("usd", Budget.Scope.domain(), "100", "USD", Budget.Threshold.actual(80));
        Budget eur = budget("eur", Budget.Scope.domain(), "100", "EUR", Budget.Threshold.actual(80));
        try (Billing billing = billing(); CostStore store = CostStores.inMemory()) {
            BudgetEvaluator evaluator = BudgetEvaluator.builder().alerts(store.budgetAlerts()).listener(heard::add)
                    .build();
            assertThatThrownBy(() -> evaluator.evaluate(List.of(usd, eur), DECEMBER, billing.costs()::report))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("budget 'eur' is in EUR");
            assertThat(heard).as("no alert for 'usd' either").isEmpty();

            evaluator.evaluate(List.of(usd), DECEMBER, billing.costs()::report);
            assertThat(heard).as("the failed evaluation did not use up the alert").extracting(a -> a.status()
                    .budget().name()).containsExactly("usd");
        }
    }

    @Test
    void spendInAnotherCurrencyNeedsRatesAndConvertsAtEachDaysRate() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "10")));
        provider.serve("web-krw", List.of(Records.of("web-krw", "project-web", "2026-12-02", "Compute", "global",
                ChargeCategory.USAGE, "13500", "KRW"), Records.of("web-krw", "project-web", "2026-12-20", "Compute",
                "global", ChargeCategory.USAGE, "14000", "KRW")));
        provider.serve("data-aws", List.of());
        Budget web = budget("web", Budget.Scope.project("project-web"), "100", "USD", Budget.Threshold.actual(30));
        try (Billing billing = billing()) {
            assertThatThrownBy(() -> BudgetEvaluator.builder().build().evaluate(List.of(web), DECEMBER, billing.costs()::report))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("budget 'web' is in USD").hasMessageContaining("KRW")
                    .hasMessageContaining("BudgetEvaluator.Builder.rates").hasMessageNotContaining("--");

            ExchangeRates rates = ExchangeRates.of(ExchangeRate.of("KRW", "USD", LocalDate.of(2026, 12, 1), "0.00074"),
                    ExchangeRate.of("KRW", "USD", LocalDate.of(2026, 12, 15), "0.0007"));
            BudgetReport r = BudgetEvaluator.builder().rates(rates).build().evaluate(List.of(web), DECEMBER,
                    billing.costs()::report);

            // 10 + 13500 x 0.00074 + 14000 x 0.0007 = 29.79
            assertThat(r.budgets().get(0).spent().amount()).isEqualByComparingTo("29.79");
            assertThat(r.budgets().get(0).crossed()).isEmpty();
            assertThat(r.rates()).extracting(ExchangeRate::date)
                    .containsExactly(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 15));
        }
    }

    @Test
    void aScopeThatIsNotRegisteredOrTwoBudgetsWithOneNameAreInvalid() {
        provider.serve("web-aws", List.of());
        provider.serve("web-krw", List.of());
        provider.serve("data-aws", List.of());
        BudgetEvaluator evaluator = BudgetEvaluator.builder().build();
        try (Billing billing = billing()) {
            assertThatThrownBy(() -> evaluator.evaluate(List.of(budget("x", Budget.Scope.project("project-nope"), "1", "USD")),
                    DECEMBER, billing.costs()::report)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("project-nope");
            assertThatThrownBy(() -> evaluator.evaluate(List.of(budget("x", Budget.Scope.serviceAccount("nobody"), "1", "USD")),
                    DECEMBER, billing.costs()::report)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("nobody");
            Budget b = budget("x", Budget.Scope.domain(), "1", "USD");
            assertThatThrownBy(() -> evaluator.evaluate(List.of(b, b), DECEMBER, billing.costs()::report))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("two budgets");
        }
        assertThatThrownBy(() -> budget("x", Budget.Scope.domain(), "0", "USD")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> budget("x", Budget.Scope.domain(), "1", "USD", Budget.Threshold.actual(80),
                Budget.Threshold.actual(80))).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aFailedAccountMakesItsBudgetsIncomplete() {
        provider.serve("web-aws", List.of(usd("web-aws", "project-web", "2026-12-01", "85")));
        provider.serve("web-krw", List.of());
        provider.fail("data-aws", TestProvider.Failure.UNAVAILABLE, 0);
        try (Billing billing = billing()) {
            BudgetReport r = BudgetEvaluator.builder().build().evaluate(List.of(
                    budget("web", Budget.Scope.project("project-web"), "100", "USD"),
                    budget("all", Budget.Scope.domain(), "100", "USD")), DECEMBER, billing.costs()::report);

            assertThat(r.budgets()).extracting(BudgetStatus::complete).containsExactly(true, false);
            assertThat(r.isComplete()).isFalse();
        }
    }
}
