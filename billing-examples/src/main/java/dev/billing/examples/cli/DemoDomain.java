package dev.billing.examples.cli;

import dev.billing.core.BillingPeriod;
import dev.billing.testkit.SimulatorData;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/** The built-in demo domain: four AWS accounts in two projects, billed in USD, KRW and EUR. */
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

    private DemoDomain() {
    }

    /** @return the demo's cost data, the same on every run */
    static SimulatorData data() {
        return SimulatorData.generator().seed(2026).accounts(ACCOUNTS.size()).currencies("USD", "USD", "KRW", "EUR")
                .days(LocalDate.of(2026, 1, 1), (int) PERIOD.days()).rowsPerDay(6).build();
    }
}
