package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.spi.CostStore;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rule on hand-computed series: baseline, spread, each threshold, the first judged day, drivers, alerts. */
@Timeout(20)
class AnomalyDetectorTest {
    private static final BillingPeriod MARCH = BillingPeriod.of(LocalDate.parse("2026-03-01"),
            LocalDate.parse("2026-04-01"));
    /** Feb 15 … Feb 28: sorted 10 ×6, 11 ×4, 12 ×3, 13: median 11; deviations 0 ×4, 1 ×9, 2: MAD 1. */
    private static final String[] BASELINE = {"10", "12", "11", "10", "13", "10", "11", "12", "10", "11", "10", "12",
        "11", "10"};

    private final TestProvider provider = new TestProvider();

    private Billing billing() {
        Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build();
        billing.serviceAccounts().register("web-aws", TestProvider.ID, TestProvider.credentials(), "project-web");
        return billing;
    }

    private static CostRecord record(String date, String region, String amount) {
        return Records.of("web-aws", "project-web", date, "Compute", region, ChargeCategory.USAGE, amount, "USD");
    }

    /** The 14 baseline days from {@code firstDay} (Feb 15 + skip) in eu-west-1, and the given March days. */
    private void serve(int skip, CostRecord... march) {
        List<CostRecord> records = new ArrayList<>();
        for (int i = skip; i < BASELINE.length; i++) {
            records.add(record(LocalDate.parse("2026-02-15").plusDays(i).toString(), "eu-west-1", BASELINE[i]));
        }
        records.addAll(List.of(march));
        provider.serve("web-aws", records);
    }

    private static AnomalyDetector detector(AnomalySettings settings) {
        return AnomalyDetector.builder().settings(settings).build();
    }

    @Test
    void aSpikeIsJudgedAgainstTheHandComputedMedianAndSpread_andDriversNameTheNewRegion() {
        serve(0, record("2026-03-01", "eu-west-1", "11"), record("2026-03-01", "us-east-1", "9"),
                record("2026-03-02", "eu-west-1", "15"));
        try (Billing billing = billing()) {
            AnomalyReport r = AnomalyDetector.builder().build().detect(MARCH, billing.costs()::report);

            // Mar 1: 20 - 11 = 9 > 3 x 1.4826 = 4.4478, > 20 % of 11; Mar 2: 15 - 11 = 4, not > 4.4478
            assertThat(r.anomalies()).hasSize(2);
            Anomaly project = r.anomalies().get(0);
            assertThat(project.series().service()).isNull();
            assertThat(project.day()).isEqualTo(LocalDate.parse("2026-03-01"));
            assertThat(project.cost()).isEqualByComparingTo("20");
            assertThat(project.baseline()).isEqualByComparingTo("11");
            assertThat(project.spread()).isEqualByComparingTo("1.4826");
            // region has two values: us-east-1 rose 9 (all of the increase), eu-west-1 not at all; service,
            // account, subAccount and usage type have one value each and name nothing
            assertThat(project.drivers()).containsExactly(new Anomaly.Driver(Dimension.REGION, "us-east-1",
                    new BigDecimal("9"), new BigDecimal("0")));
            Anomaly service = r.anomalies().get(1);
            assertThat(service.series()).isEqualTo(new Anomaly.Series(ProjectId.of("project-web"), "Compute",
                    Money.currency("USD")));
            assertThat(service.drivers()).isEqualTo(project.drivers());
            assertThat(r.isComplete()).isTrue();
        }
    }

    @Test
    void eachThresholdAlone_blocksAnIncreaseNotAboveIt() {
        serve(0, record("2026-03-01", "eu-west-1", "20"));
        try (Billing billing = billing()) {
            // increase 20 - 11 = 9, spread 1.4826
            assertThat(detector(new AnomalySettings(new BigDecimal("6.0704"), BigDecimal.ZERO, Map.of(), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).as("6.0704 x 1.4826 = 8.99997...").hasSize(2);
            assertThat(detector(new AnomalySettings(new BigDecimal("6.0705"), BigDecimal.ZERO, Map.of(), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).as("6.0705 x 1.4826 = 9.00012...").isEmpty();
            assertThat(detector(new AnomalySettings(BigDecimal.ZERO, BigDecimal.ZERO,
                    Map.of(Money.currency("USD"), new BigDecimal("9")), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).as("minimum increase 9").isEmpty();
            assertThat(detector(new AnomalySettings(BigDecimal.ZERO, BigDecimal.ZERO,
                    Map.of(Money.currency("USD"), new BigDecimal("8.99")), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).as("minimum increase 8.99").hasSize(2);
            assertThat(detector(new AnomalySettings(BigDecimal.ZERO, BigDecimal.ZERO,
                    Map.of(Money.currency("KRW"), new BigDecimal("100")), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).as("another currency's minimum").hasSize(2);
            // 9 / 11 = 81.81...%
            assertThat(detector(new AnomalySettings(BigDecimal.ZERO, new BigDecimal("81.81"), Map.of(), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).hasSize(2);
            assertThat(detector(new AnomalySettings(BigDecimal.ZERO, new BigDecimal("81.82"), Map.of(), List.of()))
                    .detect(MARCH, billing.costs()::report).anomalies()).isEmpty();
        }
    }

    @Test
    void aZeroBaselineIgnoresMinimumPercent_andASeriesIsJudgedFromThe14thDayAfterItsFirstCost() {
        // a new service on Feb 15 at 0.01, then nothing until its March spike: baseline 0, spread 0
        provider.serve("web-aws", List.of(
                Records.of("web-aws", "project-web", "2026-02-15", "Gpu", "eu-west-1", ChargeCategory.USAGE, "0.01", "USD"),
                Records.of("web-aws", "project-web", "2026-03-01", "Gpu", "eu-west-1", ChargeCategory.USAGE, "5", "USD"),
                Records.of("web-aws", "project-web", "2026-02-16", "Db", "eu-west-1", ChargeCategory.USAGE, "1", "USD"),
                Records.of("web-aws", "project-web", "2026-03-01", "Db", "eu-west-1", ChargeCategory.USAGE, "9", "USD"),
                Records.of("web-aws", "project-web", "2026-03-02", "Db", "eu-west-1", ChargeCategory.USAGE, "9", "USD")));
        try (Billing billing = billing()) {
            AnomalyReport r = detector(new AnomalySettings(BigDecimal.ONE, new BigDecimal("1000"), Map.of(), List.of()))
                    .detect(MARCH, billing.costs()::report);

            // the project starts Feb 15 and Gpu too: both judged on Mar 1; Db starts Feb 16: first judged Mar 2,
            // where its baseline (1 and thirteen 0s) is 0 and 9 > 0
            assertThat(r.anomalies()).extracting(a -> a.day() + " " + a.series().service() + " " + a.baseline().stripTrailingZeros().toPlainString() + " " + a.spread().signum())
                    .containsExactly("2026-03-01 null 0 0", "2026-03-01 Gpu 0 0", "2026-03-02 null 0 0",
                            "2026-03-02 Db 0 0");
        }
    }

    @Test
    void aRestatedDayIsJudgedOnItsNewValueAndAlertsOnceAcrossDetectorsSharingALog() {
        List<Anomaly> heard = new ArrayList<>();
        try (Billing billing = billing(); CostStore store = CostStores.inMemory()) {
            AnomalyDetector first = AnomalyDetector.builder().alerts(store.alerts()).listener(heard::add).build();
            AnomalyDetector second = AnomalyDetector.builder().alerts(store.alerts()).listener(heard::add).build();
            serve(0, record("2026-03-01", "eu-west-1", "12"));
            assertThat(first.detect(MARCH, billing.costs()::report).anomalies()).isEmpty();

            serve(0, record("2026-03-01", "eu-west-1", "30"));
            assertThat(first.detect(MARCH, billing.costs()::report).anomalies()).extracting(Anomaly::cost)
                    .containsExactly(new BigDecimal("30"), new BigDecimal("30"));
            assertThat(heard).hasSize(2);

            serve(0, record("2026-03-01", "eu-west-1", "45.5"));
            AnomalyReport restated = second.detect(MARCH, billing.costs()::report);
            assertThat(restated.anomalies()).extracting(Anomaly::cost)
                    .containsExactly(new BigDecimal("45.5"), new BigDecimal("45.5"));
            first.detect(MARCH, billing.costs()::report);
            assertThat(heard).as("no second alert for a restated day").hasSize(2);

            serve(0, record("2026-03-01", "eu-west-1", "11"));
            assertThat(second.detect(MARCH, billing.costs()::report).anomalies()).isEmpty();
            assertThat(heard).hasSize(2);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopDetectionOrRepeatTheAlert() {
        serve(0, record("2026-03-01", "eu-west-1", "30"));
        List<Anomaly> heard = new ArrayList<>();
        AnomalyDetector detector = AnomalyDetector.builder().listener(a -> {
            heard.add(a);
            throw new IllegalStateException("host bug");
        }).build();
        try (Billing billing = billing()) {
            assertThat(detector.detect(MARCH, billing.costs()::report).anomalies()).hasSize(2);
            detector.detect(MARCH, billing.costs()::report);
            assertThat(heard).hasSize(2);
        }
    }

    @Test
    void aFailedAccountMakesTheReportIncomplete() {
        serve(0, record("2026-03-01", "eu-west-1", "30"));
        provider.fail("web-aws", TestProvider.Failure.UNAVAILABLE, 0);
        try (Billing billing = billing()) {
            AnomalyReport r = AnomalyDetector.builder().build().detect(MARCH, billing.costs()::report);
            assertThat(r.isComplete()).isFalse();
            assertThat(r.anomalies()).isEmpty();
        }
    }

    @Test
    void theQueryReadsDailyCostsFrom14DaysBeforeThePeriodGroupedByProjectAndEveryDriverDimension() {
        CostQuery q = AnomalyDetector.builder().build().query(MARCH);
        assertThat(q.period()).isEqualTo(BillingPeriod.of(LocalDate.parse("2026-02-15"), LocalDate.parse("2026-04-01")));
        assertThat(q.granularity()).isEqualTo(Granularity.DAILY);
        assertThat(q.groupBy()).containsExactly(Dimension.PROJECT, Dimension.SERVICE, Dimension.REGION,
                Dimension.ACCOUNT, Dimension.SUB_ACCOUNT, Dimension.USAGE_TYPE);
    }

    @Test
    void settingsRefuseNegativeNumbersAndRepeatedOrBlankTagKeys() {
        assertThatThrownBy(() -> new AnomalySettings(new BigDecimal("-1"), BigDecimal.ONE, Map.of(), List.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("sensitivity");
        assertThatThrownBy(() -> new AnomalySettings(BigDecimal.ONE, new BigDecimal("-0.1"), Map.of(), List.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("minimumPercent");
        assertThatThrownBy(() -> new AnomalySettings(BigDecimal.ONE, BigDecimal.ONE,
                Map.of(Money.currency("USD"), new BigDecimal("-5")), List.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("minimumIncrease USD");
        assertThatThrownBy(() -> new AnomalySettings(BigDecimal.ONE, BigDecimal.ONE, Map.of(), List.of("team", "team")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'team' is given twice");
        assertThatThrownBy(() -> new AnomalySettings(BigDecimal.ONE, BigDecimal.ONE, Map.of(), List.of(" ")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("blank");
    }
}
