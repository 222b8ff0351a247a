package dev.billing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.RateLimitedException;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.Fault;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider against the testkit's Cost Explorer simulator: real SigV4, real JSON 1.1, paging, faults. */
@Timeout(60)
class AwsSimulatorEndToEndTest extends AwsTestSupport {
    private AwsCostExplorerSimulator sim;
    private AwsCostExplorerProvider provider;
    private final List<Row> rows = new ArrayList<>();

    @BeforeEach
    void start() {
        SplittableRandom random = new SplittableRandom(7);
        String[] services = {"Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "AWS Lambda"};
        String[] regions = {"us-east-1", "eu-west-1", "global"};
        String[] types = {"Usage", "Usage", "Usage", "Credit", "Refund", "Tax"};
        for (LocalDate d = LocalDate.of(2026, 1, 1); d.isBefore(LocalDate.of(2026, 5, 1)); d = d.plusDays(1)) {
            for (String linked : new String[] {LINKED_A, LINKED_B}) {
                for (int i = 0; i < 3; i++) {
                    String type = types[random.nextInt(types.length)];
                    BigDecimal amount = new BigDecimal(random.nextLong(1, 100_000_000L)).movePointLeft(random.nextInt(0, 11));
                    if (!type.equals("Usage") && !type.equals("Tax")) {
                        amount = amount.negate();
                    }
                    rows.add(new Row(PAYER, d, linked, services[random.nextInt(3)], regions[random.nextInt(3)], type, "USD", amount));
                }
            }
        }
        sim = AwsCostExplorerSimulator.builder().account(PAYER, KEY_ID, SECRET).rows(rows).pageSize(7)
                .estimatedFrom(LocalDate.of(2026, 4, 1)).start();
        provider = provider(sim.endpoint()).build();
    }

    @AfterEach
    void stop() {
        provider.close();
        sim.close();
    }

    private BigDecimal expected(BillingPeriod p, String linked) {
        return rows.stream().filter(r -> p.contains(r.date()) && (linked == null || r.linkedAccount().equals(linked)))
                .map(Row::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DAILY", "MONTHLY"})
    void fetch_overFourMonths_returnsExactTotalsPerLinkedAccountAndChargeCategory(String granularity) {
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 5, 1));
        Result r = fetch(provider, request(account("prod-aws"), p, Granularity.valueOf(granularity)));

        assertThat(r.total()).isEqualByComparingTo(expected(p, null));
        assertThat(r.total().stripTrailingZeros().toPlainString()).isEqualTo(expected(p, null).stripTrailingZeros().toPlainString());
        for (String linked : List.of(LINKED_A, LINKED_B)) {
            BigDecimal sum = r.records().stream().filter(c -> c.subAccountId().equals(linked))
                    .map(c -> c.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(sum).isEqualByComparingTo(expected(p, linked));
        }
        BigDecimal credits = rows.stream().filter(x -> p.contains(x.date()) && (x.recordType().equals("Credit") || x.recordType().equals("Refund")))
                .map(Row::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(r.records().stream().filter(c -> c.chargeCategory() == ChargeCategory.CREDIT)
                .map(c -> c.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(credits);
        assertThat(r.records()).allSatisfy(c -> assertThat(p.contains(c.chargeDate())).isTrue());
        assertThat(r.stats().requests()).isEqualTo(sim.costRequests(PAYER)).isGreaterThan(4 * 3);
        assertThat(r.stats().droppedRows()).isZero();
        if (granularity.equals("MONTHLY")) {
            assertThat(r.records()).allSatisfy(c -> assertThat(c.chargeDate().getDayOfMonth()).isEqualTo(1));
        }
    }

    @Test
    void fetch_withLinkedAccount_returnsOnlyThatAccount() {
        BillingPeriod p = month(2026, 2);
        Result r = fetch(provider, request(account("dev-aws", "linkedAccount", LINKED_B), p, Granularity.DAILY));

        assertThat(r.records()).isNotEmpty().allSatisfy(c -> assertThat(c.subAccountId()).isEqualTo(LINKED_B));
        assertThat(r.total()).isEqualByComparingTo(expected(p, LINKED_B));
        assertThat(sim.costRequestBodies()).allSatisfy(b -> assertThat(b).contains("\"LINKED_ACCOUNT\"").contains(LINKED_B));
    }

    @Test
    void fetch_whenThrottledTwice_retriesAndReturnsExactTotal() {
        sim.fault(PAYER, Fault.throttle(2));
        BillingPeriod p = month(2026, 3);
        Result r = fetch(provider, request(account("prod-aws"), p, Granularity.MONTHLY));
        assertThat(r.total()).isEqualByComparingTo(expected(p, null));
    }

    @Test
    void fetch_whenThrottledBeyondTheRetries_failsRateLimited() {
        sim.fault(PAYER, Fault.throttle(50));
        assertThatThrownBy(() -> fetch(provider, request(account("prod-aws"), month(2026, 3), Granularity.MONTHLY)))
                .isInstanceOf(RateLimitedException.class).hasMessageContaining("prod-aws");
        assertThat(sim.costRequests(PAYER)).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void fetchAndVerify_withAWrongSecret_areRejectedWithoutRetry() {
        var wrong = account("prod-aws", "secretAccessKey", "not-the-secret-key-at-all-000000000000000");
        assertThatThrownBy(() -> fetch(provider, request(wrong, month(2026, 3), Granularity.MONTHLY)))
                .isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("InvalidSignatureException")
                .hasMessageNotContaining("not-the-secret");
        assertThatThrownBy(() -> provider.verify(wrong)).isInstanceOf(CredentialsRejectedException.class);
        var unknown = account("prod-aws", "accessKeyId", "AKIAUNKNOWNKEY000001");
        assertThatThrownBy(() -> provider.verify(unknown)).isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("UnrecognizedClientException");
        assertThat(sim.requestCount()).isEqualTo(3);
    }

    @Test
    void verify_withValidKeys_passes() {
        provider.verify(account("prod-aws"));
    }

    @Test
    void fetch_recordsCarryServiceRegionAndCategoryOfTheRows() {
        BillingPeriod p = BillingPeriod.of(LocalDate.of(2026, 1, 10), LocalDate.of(2026, 1, 11));
        Result r = fetch(provider, request(account("prod-aws"), p, Granularity.DAILY));
        var expected = rows.stream().filter(x -> p.contains(x.date()))
                .collect(Collectors.groupingBy(x -> x.linkedAccount() + "|" + x.service() + "|" + x.region() + "|"
                        + x.recordType(), Collectors.reducing(BigDecimal.ZERO, Row::amount, BigDecimal::add)));
        var actual = r.records().stream().collect(Collectors.groupingBy((CostRecord c) -> c.subAccountId() + "|"
                + c.service() + "|" + c.region() + "|" + c.chargeCategory(),
                Collectors.reducing(BigDecimal.ZERO, c -> c.billedCost().amount(), BigDecimal::add)));
        var expectedByCategory = new java.util.TreeMap<String, BigDecimal>();
        expected.forEach((k, v) -> {
            String[] parts = k.split("\\|");
            String key = parts[0] + "|" + parts[1] + "|" + parts[2] + "|"
                    + dev.billing.aws.internal.RecordTypes.category(parts[3]);
            expectedByCategory.merge(key, v, BigDecimal::add);
        });
        assertThat(new java.util.TreeMap<>(actual)).isEqualTo(expectedByCategory);
    }
}
