package dev.billing.core;

import static dev.billing.core.Records.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link CostAggregator#lineItems} and {@link CostSync#lineItems}: the rows themselves, with coverage. */
@Timeout(10)
class LineItemsTest {
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    private final TestProvider provider = new TestProvider()
            .serve("web-prod", List.of(
                    of("web-prod", "web", "2026-01-03", "Compute", "eu-west-1", ChargeCategory.USAGE, "10.0000000001", "USD"),
                    of("web-prod", "web", "2026-01-03", "Compute", "eu-west-1", ChargeCategory.USAGE, "2.5", "USD"),
                    of("web-prod", "web", "2026-01-04", "Storage", "us-east-1", ChargeCategory.TAX, "1.1", "USD")))
            .serve("web-dev", List.of(
                    of("web-dev", "web", "2026-01-15", "Compute", "eu-west-1", ChargeCategory.USAGE, "0.25", "USD")))
            .serve("data-prod", List.of(
                    of("data-prod", "data", "2026-01-31", "Storage", "us-east-1", ChargeCategory.CREDIT, "-5.005", "EUR")));

    private final Billing billing = Billing.builder().discoverProviders(false).addProvider(provider)
            .maxConcurrentFetches(2).build();

    LineItemsTest() {
        billing.serviceAccounts().register("web-prod", TestProvider.ID, TestProvider.credentials(), "web");
        billing.serviceAccounts().register("web-dev", TestProvider.ID, TestProvider.credentials(), "web");
        billing.serviceAccounts().register("data-prod", TestProvider.ID, TestProvider.credentials(), "data");
    }

    @AfterEach
    void close() {
        billing.close();
    }

    private static CostQuery daily(BillingPeriod period) {
        return CostQuery.builder(period).granularity(Granularity.DAILY).build();
    }

    @Test
    void lineItems_passesEveryRecordUnaggregatedWithCoverage() {
        List<CostRecord> items = new ArrayList<>();

        List<AccountCoverage> coverage = billing.costs().lineItems(daily(JAN), items::add);

        assertThat(items).hasSize(5);
        assertThat(items.stream().filter(r -> r.serviceAccount().value().equals("web-prod")).map(r -> r.billedCost().amount()))
                .containsExactlyInAnyOrder(new BigDecimal("10.0000000001"), new BigDecimal("2.5"), new BigDecimal("1.1"));
        assertThat(coverage).extracting(AccountCoverage::name).containsExactly("web-prod", "web-dev", "data-prod");
        assertThat(coverage).allMatch(c -> c.code() == CoverageStatus.OK);
    }

    @Test
    void lineItems_failingAccount_passesNoneOfItsRecordsAndSaysWhy() {
        provider.fail("web-prod", TestProvider.Failure.UNAVAILABLE, 2);
        List<CostRecord> items = new ArrayList<>();

        List<AccountCoverage> coverage = billing.costs().lineItems(daily(JAN), items::add);

        assertThat(items).extracting(r -> r.serviceAccount().value()).containsExactlyInAnyOrder("web-dev", "data-prod");
        assertThat(coverage.get(0).code()).isEqualTo(CoverageStatus.FAILED);
        assertThat(coverage.get(0).error()).isEqualTo("service account 'web-prod': test-cloud answered HTTP 503");
    }

    @Test
    void lineItems_appliesTheQueryFilters() {
        List<CostRecord> items = new ArrayList<>();

        List<AccountCoverage> coverage = billing.costs().lineItems(CostQuery.builder(JAN).granularity(Granularity.DAILY)
                .project("web").filter(Dimension.SERVICE, "Compute").build(), items::add);

        assertThat(items).hasSize(3).allMatch(r -> r.service().equals("Compute") && r.project().value().equals("web"));
        assertThat(coverage).extracting(AccountCoverage::name).containsExactly("web-prod", "web-dev");
    }

    @Test
    void lineItems_whenTheSinkThrows_throwsItAndPassesNothingAfter() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> billing.costs().lineItems(daily(JAN), r -> {
            calls.incrementAndGet();
            throw new IllegalStateException("disk full");
        })).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        assertThat(calls).hasValue(1);
    }

    @Test
    void syncLineItems_streamsTheLineItemsTheStoreKeepsWithCoverage() {
        CostSync sync = CostSync.builder(billing).monthsBack(0)
                .clock(java.time.Clock.fixed(java.time.Instant.parse("2026-01-31T12:00:00Z"), java.time.ZoneOffset.UTC))
                .build();
        provider.fail("data-prod", TestProvider.Failure.UNAVAILABLE, 0);
        sync.sync();
        List<CostRecord> items = new ArrayList<>();

        List<AccountCoverage> coverage = sync.lineItems(daily(JAN), items::add);

        assertThat(items).extracting(r -> r.serviceAccount().value() + " " + r.chargeDate() + " " + r.service() + " "
                        + r.region() + " " + r.chargeCategory() + " " + r.billedCost().amount().stripTrailingZeros().toPlainString() + " "
                        + r.billedCost().currency() + " " + r.project().value() + " " + r.provider().value())
                .containsExactlyInAnyOrder(
                        // as kept, one by one: not summed per day and dimension
                        "web-prod 2026-01-03 Compute eu-west-1 USAGE 10.0000000001 USD web test-cloud",
                        "web-prod 2026-01-03 Compute eu-west-1 USAGE 2.5 USD web test-cloud",
                        "web-prod 2026-01-04 Storage us-east-1 TAX 1.1 USD web test-cloud",
                        "web-dev 2026-01-15 Compute eu-west-1 USAGE 0.25 USD web test-cloud");
        assertThat(items).allMatch(r -> r.billingAccountId().equals("111122223333") && r.usageQuantity() == null);
        assertThat(coverage).extracting(AccountCoverage::code)
                .containsExactly(CoverageStatus.OK, CoverageStatus.OK, CoverageStatus.FAILED);
    }
}
