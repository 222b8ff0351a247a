package dev.billing.hyperbilling;

import dev.billing.provider.HttpSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSummarySimulator;
import dev.billing.testkit.SummaryData;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** hyperbilling-mzc end to end against the testkit's summary simulator: real HTTP, real signatures. */
@Timeout(30)
class MzcSimulatorTest {
    private static final BillingPeriod Q1 = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1));
    private static final SummaryData DATA = SummaryData.generate(20260101L, List.of(
            new SummaryData.Account("gcp", MzcTestSupport.ACCOUNT_ID, MzcTestSupport.CLIENT_EMAIL,
                    MzcTestSupport.KEY.getPublic(), Currency.getInstance("KRW")),
            new SummaryData.Account("alibaba", "5012-3456-7890", "ali@example.com",
                    MzcTestSupport.OTHER_KEY.getPublic(), Currency.getInstance("USD"))),
            LocalDate.of(2025, 12, 20), 110);

    private HyperBillingSummarySimulator sim;
    private HyperBillingMzcProvider provider;

    @BeforeEach
    void start() {
        sim = HyperBillingSummarySimulator.builder().data(DATA).start();
        provider = HyperBillingMzcProvider.builder().endpoint(URI.create(sim.endpoint()))
                .http(HttpSettings.builder().retryPolicy(MzcTestSupport.FAST).requestTimeout(Duration.ofSeconds(10)).build())
                .build();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static ServiceAccount gcp() {
        return MzcTestSupport.account();
    }

    private MzcTestSupport.Fetched fetch(ServiceAccount account, BillingPeriod period, Granularity granularity) {
        return MzcTestSupport.fetch(provider, FetchRequest.of(account, period, granularity));
    }

    @Test
    void projectTotal_krwOverSeveralMonths_dailyAndMonthly_equalTheDataExactly() {
        Money expected = DATA.total(MzcTestSupport.ACCOUNT_ID, Q1);

        MzcTestSupport.Fetched daily = fetch(gcp(), Q1, Granularity.DAILY);
        MzcTestSupport.Fetched monthly = fetch(gcp(), Q1, Granularity.MONTHLY);

        assertThat(daily.total()).isEqualTo(expected.amount());
        assertThat(monthly.total()).isEqualTo(expected.amount());
        assertThat(expected.currency().getCurrencyCode()).isEqualTo("KRW");
        assertThat(daily.stats().requests()).isEqualTo(3);
        assertThat(monthly.records()).extracting(r -> r.service()).contains("Compute Engine", "BigQuery");
        BigDecimal credits = DATA.rows().stream().filter(r -> r.accountId().equals(MzcTestSupport.ACCOUNT_ID))
                .filter(r -> Q1.contains(r.date())).map(SummaryData.Row::credit).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(credits).isNegative();
        assertThat(daily.records().stream().filter(r -> r.chargeCategory() == dev.billing.core.ChargeCategory.CREDIT)
                .map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(credits);
        assertThat(sim.summaryRequests(MzcTestSupport.ACCOUNT_ID)).isEqualTo(6);
    }

    @Test
    void projectTotal_partialMonths_keepsOnlyThePeriodsDays() {
        BillingPeriod period = BillingPeriod.of(LocalDate.of(2026, 1, 10), LocalDate.of(2026, 2, 20));

        MzcTestSupport.Fetched fetched = fetch(gcp(), period, Granularity.MONTHLY);

        assertThat(fetched.total()).isEqualTo(DATA.total(MzcTestSupport.ACCOUNT_ID, period).amount());
        assertThat(fetched.stats().droppedRows()).isPositive();
    }

    @Test
    void fetch_signedWithAnotherKey_isCredentialsRejectedAndNotRetried() {
        ServiceAccount wrongKey = MzcTestSupport.account(SummaryData.pkcs8Pem(MzcTestSupport.OTHER_KEY.getPrivate()));

        assertThatThrownBy(() -> fetch(wrongKey, Q1, Granularity.DAILY))
                .isInstanceOf(CredentialsRejectedException.class)
                .hasMessageContaining("HTTP 401: INVALID_SIGNATURE");
        assertThat(sim.requestCount()).isEqualTo(1);
    }

    @Test
    void projectTotal_withEveryDataFault_isStillExactAndCountsWhatItDropped() {
        String id = MzcTestSupport.ACCOUNT_ID;
        sim.fault(id, Fault.rowsOutsidePeriod());
        sim.fault(id, Fault.rowsOfAnotherMonth());
        sim.fault(id, Fault.unaskedKinds());
        sim.fault(id, Fault.nullCosts());

        MzcTestSupport.Fetched daily = fetch(gcp(), Q1, Granularity.DAILY);
        MzcTestSupport.Fetched monthly = fetch(gcp(), Q1, Granularity.MONTHLY);

        Money expected = DATA.total(id, Q1);
        assertThat(daily.total()).isEqualTo(expected.amount());
        assertThat(monthly.total()).isEqualTo(expected.amount());
        assertThat(daily.stats().droppedRows()).isGreaterThan(3 * 4);
        assertThat(daily.stats().nullCosts()).isEqualTo(3);
        assertThat(monthly.stats().nullCosts()).isEqualTo(3);
    }

    @Test
    void projectTotal_whenThrottledAndServerErrors_retriesAndIsExact() {
        sim.fault(MzcTestSupport.ACCOUNT_ID, Fault.throttle(1, Duration.ZERO));
        sim.fault(MzcTestSupport.ACCOUNT_ID, Fault.serverError(1, 503));

        MzcTestSupport.Fetched fetched = fetch(gcp(), Q1, Granularity.DAILY);

        assertThat(fetched.total()).isEqualTo(DATA.total(MzcTestSupport.ACCOUNT_ID, Q1).amount());
        assertThat(fetched.stats().requests()).isEqualTo(5);
    }

    @Test
    void fetch_errorCodeInA200_isAProtocolError() {
        sim.fault(MzcTestSupport.ACCOUNT_ID, Fault.errorIn200("QUERY_FAILED"));

        assertThatThrownBy(() -> fetch(gcp(), Q1, Granularity.DAILY)).isExactlyInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("QUERY_FAILED");
    }

    @Test
    void verify_acceptsTheKeyAndRejectsARevokedOne() {
        assertThatCode(() -> provider.verify(gcp())).doesNotThrowAnyException();

        sim.fault(MzcTestSupport.ACCOUNT_ID, Fault.rejectedKey());

        assertThatThrownBy(() -> provider.verify(gcp())).isInstanceOf(CredentialsRejectedException.class);
    }

    @Test
    void domainReport_throughTheDiscoveredProvider_mixesPlatformsAndCurrenciesAndShowsAFailedAccount() {
        try (Billing billing = Billing.builder()
                .providerSettings("hyperbilling-mzc", Map.of("endpoint", sim.endpoint(), "maxAttempts", "2"))
                .build()) {
            billing.serviceAccounts().register("gcp-billing", "hyperbilling-mzc", gcp().credentials(), "project-data");
            billing.serviceAccounts().register("alibaba-billing", "hyperbilling-mzc", Credentials.of(Map.of(
                    "platform", "alibaba", "accountId", "5012-3456-7890", "clientEmail", "ali@example.com",
                    "privateKey", SummaryData.pkcs8Pem(MzcTestSupport.OTHER_KEY.getPrivate()))), "project-shop");
            billing.serviceAccounts().register("stale-key", "hyperbilling-mzc", Credentials.of(Map.of(
                    "platform", "alibaba", "accountId", "5012-3456-7890", "clientEmail", "ali@example.com",
                    "privateKey", MzcTestSupport.PRIVATE_KEY_PEM)), "project-ops");

            CostReport report = billing.costs().domainTotal(Q1);

            assertThat(report.totals()).containsExactly(DATA.total(MzcTestSupport.ACCOUNT_ID, Q1),
                    DATA.total("5012-3456-7890", Q1));
            assertThat(report.isComplete()).isFalse();
            assertThat(report.coverage()).extracting(c -> c.status().code())
                    .containsExactlyInAnyOrder(CoverageStatus.OK, CoverageStatus.OK, CoverageStatus.FAILED);
        }
    }

    @Test
    void fetch_statsOfAClosedMonth_areDeterministic() {
        BillingPeriod january = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));

        FetchStats first = fetch(gcp(), january, Granularity.DAILY).stats();
        FetchStats second = fetch(gcp(), january, Granularity.DAILY).stats();

        assertThat(first).isEqualTo(second);
        assertThat(first.droppedRows()).isZero();
    }
}
