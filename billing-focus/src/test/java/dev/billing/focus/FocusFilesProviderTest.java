package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.focus.internal.FocusFilesProviderFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading hand-written FOCUS files: versions, column order, quoting, gzip, selection, period, errors. */
@Timeout(30)
class FocusFilesProviderTest {
    /** FOCUS 1.0 as AWS and Azure write it, columns in another order than the specification's, CRLF. */
    static final String FOCUS_1_0 = String.join("\r\n",
            "ServiceName,BilledCost,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BillingAccountId,SubAccountId,"
                    + "RegionId,ChargeCategory,ChargeClass,ChargeDescription,EffectiveCost,ListCost,ContractedCost,"
                    + "BillingPeriodStart,BillingPeriodEnd,ProviderName,PublisherName,InvoiceIssuerName,ServiceCategory,"
                    + "BillingAccountName,PricingQuantity,PricingUnit,ConsumedQuantity,ConsumedUnit",
            "\"Amazon Elastic Compute Cloud, Linux\",10.123456789,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,USD,"
                    + "111111111111,222222222222,us-east-1,Usage,,\"$0.0104 per On Demand \"\"Linux\"\" t3.micro\",10.1,"
                    + "12,11,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,AWS,AWS,\"Amazon Web Services, Inc.\",Compute,"
                    + "Payer,24,Hrs,24,Hrs",
            "AWS Support,100,2026-01-31T00:00:00Z,2026-02-01T00:00:00Z,USD,111111111111,,,Purchase,,,"
                    + "100,100,100,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,AWS,AWS,AWS,Management and Governance,"
                    + "Payer,1,Month,,",
            "Amazon Simple Storage Service,-2.5,2026-01-15T00:00:00.000Z,2026-01-16T00:00:00Z,USD,111111111111,"
                    + "333333333333,eu-west-1,Usage,Correction,refund,-2.5,-2.5,-2.5,2026-01-01T00:00:00Z,"
                    + "2026-02-01T00:00:00Z,AWS,AWS,AWS,Storage,Payer,,,,",
            "Tax,0.7,2026-01-15T00:00:00Z,2026-01-16T00:00:00Z,USD,111111111111,333333333333,,Tax,,,0.7,0.7,0.7,"
                    + "2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,AWS,AWS,AWS,Other,Payer,,,,",
            "Amazon Simple Storage Service,-1,2026-01-20T00:00:00Z,2026-01-21T00:00:00Z,USD,111111111111,"
                    + "333333333333,,Credit,,promo,-1,-1,-1,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,AWS,AWS,AWS,"
                    + "Storage,Payer,,,,",
            "Amazon Simple Storage Service,5,2026-02-01T00:00:00Z,2026-02-02T00:00:00Z,USD,111111111111,"
                    + "333333333333,,Usage,,,5,5,5,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,AWS,AWS,AWS,Storage,"
                    + "Payer,1,GB-Mo,1,GB-Mo",
            "Amazon Simple Storage Service,0.5,2025-12-31T00:00:00Z,2026-01-01T00:00:00Z,USD,111111111111,"
                    + "333333333333,,Usage,,,0.5,0.5,0.5,2025-12-01T00:00:00Z,2026-01-01T00:00:00Z,AWS,AWS,AWS,Storage,"
                    + "Payer,1,GB-Mo,1,GB-Mo",
            "");
    static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    @TempDir
    Path dir;

    private FocusFilesProvider provider() {
        return FocusFilesProvider.builder().directory(dir).build();
    }

    private static ServiceAccount account(Map<String, String> credentials) {
        return new ServiceAccount(ServiceAccountId.of("imported"), ProviderId.of(FocusFilesProvider.ID),
                ProjectId.of("project-web"), Credentials.of(credentials), Map.of());
    }

    private static List<CostRecord> fetch(BillingProvider p, ServiceAccount account, BillingPeriod period,
                                          FetchStats[] stats) {
        List<CostRecord> records = new ArrayList<>();
        FetchStats s = p.fetch(FetchRequest.of(account, period, Granularity.DAILY), records::add);
        if (stats != null) {
            stats[0] = s;
        }
        return records;
    }

    private static String describe(CostRecord r) {
        return r.chargeDate() + "|" + r.billingAccountId() + "|" + r.service() + "|" + r.region() + "|"
                + r.chargeCategory() + "|" + r.billedCost().amount().toPlainString() + " " + r.billedCost().currency() + "|"
                + r.usageType() + "|" + r.usageQuantity() + "|" + r.serviceAccount().value() + "|" + r.project().value()
                + "|" + r.provider().value() + "|" + r.subAccountId() + (r.correction() ? "|correction" : "");
    }

    @Test
    void focus10File_columnsInAnotherOrder_quotedCommasAndQuotes_readExactly() throws IOException {
        Files.writeString(dir.resolve("aws-focus-1.0.csv"), FOCUS_1_0);
        FetchStats[] stats = new FetchStats[1];

        List<CostRecord> records = fetch(provider(), account(Map.of()), JAN, stats);

        assertThat(records).extracting(FocusFilesProviderTest::describe).containsExactly(
                "2026-01-01|111111111111|Amazon Elastic Compute Cloud, Linux|us-east-1|USAGE|10.123456789 USD"
                        + "|$0.0104 per On Demand \"Linux\" t3.micro|24|imported|project-web|focus-files|222222222222",
                "2026-01-31|111111111111|AWS Support||PURCHASE|100 USD||null|imported|project-web|focus-files|",
                "2026-01-15|111111111111|Amazon Simple Storage Service|eu-west-1|USAGE|-2.5 USD|refund|null|imported"
                        + "|project-web|focus-files|333333333333|correction",
                "2026-01-15|111111111111|Tax||TAX|0.7 USD||null|imported|project-web|focus-files|333333333333",
                "2026-01-20|111111111111|Amazon Simple Storage Service||CREDIT|-1 USD|promo|null|imported|project-web"
                        + "|focus-files|333333333333");
        assertThat(stats[0].records()).isEqualTo(5);
        assertThat(stats[0].droppedRows()).as("rows of December and February skipped and counted").isEqualTo(2);
        assertThat(stats[0].pages()).isEqualTo(1);
    }

    @Test
    void preview10Names_regionAndUsageQuantityAndChargeSubcategory_areMapped() throws IOException {
        Files.writeString(dir.resolve("old.csv"), "BillingAccountId,ChargeCategory,ChargeSubcategory,Region,"
                + "UsageQuantity,ServiceName,BillingCurrency,BilledCost,ChargePeriodStart\n"
                + "a1,Adjustment,Refund,ap-northeast-2,3.5,Amazon EC2,KRW,-1500,2026-01-03T00:00:00Z\n"
                + "a1,Adjustment,Credit,ap-northeast-2,,Amazon EC2,KRW,-10,2026-01-03T00:00:00Z\n"
                + "a1,Adjustment,General,ap-northeast-2,,Amazon EC2,KRW,1,2026-01-03\n");

        List<CostRecord> records = fetch(provider(), account(Map.of()), JAN, null);

        assertThat(records).extracting(r -> r.chargeCategory() + " " + r.region() + " " + r.usageQuantity() + " "
                + r.billedCost()).containsExactly("CREDIT ap-northeast-2 3.5 -1500 KRW", "CREDIT ap-northeast-2 null -10 KRW",
                "ADJUSTMENT ap-northeast-2 null 1 KRW");
    }

    @Test
    void gzipFile_isReadLikeAPlainOne_andTheGlobSelectsFiles() throws IOException {
        Path gz = Files.createDirectories(dir.resolve("2026/01")).resolve("part-0.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(FOCUS_1_0.getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("notes.txt"), "not FOCUS");

        List<CostRecord> all = fetch(provider(), account(Map.of()), JAN, null);
        List<CostRecord> none = fetch(FocusFilesProvider.builder().directory(dir).glob("*.csv").build(),
                account(Map.of()), JAN, null);

        assertThat(all).hasSize(5);
        assertThat(all.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("107.323456789");
        assertThat(none).isEmpty();
    }

    @Test
    void serviceAccount_selectsItsRowsByBillingAccountIdAndSubAccountId() throws IOException {
        Files.writeString(dir.resolve("a.csv"), FOCUS_1_0);
        Files.writeString(dir.resolve("b.csv"), FOCUS_1_0.replace("111111111111", "999999999999"));

        assertThat(fetch(provider(), account(Map.of()), JAN, null)).hasSize(10);
        assertThat(fetch(provider(), account(Map.of("billingAccountId", "999999999999")), JAN, null)).hasSize(5)
                .allMatch(r -> r.billingAccountId().equals("999999999999"));
        assertThat(fetch(provider(), account(Map.of("billingAccountId", "111111111111", "subAccountId", "333333333333")),
                JAN, null)).extracting(r -> r.billedCost().amount().toPlainString()).containsExactly("-2.5", "0.7", "-1");
    }

    @Test
    void malformedAmount_failsNamingFileLineAndColumn() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "ChargePeriodStart,BilledCost,BillingCurrency,BillingAccountId,ChargeCategory,ServiceName\n"
                + "2026-01-02T00:00:00Z,1.5,USD,a,Usage,S3\n"
                + "2026-01-02T00:00:00Z,\"multi\nline\",USD,a,Usage,S3\n"
                + "2026-01-02T00:00:00Z,12;5,USD,a,Usage,S3\n");

        assertThatThrownBy(() -> fetch(provider(), account(Map.of()), JAN, null))
                .isInstanceOf(ProviderProtocolException.class)
                .hasMessage("service account 'imported': " + file + ":3:2: column BilledCost: 'multi\\nline' is not a"
                        + " decimal number such as 12.345")
                .satisfies(e -> assertThat(((ProviderProtocolException) e).serviceAccount()).contains("imported"));

        Files.writeString(file, "ChargePeriodStart,BilledCost,BillingCurrency,BillingAccountId,ChargeCategory,ServiceName\n"
                + "2026-01-02T00:00:00Z,1.5,USD,a,Usage,S3\n"
                + "2026-01-02T00:00:00Z,1,5,USD,a,Usage,S3\n");
        assertThatThrownBy(() -> fetch(provider(), account(Map.of()), JAN, null))
                .hasMessageContaining(file + ":3:6: the row has 7 fields, the header 6");
    }

    @Test
    void malformedValues_ofOtherColumns_nameTheirColumn() throws IOException {
        String header = "BillingAccountId,ServiceName,ChargeCategory,BillingCurrency,BilledCost,ChargePeriodStart\n";
        Path file = dir.resolve("x.csv");
        String[][] cases = {
                {"a,S3,Usage,US Dollar,1,2026-01-02T00:00:00Z", ":2:4: column BillingCurrency: 'US Dollar' is not an ISO 4217"},
                {"a,S3,Refund,USD,1,2026-01-02T00:00:00Z", ":2:3: column ChargeCategory: 'Refund' is not one of FOCUS's"},
                {"a,S3,Usage,USD,1,02/01/2026", ":2:6: column ChargePeriodStart: '02/01/2026' is not a FOCUS date/time"},
                {"a,S3,Usage,USD,,2026-01-02T00:00:00Z", ":2:5: column BilledCost: empty; FOCUS requires a decimal value"},
                {"a,S3,Usage,USD,1,\"2026-01-02", ":2:6: malformed CSV: a quoted field opened on line 2 is never closed"}};
        for (String[] c : cases) {
            Files.writeString(file, header + c[0] + "\n");
            assertThatThrownBy(() -> fetch(provider(), account(Map.of()), JAN, null)).as(c[0])
                    .isInstanceOf(ProviderProtocolException.class).hasMessageContaining(file + c[1]);
        }
    }

    @Test
    void fileWithoutFocusColumns_failsNamingWhatIsMissing() throws IOException {
        Path file = dir.resolve("costs.csv");
        Files.writeString(file, "date,service,cost\n2026-01-01,S3,1\n");

        assertThatThrownBy(() -> fetch(provider(), account(Map.of()), JAN, null))
                .isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining(file + ":1:1: the header lacks the FOCUS columns BilledCost, BillingAccountId,"
                        + " BillingCurrency, ChargeCategory, ChargePeriodStart, ServiceName");
        assertThatThrownBy(() -> provider().verify(account(Map.of()))).isInstanceOf(ProviderProtocolException.class);
    }

    @Test
    void amounts_keepEveryDigit_scientificNotationIncluded_upToTheBounds() throws IOException {
        Files.writeString(dir.resolve("tiny.csv"), "BilledCost,BillingCurrency,ChargePeriodStart,ChargeCategory,"
                + "BillingAccountId,ServiceName\n"
                + "0.000000000000000001,USD,2026-01-05T00:00:00Z,Usage,a,S3\n"
                + "35.2E-7,USD,2026-01-05T00:00:00+09:00,Usage,a,S3\n"
                + "99999999999999999999.999999999999999999,USD,2026-01-05 12:00:00,Usage,a,S3\n");

        List<CostRecord> records = fetch(provider(), account(Map.of()), JAN, null);

        assertThat(records).extracting(r -> r.chargeDate() + " " + r.billedCost().amount().toPlainString()).containsExactly(
                "2026-01-05 0.000000000000000001", "2026-01-04 0.00000352",
                "2026-01-05 99999999999999999999.999999999999999999");
    }

    @Test
    void directory_missingOrUnset_isAConfigurationError_andVerifyNeedsAFile() throws IOException {
        assertThatThrownBy(() -> fetch(FocusFilesProvider.builder().directory(dir.resolve("nope")).build(),
                account(Map.of()), JAN, null)).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> fetch(FocusFilesProvider.builder().build(), account(Map.of()), JAN, null))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("no 'directory' setting");
        assertThatThrownBy(() -> provider().verify(account(Map.of()))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("no file in");

        Files.writeString(dir.resolve("ok.csv"), FOCUS_1_0);
        provider().verify(account(Map.of()));
    }

    @Test
    void factory_isFoundByServiceLoader_andChecksItsSettings() throws IOException {
        Files.writeString(dir.resolve("ok.csv"), FOCUS_1_0);
        try (Billing billing = Billing.builder().providerSettings(FocusFilesProvider.ID,
                Map.of("directory", dir.toString(), "glob", "*.csv")).build()) {
            BillingProvider p = billing.providers().get(FocusFilesProvider.ID);
            assertThat(p.displayName()).isEqualTo("FOCUS export files");
            assertThat(p.credentialSchema().fields()).allMatch(f -> !f.required() && !f.secret());
            billing.serviceAccounts().register("imported", FocusFilesProvider.ID,
                    Credentials.of(Map.of("subAccountId", "333333333333")), "project-web");

            CostReport report = billing.costs().report(dev.billing.core.CostQuery.of(JAN));

            assertThat(report.isComplete()).isTrue();
            assertThat(report.totals()).containsExactly(Money.of("-2.8", "USD"));
        }
        FocusFilesProviderFactory factory = new FocusFilesProviderFactory();
        assertThatThrownBy(() -> factory.create(Map.of("dir", "x"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("unknown provider setting 'dir' for focus-files; known settings: directory, glob");
        assertThatThrownBy(() -> factory.create(Map.of("directory", "x", "glob", "{a")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("glob");
        assertThat(((FocusFilesProvider) factory.create(Map.of())).directory()).isEmpty();
    }

    @Test
    void globWithoutDoubleStar_readsTheTopDirectoryOnly() throws IOException {
        Files.writeString(dir.resolve("a.csv"), FOCUS_1_0);
        Path other = Files.createDirectory(dir.resolve("other"));
        Files.writeString(other.resolve("bad.csv"), "BilledCost\n1\n");
        try (Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(FocusFilesProvider.builder().directory(dir).glob("*.csv").build()).build()) {
            billing.serviceAccounts().register("good", FocusFilesProvider.ID, Credentials.of(Map.of()), "p1");
            CostReport report = billing.costs().report(dev.billing.core.CostQuery.of(JAN));
            assertThat(report.coverage()).allMatch(c -> c.code() == CoverageStatus.OK);
            assertThat(report.totals()).containsExactly(Money.of("107.323456789", "USD"));
        }
    }

    @Test
    void largeFile_isStreamed_rowsOutsideThePeriodSkippedAndCounted() throws IOException {
        Path file = dir.resolve("big.csv.gz");
        BigDecimal expected = BigDecimal.ZERO;
        int rows = 200_000;
        try (Writer w = new java.io.OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)),
                StandardCharsets.UTF_8)) {
            w.write("ChargePeriodStart,BilledCost,BillingCurrency,BillingAccountId,ChargeCategory,ServiceName\n");
            for (int i = 0; i < rows; i++) {
                LocalDate day = LocalDate.of(2025, 12, 1).plusDays(i % 90);
                String amount = i + "." + String.format("%06d", i % 1_000_000);
                if (JAN.contains(day)) {
                    expected = expected.add(new BigDecimal(amount));
                }
                w.write(day + "T00:00:00Z," + amount + ",USD,a,Usage,S3\n");
            }
        }
        FetchStats[] stats = new FetchStats[1];
        BigDecimal[] sum = {BigDecimal.ZERO};
        long[] count = {0};

        stats[0] = provider().fetch(FetchRequest.of(account(Map.of()), JAN, Granularity.DAILY), r -> {
            sum[0] = sum[0].add(r.billedCost().amount());
            count[0]++;
        });

        assertThat(sum[0]).isEqualByComparingTo(expected);
        assertThat(stats[0].records()).isEqualTo(count[0]);
        assertThat(stats[0].records() + stats[0].droppedRows()).isEqualTo(rows);
    }

    @Test
    void cancelledFetch_stopsWithinTheFile() throws IOException {
        StringBuilder text = new StringBuilder("ChargePeriodStart,BilledCost,BillingCurrency,BillingAccountId,"
                + "ChargeCategory,ServiceName\n");
        for (int i = 0; i < 50_000; i++) {
            text.append("2026-01-02T00:00:00Z,1,USD,a,Usage,S3\n");
        }
        Files.writeString(dir.resolve("many.csv"), text);
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        dev.billing.core.spi.Cancellation cancellation = new dev.billing.core.spi.Cancellation() {
            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }

            @Override
            public String reason() {
                return cancelled.get() ? "the test cancelled it" : "";
            }

            @Override
            public void onCancel(Runnable action) {
            }
        };
        long[] seen = {0};

        assertThatThrownBy(() -> provider().fetch(new FetchRequest(account(Map.of()), JAN, Granularity.DAILY,
                cancellation), r -> {
                    seen[0]++;
                    cancelled.set(true);
                })).isInstanceOf(dev.billing.core.FetchCancelledException.class);
        assertThat(seen[0]).isPositive().isLessThan(5_000);
    }
}
