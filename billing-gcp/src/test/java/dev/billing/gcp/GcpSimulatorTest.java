package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.AccountCoverage;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.gcp.internal.ExportQuery;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import dev.billing.testkit.Fault;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;

/** End to end: the provider through the public API against the testkit's BigQuery simulator. */
@Timeout(60)
class GcpSimulatorTest {
    static final String USD_ACCOUNT = "0123AB-4567CD-89EF01";
    static final String JPY_ACCOUNT = "JPJPJP-000000-111111";
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));

    BigQueryBillingExportSimulator sim;
    List<ExportRow> rows;

    @BeforeEach
    void start() {
        rows = new ArrayList<>();
        // a day before and after the period: must not count
        rows.addAll(BigQueryBillingExportSimulator.sampleRows(1, USD_ACCOUNT, "USD", List.of("web-prod", "web-staging"),
                LocalDate.of(2025, 12, 31), 92));
        rows.addAll(BigQueryBillingExportSimulator.sampleRows(2, JPY_ACCOUNT, "JPY", List.of("data-tokyo"),
                LocalDate.of(2025, 12, 31), 92));
        sim = BigQueryBillingExportSimulator.builder().rows(rows).pageSize(50).pendingPolls(2).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    BigDecimal expected(String account, String project) {
        return rows.stream().filter(r -> r.billingAccountId().equals(account))
                .filter(r -> project == null || project.equals(r.projectId()))
                .filter(r -> PERIOD.contains(r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate()))
                .map(ExportRow::total).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    Billing billing() {
        return Billing.builder().providerSettings("gcp-billing-export", Map.of("endpoint", sim.endpoint())).build();
    }

    Credentials credentials(String key, String account) {
        return Credentials.of(Map.of("serviceAccountKey", key, "table", sim.table(), "billingAccountId", account));
    }

    @Test
    void providerQuery_isTheTextTheSimulatorAccepts() {
        assertThat(ExportQuery.DEFAULT.text(sim.table())).isEqualTo(BigQueryBillingExportSimulator.expectedQuery(sim.table()));
    }

    @Test
    void report_overTwoBillingAccounts_isExactPerCurrencyAndProject_withPollingAndPages() {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        try (Billing billing = billing()) {
            billing.serviceAccounts().register("gcp-usd", "gcp-billing-export", credentials(key, USD_ACCOUNT), "project-web");
            billing.serviceAccounts().register("gcp-jpy", "gcp-billing-export", credentials(key, JPY_ACCOUNT), "project-data");
            billing.serviceAccounts().verify("gcp-usd");

            CostReport report = billing.costs().report(CostQuery.builder(PERIOD).granularity(Granularity.MONTHLY)
                    .groupBy(Dimension.SERVICE).build());

            assertThat(report.isComplete()).isTrue();
            assertThat(report.totals()).containsExactlyInAnyOrder(
                    Money.of(expected(USD_ACCOUNT, null), Currency.getInstance("USD")),
                    Money.of(expected(JPY_ACCOUNT, null), Currency.getInstance("JPY")));
            assertThat(report.project("project-web").totals()).containsExactly(
                    Money.of(expected(USD_ACCOUNT, null), Currency.getInstance("USD")));
            assertThat(report.project("project-data").totals()).containsExactly(
                    Money.of(expected(JPY_ACCOUNT, null), Currency.getInstance("JPY")));
            for (AccountCoverage c : report.coverage()) {
                assertThat(c.stats().pages()).isGreaterThanOrEqualTo(3);
                assertThat(c.stats().bytesScanned()).isPositive();
                assertThat(c.stats().droppedRows()).isZero();
            }
        }
        assertThat(sim.resultRequests()).isGreaterThanOrEqualTo(2 * (2 + 2));
        assertThat(sim.tokenRequests()).isEqualTo(1); // cached across accounts of one key
    }

    @Test
    void projectIdCredential_keepsOnlyThatProjectsCosts() {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        GcpBillingExportProvider provider = GcpBillingExportProvider.builder()
                .endpoint(java.net.URI.create(sim.endpoint())).build();
        ServiceAccount account = new ServiceAccount(ServiceAccountId.of("gcp-staging"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), Credentials.of(Map.of("serviceAccountKey", key, "table", sim.table(),
                        "projectId", "web-staging")), Map.of());
        List<BigDecimal> amounts = new ArrayList<>();

        FetchStats stats = provider.fetch(FetchRequest.of(account, PERIOD, Granularity.DAILY),
                r -> amounts.add(r.billedCost().amount()));

        assertThat(amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualTo(expected(USD_ACCOUNT, "web-staging"));
        assertThat(stats.records()).isEqualTo(amounts.size());
    }

    @Test
    void untrustedKey_failsOnlyItsAccount_andTheReportSaysSo() {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        String untrusted = sim.untrustedServiceAccountKey("old@billing-admin-project.iam.gserviceaccount.com");
        try (Billing billing = billing()) {
            billing.serviceAccounts().register("gcp-usd", "gcp-billing-export", credentials(key, USD_ACCOUNT), "project-web");
            billing.serviceAccounts().register("gcp-old", "gcp-billing-export", credentials(untrusted, JPY_ACCOUNT), "project-data");

            CostReport report = billing.costs().domainTotal(PERIOD);

            assertThat(report.isComplete()).isFalse();
            assertThat(report.totals()).containsExactly(Money.of(expected(USD_ACCOUNT, null), Currency.getInstance("USD")));
            AccountCoverage old = report.coverage().stream().filter(c -> c.name().equals("gcp-old")).findFirst().orElseThrow();
            assertThat(old.code()).isEqualTo(CoverageStatus.FAILED);
            assertThat(old.failure()).get().isInstanceOf(CredentialsRejectedException.class);
            assertThat(old.error()).contains("gcp-old").contains("invalid_grant").doesNotContain("PRIVATE KEY");
            assertThatThrownBy(() -> billing.serviceAccounts().verify("gcp-old"))
                    .isInstanceOf(CredentialsRejectedException.class);
        }
    }

    @Test
    void faults_throttlingAndBackendErrors_areAbsorbed_accessDeniedAndWrongTableAreNot() {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        GcpBillingExportProvider provider = GcpBillingExportProvider.builder().endpoint(java.net.URI.create(sim.endpoint()))
                .http(HttpSettings.builder()
                        .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(10))).build())
                .build();
        ServiceAccount usd = new ServiceAccount(ServiceAccountId.of("gcp-usd"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), credentials(key, USD_ACCOUNT), Map.of());
        sim.fault(USD_ACCOUNT, Fault.throttle(2, Duration.ZERO));
        sim.fault(USD_ACCOUNT, Fault.error(1, 403, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user"));
        sim.fault(USD_ACCOUNT, Fault.serverError(1, 503));
        List<BigDecimal> amounts = new ArrayList<>();

        provider.fetch(FetchRequest.of(usd, PERIOD, Granularity.DAILY), r -> amounts.add(r.billedCost().amount()));

        assertThat(amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualTo(expected(USD_ACCOUNT, null));

        sim.clearFaults();
        sim.fault(USD_ACCOUNT, Fault.error(1, 400, "invalidQuery", "Unrecognized name: cost_type"));
        assertThatThrownBy(() -> provider.fetch(FetchRequest.of(usd, PERIOD, Granularity.DAILY), r -> { }))
                .isInstanceOf(ProviderProtocolException.class).hasMessageContaining("Unrecognized name: cost_type");
        sim.clearFaults();

        ServiceAccount wrongTable = new ServiceAccount(ServiceAccountId.of("gcp-wrong"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), Credentials.of(Map.of("serviceAccountKey", key,
                "table", "billing-admin-project.billing_export.gcp_billing_export_v1_FFFFFF_FFFFFF_FFFFFF")), Map.of());
        assertThatThrownBy(() -> provider.fetch(FetchRequest.of(wrongTable, PERIOD, Granularity.DAILY), r -> { }))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("gcp_billing_export_v1_FFFFFF");

        sim.denyAccess("reader@billing-admin-project.iam.gserviceaccount.com");
        assertThatThrownBy(() -> provider.fetch(FetchRequest.of(usd, PERIOD, Granularity.DAILY), r -> { }))
                .isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("BigQuery Data Viewer");
    }

    @Test
    void revokedTokens_areReplacedOnce() {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        GcpBillingExportProvider provider = GcpBillingExportProvider.builder().endpoint(java.net.URI.create(sim.endpoint())).build();
        ServiceAccount usd = new ServiceAccount(ServiceAccountId.of("gcp-usd"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), credentials(key, USD_ACCOUNT), Map.of());
        provider.fetch(FetchRequest.of(usd, PERIOD, Granularity.DAILY), r -> { });
        sim.revokeTokens();

        provider.fetch(FetchRequest.of(usd, PERIOD, Granularity.DAILY), r -> { });

        assertThat(sim.tokenRequests()).isEqualTo(2);
    }

    @Test
    void aHangingQuery_endsAsUnavailable_withinTheRequestTimeouts() {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        GcpBillingExportProvider provider = GcpBillingExportProvider.builder().endpoint(java.net.URI.create(sim.endpoint()))
                .http(HttpSettings.builder().requestTimeout(Duration.ofMillis(300)).retryPolicy(RetryPolicy.defaults()
                        .withMaxAttempts(2).withBackoff(Duration.ofMillis(1), Duration.ofMillis(1))).build())
                .build();
        ServiceAccount usd = new ServiceAccount(ServiceAccountId.of("gcp-usd"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), credentials(key, USD_ACCOUNT), Map.of());
        sim.fault(USD_ACCOUNT, Fault.hang());

        assertThatThrownBy(() -> provider.fetch(FetchRequest.of(usd, PERIOD, Granularity.DAILY), r -> { }))
                .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("timed out");
    }

    /** @return a service account reading the whole table of {@code other} with a key it trusts */
    private static ServiceAccount wholeTable(BigQueryBillingExportSimulator other) {
        String key = other.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        return new ServiceAccount(ServiceAccountId.of("gcp-usd"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), Credentials.of(Map.of("serviceAccountKey", key, "table", other.table())),
                Map.of());
    }

    @Test
    void partitionFilter_aMonthOfATwoYearTable_billsTheBytesOfItsPartitionsOnly_andKeepsLateRows() {
        List<ExportRow> years = new ArrayList<>(BigQueryBillingExportSimulator.sampleRows(3, USD_ACCOUNT, "USD",
                List.of("web-prod"), LocalDate.of(2024, 6, 1), 730));
        // March's tax, exported on 3 April (the invoice month closes): inside the partitions the query reads
        ExportRow lateTax = new ExportRow(USD_ACCOUNT, "web-prod", "Invoice", "Tax", null,
                java.time.Instant.parse("2026-03-31T00:00:00Z"), "tax", "USD", new BigDecimal("12.34"), List.of())
                .exportedAt(java.time.Instant.parse("2026-04-03T08:00:00Z"));
        years.add(lateTax);
        BillingPeriod march = BillingPeriod.monthsThrough(YearMonth.of(2026, 3), YearMonth.of(2026, 3));
        try (BigQueryBillingExportSimulator big = BigQueryBillingExportSimulator.builder().rows(years).start()) {
            GcpBillingExportProvider provider = GcpBillingExportProvider.builder()
                    .endpoint(java.net.URI.create(big.endpoint())).build();
            ServiceAccount usd = wholeTable(big);
            List<BigDecimal> amounts = new ArrayList<>();

            FetchStats stats = provider.fetch(FetchRequest.of(usd, march, Granularity.DAILY),
                    r -> amounts.add(r.billedCost().amount()));

            LocalDate from = march.start().minusDays(ExportQuery.PARTITION_DAYS_BEFORE);
            LocalDate to = march.end().plusDays(ExportQuery.PARTITION_DAYS_AFTER);
            long read = years.stream().filter(r -> !r.partition().isBefore(from) && r.partition().isBefore(to)).count();
            assertThat(stats.bytesScanned()).isEqualTo(400L * read).isLessThan(400L * years.size() / 8);
            assertThat(amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualTo(years.stream()
                    .filter(r -> march.contains(r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate()))
                    .map(ExportRow::total).reduce(BigDecimal.ZERO, BigDecimal::add));
        }
    }

    @Test
    void labelsBecomeTags_costAtListTheListCost_andEachCostTypeItsCategory() {
        java.time.Instant t = java.time.Instant.parse("2026-02-10T05:00:00Z");
        Map<String, String> prod = new java.util.LinkedHashMap<>();
        prod.put("env", "prod");
        prod.put("team", "web");
        List<ExportRow> crafted = List.of(
                new ExportRow(USD_ACCOUNT, "web-prod", "Compute Engine", "Core", "us-east1", t, "regular", "USD",
                        new BigDecimal("10.5"), List.of(new BigQueryBillingExportSimulator.Credit("CUD",
                        "COMMITTED_USAGE_DISCOUNT", new BigDecimal("-1.25"))))
                        .labeled(prod).listed(new BigDecimal("12")),
                new ExportRow(USD_ACCOUNT, "web-prod", "Compute Engine", "Core", "us-east1", t, "regular", "USD",
                        new BigDecimal("2"), List.of()).labeled(prod).listed(new BigDecimal("2.5")),
                new ExportRow(USD_ACCOUNT, "web-prod", "Compute Engine", "Core", "us-east1", t, "regular", "USD",
                        new BigDecimal("3"), List.of()).labeled(Map.of("env", "dev")).listed(new BigDecimal("3.5")),
                new ExportRow(USD_ACCOUNT, "web-prod", "Invoice", "Tax", null, t, "tax", "USD", new BigDecimal("1.1"), List.of()),
                new ExportRow(USD_ACCOUNT, "web-prod", "Invoice", "Adjustment", null, t, "adjustment", "USD",
                        new BigDecimal("-0.4"), List.of()),
                new ExportRow(USD_ACCOUNT, "web-prod", "Invoice", "Rounding", null, t, "rounding_error", "USD",
                        new BigDecimal("0.01"), List.of()));
        try (BigQueryBillingExportSimulator labeled = BigQueryBillingExportSimulator.builder().rows(crafted).start()) {
            GcpBillingExportProvider provider = GcpBillingExportProvider.builder()
                    .endpoint(java.net.URI.create(labeled.endpoint())).build();
            ServiceAccount usd = wholeTable(labeled);
            List<dev.billing.core.CostRecord> records = new ArrayList<>();

            provider.fetch(FetchRequest.of(usd, BillingPeriod.month(YearMonth.of(2026, 2)), Granularity.DAILY), records::add);

            assertThat(records).extracting(r -> r.chargeCategory() + " " + r.billedCost().amount().toPlainString() + " "
                    + new java.util.TreeMap<>(r.tags()) + " " + r.listCost().map(m -> m.amount().toPlainString()).orElse("-")).containsExactlyInAnyOrder(
                    "USAGE 12.5 {env=prod, team=web} 14.5", "CREDIT -1.25 {env=prod, team=web} 0",
                    "USAGE 3 {env=dev} 3.5", "TAX 1.1 {} 1.1", "ADJUSTMENT -0.4 {} -0.4", "ADJUSTMENT 0.01 {} 0.01");
            assertThat(provider.capabilities()).contains(dev.billing.core.spi.Capability.TAGS,
                    dev.billing.core.spi.Capability.LIST_COST);
        }
    }
}
