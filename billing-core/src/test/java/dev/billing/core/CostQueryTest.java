package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CostQueryTest {
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    @Test
    void defaults_areMonthlyWithoutFiltersOrGroups() {
        CostQuery q = CostQuery.of(JAN);

        assertThat(q.period()).isEqualTo(JAN);
        assertThat(q.granularity()).isEqualTo(Granularity.MONTHLY);
        assertThat(q.filters()).isEmpty();
        assertThat(q.groupBy()).isEmpty();
    }

    @Test
    void filter_again_addsValuesAndToBuilderRoundTrips() {
        CostQuery q = CostQuery.builder(JAN).granularity(Granularity.DAILY).filter(Dimension.REGION, "a")
                .filter(Dimension.REGION, "b").project("web").groupBy(Dimension.SERVICE, Dimension.REGION).build();

        assertThat(q.filters()).isEqualTo(Map.of(Dimension.REGION, Set.of("a", "b"), Dimension.PROJECT, Set.of("web")));
        assertThat(q.accepts(Dimension.REGION, "b")).isTrue();
        assertThat(q.accepts(Dimension.REGION, "c")).isFalse();
        assertThat(q.accepts(Dimension.SERVICE, "anything")).isTrue();
        CostQuery copy = q.toBuilder().build();
        assertThat(copy.filters()).isEqualTo(q.filters());
        assertThat(copy.groupBy()).isEqualTo(q.groupBy());
        assertThat(copy.granularity()).isEqualTo(Granularity.DAILY);
        assertThat(copy).hasToString(q.toString());
    }

    @Test
    void accepts_record_checksThePeriodHalfOpenAndEveryFilter() {
        CostQuery q = CostQuery.builder(JAN).filter(Dimension.CHARGE_CATEGORY, "TAX").build();

        assertThat(q.accepts(rec("2026-01-31", ChargeCategory.TAX))).isTrue();
        assertThat(q.accepts(rec("2026-02-01", ChargeCategory.TAX))).isFalse();
        assertThat(q.accepts(rec("2025-12-31", ChargeCategory.TAX))).isFalse();
        assertThat(q.accepts(rec("2026-01-01", ChargeCategory.USAGE))).isFalse();
    }

    @Test
    void filter_withoutValues_saysOneIsNeeded() {
        assertThatThrownBy(() -> CostQuery.builder(JAN).filter(Dimension.SERVICE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("filter on service needs at least one value");
    }

    @Test
    void groupBy_repeatedDimension_namesIt() {
        assertThatThrownBy(() -> CostQuery.builder(JAN).groupBy(Dimension.SERVICE_ACCOUNT, Dimension.SERVICE_ACCOUNT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("group-by dimension serviceAccount is given twice");
    }

    @Test
    void project_malformed_saysWhatAProjectMayHold() {
        assertThatThrownBy(() -> CostQuery.builder(JAN).project(""))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("project is missing: give a non-blank project");
    }

    @Test
    void builder_withoutPeriod_namesIt() {
        assertThatThrownBy(() -> CostQuery.builder(null)).hasMessage("period");
    }

    @Test
    void accountCoverage_failedCarriesTheTypedError() {
        RateLimitedException limited = new RateLimitedException("slow down", "sa", Duration.ofSeconds(7));
        AccountCoverage failed = coverage(new AccountStatus.Failed(limited));
        assertThat(failed.error()).isEqualTo("slow down");
        assertThat(failed.code()).isEqualTo(CoverageStatus.FAILED);
        assertThat(failed.failure()).containsSame(limited);
        assertThat(failed.failure().orElseThrow().retryable()).isTrue();
        assertThat(failed.failure().orElseThrow().statusCode()).hasValue(429);
        AccountCoverage stale = coverage(new AccountStatus.Stale(Instant.EPOCH));
        assertThat(stale.error()).isNull();
        assertThat(stale.failure()).isEmpty();
        assertThat(stale.code()).isEqualTo(CoverageStatus.STALE);
        assertThatThrownBy(() -> new AccountStatus.Failed(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void reportIsComplete_unlessAnAccountFailed() {
        CostReport stale = new CostReport(CostQuery.of(JAN), CostSummary.EMPTY, Map.of(), List.of(),
                List.of(coverage(AccountStatus.Ok.INSTANCE), coverage(new AccountStatus.Stale(Instant.EPOCH))));
        CostReport failed = new CostReport(CostQuery.of(JAN), CostSummary.EMPTY, Map.of(), List.of(),
                List.of(coverage(AccountStatus.Ok.INSTANCE),
                        coverage(new AccountStatus.Failed(new BillingException("down")))));

        assertThat(stale.isComplete()).isTrue();
        assertThat(failed.isComplete()).isFalse();
    }

    private static AccountCoverage coverage(AccountStatus status) {
        return new AccountCoverage(ServiceAccountId.of("sa"), ProviderId.of("p"), ProjectId.of("web"), status,
                Instant.EPOCH, FetchStats.EMPTY);
    }

    private static CostRecord rec(String day, ChargeCategory category) {
        return CostRecord.builder().chargeDate(LocalDate.parse(day)).provider(ProviderId.of("p"))
                .billingAccountId("1").serviceAccount(ServiceAccountId.of("sa")).project(ProjectId.of("web"))
                .service("s").region("r").chargeCategory(category).billedCost(Money.of("1", "USD"))
                .usageQuantity(BigDecimal.ONE).build();
    }
}
