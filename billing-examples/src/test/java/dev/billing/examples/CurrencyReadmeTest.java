package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Budget;
import dev.billing.core.BudgetEvaluator;
import dev.billing.core.BudgetReport;
import dev.billing.core.BudgetStatus;
import dev.billing.core.ConvertedCosts;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.ExchangeRate;
import dev.billing.core.ExchangeRates;
import dev.billing.core.Money;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The snippets of docs/currencies-and-budgets.md, compiled and run. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CurrencyReadmeTest {
    @RegisterExtension
    static final HyperBillingSimulatorExtension HYPERBILLING = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(SimulatorData.generator().seed(7).accounts(2)
                    .currencies("USD", "KRW").build()));

    @TempDir
    Path dir;

    private Billing billing(HyperBillingSimulator simulator) {
        Billing billing = Billing.builder()
                .providerSettings("hyperbilling-aws", Map.of("endpoint", simulator.endpoint())).build();
        SimulatorData data = simulator.data();
        for (int i = 0; i < 2; i++) {
            String account = data.accounts().get(i);
            SimulatorData.ApiUser user = data.userFor(account).orElseThrow();
            billing.serviceAccounts().register(i == 0 ? "web-usd" : "web-krw", "hyperbilling-aws", Credentials.of(Map.of(
                    "account", account, "email", user.email(), "key", user.key())), "project-web");
        }
        return billing;
    }

    @Test
    void convertedReport(HyperBillingSimulator simulator) throws Exception {
        Path ratesFile = dir.resolve("rates.csv");
        Files.writeString(ratesFile, "date,from,to,rate\n2025-12-01,KRW,USD,0.000752\n2026-02-01,KRW,USD,0.000731\n");
        try (Billing billing = billing(simulator)) {
            // README-BEGIN
            ExchangeRates rates = ExchangeRates.readCsv(ratesFile); // date,from,to,rate
            CostReport report = billing.costs().report(
                    CostQuery.builder(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)))
                            .convertTo(Currency.getInstance("USD"), rates)
                            .build());
            List<Money> perCurrency = report.totals();               // unchanged: one total per currency
            ConvertedCosts usd = report.converted().orElseThrow();
            Money domainInUsd = usd.total();                         // exact: never rounded
            List<ExchangeRate> used = usd.rates();                   // every rate row that was applied
            // README-END

            assertThat(perCurrency).extracting(m -> m.currency().getCurrencyCode()).containsExactly("KRW", "USD");
            BigDecimal reference = BigDecimal.ZERO;
            SimulatorData data = simulator.data();
            for (String a : data.accounts()) {
                for (SimulatorData.Row r : data.rows(a, report.period())) {
                    BigDecimal rate = data.currency(a).getCurrencyCode().equals("USD") ? BigDecimal.ONE
                            : r.date().isBefore(java.time.LocalDate.of(2026, 2, 1)) ? new BigDecimal("0.000752")
                            : new BigDecimal("0.000731");
                    reference = reference.add(r.cost().multiply(rate));
                }
            }
            assertThat(domainInUsd.amount()).isEqualByComparingTo(reference);
            assertThat(used).hasSize(2);
        }
    }

    @Test
    void budgets(HyperBillingSimulator simulator) {
        ExchangeRates rates = ExchangeRates.of(ExchangeRate.of("KRW", "USD",
                java.time.LocalDate.of(2026, 1, 1), "0.00075"));
        List<String> alerts = new ArrayList<>();
        try (Billing billing = billing(simulator)) {
            // README-BEGIN
            Budget web = new Budget("web-monthly", Budget.Scope.project("project-web"), Money.of("5000", "USD"),
                    Budget.Period.MONTHLY, List.of(Budget.Threshold.actual(80), Budget.Threshold.forecast(100)));
            BudgetEvaluator budgets = BudgetEvaluator.builder()
                    .rates(rates)                                     // KRW spend counts in USD
                    .listener(alert -> alerts.add(alert.status().budget().name() + " crossed " + alert.threshold()))
                    .build();                                         // .alerts(costStore.budgetAlerts()) to persist
            BudgetReport january = budgets.evaluate(List.of(web), YearMonth.of(2026, 1), billing.costs()::report);
            BudgetStatus status = january.budgets().get(0);
            // status.spent(), status.forecast(), status.percent(), status.crossed()
            // README-END

            assertThat(status.spent().currency().getCurrencyCode()).isEqualTo("USD");
            assertThat(status.daysWithData()).isEqualTo(31);
            // every day has data: the forecast is the spend, rounded to USD's 2 digits + 2
            assertThat(status.forecast().amount()).isEqualTo(status.spent().amount().setScale(4, java.math.RoundingMode.HALF_EVEN));
            assertThat(alerts).hasSize(status.crossed().size());
        }
    }
}
