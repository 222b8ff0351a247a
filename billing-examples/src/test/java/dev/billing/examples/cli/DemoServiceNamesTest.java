package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's AWS accounts, read through HyperBilling and through Cost Explorer, name each AWS service once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoServiceNamesTest {

    @Test
    void aBreakdownByService_hasOneRowPerAwsServiceAcrossHyperBillingAndCostExplorer() {
        SimulatorData data = DemoDomain.data();
        try (HyperBillingSimulator hb = HyperBillingSimulator.start(data);
             AwsCostExplorerSimulator ce = AwsCostExplorerSimulator.builder()
                     .account(DemoDomain.AWS.account(), DemoDomain.AWS_KEY_ID, DemoDomain.AWS_SECRET)
                     .rows(DemoDomain.awsRows()).start();
             Billing billing = Billing.builder()
                     .providerSettings(DemoCommand.PROVIDER, Map.of("endpoint", hb.endpoint()))
                     .providerSettings(DemoCommand.AWS_PROVIDER, Map.of("endpoint", ce.endpoint())).build()) {
            for (DemoDomain.Account a : DemoDomain.ACCOUNTS) {
                SimulatorData.ApiUser user = data.userFor(a.account()).orElseThrow();
                billing.serviceAccounts().register(a.name(), DemoCommand.PROVIDER, Credentials.of(Map.of(
                        "account", a.account(), "email", user.email(), "key", user.key())), a.project());
            }
            billing.serviceAccounts().register(DemoDomain.AWS.name(), DemoCommand.AWS_PROVIDER, Credentials.of(Map.of(
                    "accessKeyId", DemoDomain.AWS_KEY_ID, "secretAccessKey", DemoDomain.AWS_SECRET)),
                    DemoDomain.AWS.project());

            CostReport byProvider = billing.costs().report(CostQuery.builder(DemoDomain.PERIOD)
                    .granularity(Granularity.YEARLY).groupBy(Dimension.SERVICE, Dimension.PROVIDER).build());
            CostReport byService = billing.costs().report(CostQuery.builder(DemoDomain.PERIOD)
                    .granularity(Granularity.YEARLY).groupBy(Dimension.SERVICE).build());

            assertThat(byProvider.isComplete()).isTrue();
            Map<String, Set<String>> providers = new TreeMap<>();
            for (CostRow r : byProvider.rows()) {
                providers.computeIfAbsent(r.keys().get(Dimension.SERVICE), s -> new TreeSet<>())
                        .add(r.keys().get(Dimension.PROVIDER));
            }
            // the services both read: one name for each, whichever provider read it
            for (String service : List.of("Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service",
                    "Amazon Relational Database Service")) {
                assertThat(providers.get(service)).as(service)
                        .containsExactly(DemoCommand.AWS_PROVIDER, DemoCommand.PROVIDER);
            }
            assertThat(providers).containsKeys("AWS Lambda", "Amazon CloudFront")
                    .doesNotContainKeys("AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudFront");
            List<String> usd = byService.rows().stream().filter(r -> r.amount().currency().getCurrencyCode()
                    .equals("USD")).map(r -> r.keys().get(Dimension.SERVICE)).toList();
            assertThat(usd).as("one USD row per service").doesNotHaveDuplicates()
                    .contains("Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service");
        }
    }
}
