package dev.billing.hyperbilling;

import dev.billing.provider.RetryPolicy;
import dev.billing.provider.HttpSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.ContractData;
import dev.billing.testkit.Fault;
import dev.billing.testkit.ContractTarget;
import dev.billing.testkit.HyperBillingSummarySimulator;
import dev.billing.testkit.ProviderContract;
import dev.billing.testkit.SummaryData;
import java.math.BigDecimal;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The provider-neutral contract kit for hyperbilling-mzc, against the testkit's summary simulator over
 * real HTTP: each kit account is a GCP billing account with its own key pair; its sub accounts are the
 * vendor projects.
 */
class MzcContractTest extends ProviderContract {
    private static final Map<String, KeyPair> KEYS = new LinkedHashMap<>();
    private static final KeyPair WRONG = SummaryData.newKeyPair();

    private ContractData served;
    private BillingProvider provider;

    private static synchronized KeyPair key(String account) {
        return KEYS.computeIfAbsent(account, a -> SummaryData.newKeyPair());
    }

    private static String email(String account) {
        return "sa-" + account + "@billing.example.com";
    }

    @Override
    protected ContractTarget start(ContractData data) {
        served = data;
        List<SummaryData.Account> accounts = new ArrayList<>();
        for (String a : data.accounts()) {
            accounts.add(new SummaryData.Account("gcp", a, email(a), key(a).getPublic(), data.currency(a)));
        }
        List<SummaryData.Row> rows = new ArrayList<>();
        for (ContractData.Row r : data.rows()) {
            rows.add(new SummaryData.Row(r.account(), r.subAccount(), r.date(), r.service(), r.region(), r.amount()));
        }
        HyperBillingSummarySimulator simulator = HyperBillingSummarySimulator.builder()
                .data(SummaryData.of(accounts, rows)).start();
        provider = HyperBillingMzcProvider.builder().endpoint(URI.create(simulator.endpoint()))
                .http(HttpSettings.builder().requestTimeout(Duration.ofSeconds(10))
                        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5,
                                Duration.ofSeconds(3))).build())
                .build();
        return new ContractTarget() {
            @Override
            public BillingProvider provider() {
                return provider;
            }

            @Override
            public Credentials credentials(String account) {
                return credentials(account, key(account));
            }

            @Override
            public Credentials rejectedCredentials(String account) {
                return credentials(account, WRONG);
            }

            private Credentials credentials(String account, KeyPair key) {
                return Credentials.of(Map.of("platform", "gcp", "accountId", account, "clientEmail", email(account),
                        "privateKey", SummaryData.pkcs8Pem(key.getPrivate())));
            }

            @Override
            public void fault(String account, Fault fault) {
                simulator.fault(account, fault);
            }

            @Override
            public int costRequests(String account) {
                return simulator.summaryRequests(account);
            }

            @Override
            public void close() {
                provider.close();
                simulator.close();
            }
        };
    }

    /**
     * The kit's check per day and service cannot hold here: {@code daily_cost} rows carry a date but no
     * service (the summary API breaks a month down by service only in {@code cost_by_service}). This
     * checks what the API gives: exact totals per day, per sub account, over three months.
     */
    @Override
    @Test
    public void fetchDaily_overSeveralWindowsAndMonths_sumsExactlyPerDayAndService() {
        BillingPeriod period = BillingPeriod.of(ContractData.FIRST_DAY.plusDays(3), ContractData.FIRST_DAY.plusDays(70));
        for (String a : served.accounts()) {
            ServiceAccount account = new ServiceAccount(ServiceAccountId.of("sa-" + a), provider.id(),
                    ProjectId.of("p"), credentials(a), Map.of());
            List<CostRecord> records = new ArrayList<>();
            FetchStats stats = provider.fetch(FetchRequest.of(account, period, Granularity.DAILY), records::add);
            Map<String, BigDecimal> expected = new TreeMap<>();
            served.rows(a, period).forEach(r -> expected.merge(r.date() + " " + r.subAccount(), r.amount(), BigDecimal::add));
            Map<String, BigDecimal> actual = new TreeMap<>();
            records.forEach(r -> actual.merge(r.chargeDate() + " " + r.subAccountId(), r.billedCost().amount(), BigDecimal::add));
            expected.replaceAll((k, v) -> v.stripTrailingZeros());
            actual.replaceAll((k, v) -> v.stripTrailingZeros());
            assertThat(actual).isEqualTo(expected);
            assertThat(stats.records()).isEqualTo(records.size());
            assertThat(stats.pages()).as("one answer per month").isEqualTo(3);
            assertThat(records).allSatisfy(r -> {
                assertThat(period.contains(r.chargeDate())).isTrue();
                assertThat(r.billedCost().currency()).isEqualTo(served.currency(a));
                assertThat(r.billingAccountId()).isEqualTo(a);
            });
        }
    }

    private static Credentials credentials(String account) {
        return Credentials.of(Map.of("platform", "gcp", "accountId", account, "clientEmail", email(account),
                "privateKey", SummaryData.pkcs8Pem(key(account).getPrivate())));
    }
}
