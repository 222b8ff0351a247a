package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class FocusWriterTest {
    private static final String HEADER = String.join(",", FocusConformanceTest.FOCUS_1_2_MANDATORY)
            + ",RegionId,SubAccountId,Tags,x_Project,x_ServiceAccount,x_FilledFromBilledCost,x_AllocationSplit,x_AllocationSourceProject\r\n";

    private static CostRecord record(String provider, String account, String service, String region, String usageType,
                                     ChargeCategory category, String amount, String currency) {
        return CostRecord.builder().chargeDate(LocalDate.of(2026, 2, 28)).provider(ProviderId.of(provider))
                .billingAccountId(account).subAccountId(region.isEmpty() ? "" : "sub-" + account)
                .serviceAccount(ServiceAccountId.of("sa-1")).project(ProjectId.of("project-web"))
                .service(service).region(region).usageType(usageType).chargeCategory(category)
                .billedCost(Money.of(new BigDecimal(amount), java.util.Currency.getInstance(currency))).build();
    }

    private static String write(CostRecord... records) {
        StringWriter out = new StringWriter();
        try (FocusWriter w = FocusWriter.of(out)) {
            for (CostRecord r : records) {
                w.write(r);
            }
            assertThat(w.rows()).isEqualTo(records.length);
        }
        return out.toString();
    }

    @Test
    void row_hasEveryValueInFocusFormat() {
        String csv = write(record("aws-cost-explorer", "123456789012", "AmazonEC2", "us-east-1", "BoxUsage:t3.micro",
                ChargeCategory.USAGE, "12.3400", "USD"));

        assertThat(csv).isEqualTo(HEADER + "12.34,123456789012,,USD,2026-03-01T00:00:00Z,2026-02-01T00:00:00Z,Usage,,"
                + "BoxUsage:t3.micro,2026-03-01T00:00:00Z,2026-02-28T00:00:00Z,12.34,12.34,AWS,12.34,,,AWS,AWS,Compute,"
                + "AmazonEC2,us-east-1,sub-123456789012,{},project-web,sa-1,EffectiveCost ListCost,,\r\n");
    }

    @Test
    void values_withCommaQuoteOrLineBreak_areQuotedAsRfc4180Says() {
        String csv = write(record("p", "a,b", "Say \"hi\"", "", "one\ntwo", ChargeCategory.TAX, "-0.50", "EUR"));

        List<List<String>> parsed = TestCsv.parse(csv);
        assertThat(csv).contains("\"a,b\"").contains("\"Say \"\"hi\"\"\"").contains("\"one\ntwo\"");
        List<String> row = parsed.get(1);
        assertThat(row.get(0)).isEqualTo("-0.5");
        assertThat(row.get(1)).isEqualTo("a,b");
        assertThat(row.get(6)).isEqualTo("Tax");
        assertThat(row.get(8)).isEqualTo("one\ntwo");
        assertThat(row.get(20)).isEqualTo("Say \"hi\"");
        assertThat(row.get(21)).as("RegionId null when the record has none").isEmpty();
        assertThat(row.get(22)).as("SubAccountId null when the record has none").isEmpty();
    }

    @Test
    void chargeCategories_mapToFocusValues_aCorrectionIsChargeClassCorrection() {
        assertThat(FocusWriter.chargeCategory(ChargeCategory.USAGE)).isEqualTo("Usage");
        assertThat(FocusWriter.chargeCategory(ChargeCategory.PURCHASE)).isEqualTo("Purchase");
        assertThat(FocusWriter.chargeCategory(ChargeCategory.TAX)).isEqualTo("Tax");
        assertThat(FocusWriter.chargeCategory(ChargeCategory.CREDIT)).isEqualTo("Credit");
        assertThat(FocusWriter.chargeCategory(ChargeCategory.ADJUSTMENT)).isEqualTo("Adjustment");

        List<List<String>> rows = TestCsv.parse(write(
                record("p", "a", "S3", "x", "", ChargeCategory.USAGE, "-1", "USD").toBuilder().correction(true).build(),
                record("p", "a", "S3", "x", "", ChargeCategory.USAGE, "1", "USD")));
        assertThat(rows.get(1).get(6)).isEqualTo("Usage");
        assertThat(rows.get(1).get(7)).isEqualTo("Correction");
        assertThat(rows.get(2).get(7)).as("ChargeClass null when not a correction").isEmpty();
    }

    @Test
    void amounts_arePlainDecimalsExactToTheLastDigit() {
        List<List<String>> csv = TestCsv.parse(write(
                record("p", "a", "s", "r", "", ChargeCategory.USAGE, "1E+3", "USD"),
                record("p", "a", "s", "r", "", ChargeCategory.USAGE, "0.000000000000000001", "USD"),
                record("p", "a", "s", "r", "", ChargeCategory.USAGE, "-0.000", "USD"),
                record("p", "a", "s", "r", "", ChargeCategory.USAGE, "98765432109876543210.0123456789", "USD")));

        assertThat(csv.subList(1, 5)).extracting(r -> r.get(0))
                .containsExactly("1000", "0.000000000000000001", "0", "98765432109876543210.0123456789");
    }

    @Test
    void noService_isNamedAfterTheChargeCategory_noAccountId_afterTheServiceAccount() {
        List<String> row = TestCsv.parse(write(record("p", "", "", "", "", ChargeCategory.TAX, "1", "USD"))).get(1);

        assertThat(row.get(20)).isEqualTo("Tax");
        assertThat(row.get(19)).isEqualTo("Other");
        assertThat(row.get(1)).isEqualTo("sa-1");
    }

    @Test
    void origins_areBuiltInOrGivenOrTheFallback() {
        StringWriter out = new StringWriter();
        try (FocusWriter w = FocusWriter.builder(out).origin("mine", new FocusOrigin("Reseller", "Cloud", "Reseller Inc."))
                .fallback(id -> FocusOrigin.of("Unknown " + id)).build()) {
            w.write(record("mine", "a", "s", "r", "", ChargeCategory.USAGE, "1", "USD"));
            w.write(record("azure-cost-management", "a", "s", "r", "", ChargeCategory.USAGE, "1", "USD"));
            w.write(record("other", "a", "s", "r", "", ChargeCategory.USAGE, "1", "USD"));
        }
        List<List<String>> csv = TestCsv.parse(out.toString());

        assertThat(csv.subList(1, 4)).extracting(r -> r.get(17) + "/" + r.get(18) + "/" + r.get(13)).containsExactly(
                "Reseller/Cloud/Reseller Inc.", "Microsoft/Microsoft/Microsoft", "Unknown other/Unknown other/Unknown other");
    }

    @Test
    void noRows_writesTheHeaderAlone() {
        assertThat(write()).isEqualTo(HEADER);
    }

    @Test
    void serviceCategories_followTheServiceName() {
        List<List<String>> csv = TestCsv.parse(write(
                record("p", "a", "AmazonS3", "r", "", ChargeCategory.USAGE, "1", "USD"),
                record("p", "a", "Azure Database Migration Service", "r", "", ChargeCategory.USAGE, "1", "USD"),
                record("p", "a", "BigQuery", "r", "", ChargeCategory.USAGE, "1", "USD"),
                record("p", "a", "AmazonCloudFront", "r", "", ChargeCategory.USAGE, "1", "USD"),
                record("p", "a", "Something New", "r", "", ChargeCategory.USAGE, "1", "USD")));

        assertThat(csv.subList(1, 6)).extracting(r -> r.get(19))
                .containsExactly("Storage", "Migration", "Analytics", "Networking", "Other");
    }

    @Test
    void ioFailure_isThrownUnchecked_andWritingAfterCloseIsRefused() {
        Writer broken = new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        FocusWriter w = FocusWriter.of(broken);
        assertThatThrownBy(() -> w.write(record("p", "a", "s", "r", "", ChargeCategory.USAGE, "1", "USD")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk full");

        FocusWriter closed = FocusWriter.of(new StringWriter());
        closed.close();
        assertThatThrownBy(() -> closed.write(record("p", "a", "s", "r", "", ChargeCategory.USAGE, "1", "USD")))
                .isInstanceOf(IllegalStateException.class);
    }
}
