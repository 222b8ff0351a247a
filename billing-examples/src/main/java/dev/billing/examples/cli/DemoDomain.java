package dev.billing.examples.cli;

import dev.billing.core.BillingPeriod;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The built-in demo domain: four AWS accounts (HyperBilling) in two projects, billed in USD, KRW and
 * EUR, and one Azure subscription billed in EUR.
 */
final class DemoDomain {
    /** The months with data: January to June 2026. */
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 6));

    /**
     * A demo service account.
     *
     * @param name its name
     * @param account the AWS account id
     * @param project its project
     */
    record Account(String name, String account, String project) {
    }

    /** The service accounts, in registration order; their AWS ids are the generated data's. */
    static final List<Account> ACCOUNTS = List.of(
            new Account("web-prod", "111111111111", "project-web"),
            new Account("web-staging", "222222222222", "project-web"),
            new Account("data-seoul", "333333333333", "project-data"),
            new Account("data-frankfurt", "444444444444", "project-data"));

    /** The Azure service account of the demo: its name, project, and the app registration it reads with. */
    static final String AZURE_NAME = "data-azure";
    static final String AZURE_PROJECT = "project-data";
    static final String AZURE_TENANT = "demo.onmicrosoft.com";
    static final String AZURE_CLIENT = "0de30de3-0000-4000-8000-000000000001";
    static final String AZURE_SUBSCRIPTION = "5ab5c71d-0000-4000-8000-00000000e0a1";

    private DemoDomain() {
    }

    /**
     * @param clientSecret the app registration's secret (made up per run)
     * @return a started Azure simulator serving the demo subscription's costs, in EUR
     */
    static AzureCostManagementSimulator azure(String clientSecret) {
        SplittableRandom random = new SplittableRandom(2026);
        String[] services = {"Virtual Machines", "Storage", "Azure SQL Database", "Bandwidth"};
        String[] locations = {"westeurope", "northeurope"};
        List<AzureCostManagementSimulator.Row> rows = new ArrayList<>();
        for (LocalDate d = PERIOD.start(); d.isBefore(PERIOD.end()); d = d.plusDays(1)) {
            for (String service : services) {
                rows.add(AzureCostManagementSimulator.Row.of(AZURE_SUBSCRIPTION, d, service,
                        locations[random.nextInt(locations.length)], "EUR", BigDecimal.valueOf(random.nextLong(10_000, 4_000_000), 6)));
            }
        }
        return AzureCostManagementSimulator.builder().principal(AZURE_TENANT, AZURE_CLIENT, clientSecret).rows(rows)
                .pageSize(200).start();
    }

    /** @return a made-up client secret for one demo run */
    static String azureSecret() {
        return "demo~" + UUID.randomUUID();
    }

    /** @return the demo's cost data, the same on every run */
    static SimulatorData data() {
        return SimulatorData.generator().seed(2026).accounts(ACCOUNTS.size()).currencies("USD", "USD", "KRW", "EUR")
                .days(LocalDate.of(2026, 1, 1), (int) PERIOD.days()).rowsPerDay(6).build();
    }
}
