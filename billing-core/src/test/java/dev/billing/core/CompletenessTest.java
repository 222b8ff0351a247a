package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.spi.FetchStats;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One rule for "complete", read alike by a report, a project of it, a budget's status and an anomaly report (the
 * last two once missed PENDING, the project PARTIAL).
 */
class CompletenessTest {
    private static final Instant AS_OF = Instant.parse("2026-03-01T00:00:00Z");
    private static final BillingPeriod MAR = BillingPeriod.month(YearMonth.of(2026, 3));

    private static AccountCoverage coverage(String account, String project, AccountStatus status) {
        return new AccountCoverage(ServiceAccountId.of(account), ProviderId.of("hyperbilling"), ProjectId.of(project),
                status, AS_OF, FetchStats.EMPTY);
    }

    private static List<AccountStatus> every() {
        return List.of(AccountStatus.Ok.INSTANCE, new AccountStatus.Stale(AS_OF),
                new AccountStatus.Failed(new BillingException("down")), AccountStatus.Pending.INSTANCE,
                new AccountStatus.Partial(List.of(YearMonth.of(2026, 2)), AS_OF, "2026-02 never synced"));
    }

    @Test
    void onlyOkAndStaleAreWhole() {
        for (AccountStatus s : every()) {
            assertThat(s.whole()).as(s.code().name())
                    .isEqualTo(s.code() == CoverageStatus.OK || s.code() == CoverageStatus.STALE);
        }
    }

    @Test
    void reportProjectAndAnomalies_agreeForEveryStatus() {
        for (AccountStatus s : every()) {
            List<AccountCoverage> coverage = List.of(coverage("a", "web", AccountStatus.Ok.INSTANCE),
                    coverage("b", "web", s));
            CostReport report = new CostReport(CostQuery.of(MAR), CostSummary.EMPTY,
                    Map.of(ProjectId.of("web"), CostSummary.EMPTY), List.of(), coverage);
            AnomalyReport anomalies = new AnomalyReport(MAR, List.of(), coverage);
            BudgetReport budgets = BudgetEvaluator.builder().build().evaluate(List.of(new Budget("all",
                    Budget.Scope.domain(), Money.of("100", "USD"), Budget.Period.MONTHLY, List.of())),
                    YearMonth.of(2026, 3), q -> new CostReport(q, CostSummary.EMPTY,
                            Map.of(ProjectId.of("web"), CostSummary.EMPTY), List.of(), coverage));

            assertThat(report.isComplete()).as(s.code().name()).isEqualTo(s.whole());
            assertThat(report.isComplete("web")).as(s.code().name()).isEqualTo(s.whole());
            assertThat(anomalies.isComplete()).as(s.code().name()).isEqualTo(s.whole());
            assertThat(budgets.budgets().get(0).complete()).as(s.code().name()).isEqualTo(s.whole());
        }
    }
}
