package dev.billing.dashboard;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.AccountStatus;
import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.testkit.FakeBillingProvider;
import dev.billing.testkit.Fault;
import dev.billing.testkit.SimulatorData;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * A domain for the dashboard tests: four service accounts in two projects, billed in USD, KRW and EUR,
 * served in process by {@link FakeBillingProvider}; one account's key is rejected (FAILED), and one
 * service is named {@code <script>alert(1)</script>}.
 */
final class Fixture implements AutoCloseable {
    static final String HOSTILE = "<script>alert(1)</script>";
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 6));
    static final SimulatorData DATA = data(HOSTILE);
    /** The same domain with no markup in it, for the screenshot in the docs. */
    static final SimulatorData PLAIN = data("AmazonDynamoDB");
    /** Name, project; the i-th uses the data's i-th account. */
    static final String[][] ACCOUNTS = {
            {"web-prod", "project-web"}, {"web-staging", "project-web"},
            {"data-seoul", "project-data"}, {"data-frankfurt", "project-data"}};
    /** The account whose key the provider rejects. */
    static final String FAILED = "web-staging";

    final Billing billing;
    private final boolean hostileReason;

    private static SimulatorData data(String fourthService) {
        return SimulatorData.generator().seed(16).accounts(4).currencies("USD", "USD", "KRW", "EUR")
                .services("AmazonEC2", "AmazonS3", "AmazonRDS", fourthService, "AWSLambda", "AmazonCloudFront",
                        "AmazonEKS")
                .days(LocalDate.of(2026, 1, 1), (int) PERIOD.days()).rowsPerDay(6).build();
    }

    private Fixture(SimulatorData data, String provider, boolean hostileReason) {
        this.hostileReason = hostileReason;
        billing = Billing.builder().discoverProviders(false).addProvider(FakeBillingProvider.builder().id(provider)
                .data(data).fault(data.accounts().get(1), new Fault.RejectedKey()).build()).build();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            String account = data.accounts().get(i);
            SimulatorData.ApiUser user = data.userFor(account).orElseThrow();
            billing.serviceAccounts().register(ACCOUNTS[i][0], provider, Credentials.of(Map.of(
                    "account", account, "email", user.email(), "key", user.key())), ACCOUNTS[i][1]);
        }
    }

    /** @return the domain, the failed account's reason as the provider gives it */
    static Fixture start() {
        return new Fixture(DATA, FakeBillingProvider.DEFAULT_ID, false);
    }

    /** @return the domain without markup, its provider named hyperbilling-aws: what the docs' screenshot shows */
    static Fixture plain() {
        return new Fixture(PLAIN, "hyperbilling-aws", false);
    }

    /** @return the domain, the failed account's reason also holding {@value #HOSTILE} and other markup */
    static Fixture hostile() {
        return new Fixture(DATA, FakeBillingProvider.DEFAULT_ID, true);
    }

    /** The report source: the live report, the failed reason made hostile when asked. */
    CostReport report(CostQuery query) {
        CostReport report = billing.costs().report(query);
        if (!hostileReason) {
            return report;
        }
        List<AccountCoverage> coverage = report.coverage().stream().map(c -> c.failure().isEmpty() ? c
                : new AccountCoverage(c.serviceAccount(), c.provider(), c.project(), new AccountStatus.Failed(
                        new BillingException(c.error() + " " + HOSTILE + " <img src=x onerror=alert(2)> \"'&")),
                        c.asOf(), c.stats()))
                .toList();
        return new CostReport(report.query(), report.domain(), report.projects(), report.rows(), coverage);
    }

    @Override
    public void close() {
        billing.close();
    }
}
