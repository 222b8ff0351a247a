package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Money;
import dev.billing.testkit.Fault;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSummarySimulator;
import dev.billing.testkit.SimulatorData;
import dev.billing.testkit.SummaryData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: one configuration mixing hyperbilling-aws and hyperbilling-mzc accounts, each provider
 * against its own simulator over loopback HTTP, with the real services' data faults switched on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MixedHyperBillingReportTest {
    private static final BillingPeriod Q1 = BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1));
    private static final SimulatorData AWS = SimulatorData.generator().seed(11).accounts(1).currencies("USD")
            .regions("APN2", "CPT", "ILC1").days(LocalDate.of(2025, 12, 25), 110).build();
    private static final KeyPair GCP_KEY = SummaryData.newKeyPair();
    private static final KeyPair ALI_KEY = SummaryData.newKeyPair();
    private static final SummaryData MZC = SummaryData.generate(3, List.of(
            new SummaryData.Account("gcp", "01A2B3-C4D5E6-F7A8B9", "gcp-reader@example.com", GCP_KEY.getPublic(),
                    Currency.getInstance("KRW")),
            new SummaryData.Account("alibaba", "5012345678901234", "ali-reader@example.com", ALI_KEY.getPublic(),
                    Currency.getInstance("USD"))), LocalDate.of(2025, 12, 20), 110);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HyperBillingSimulator aws;
    private HyperBillingSummarySimulator mzc;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        String awsAccount = AWS.accounts().get(0);
        aws = HyperBillingSimulator.builder().data(AWS).pageSize(50).fault(awsAccount, Fault.nullCosts()).start();
        mzc = HyperBillingSummarySimulator.builder().data(MZC)
                .fault("01A2B3-C4D5E6-F7A8B9", Fault.unaskedKinds())
                .fault("01A2B3-C4D5E6-F7A8B9", Fault.rowsOfAnotherMonth())
                .fault("5012345678901234", Fault.rowsOutsidePeriod()).start();
        env = Map.of("HB_KEY", AWS.userFor(awsAccount).orElseThrow().key(),
                "GCP_KEY", SummaryData.pkcs8Pem(GCP_KEY.getPrivate()),
                "ALI_KEY", SummaryData.pkcs8Pem(ALI_KEY.getPrivate()),
                "WRONG_KEY", SummaryData.pkcs8Pem(GCP_KEY.getPrivate()));
    }

    @AfterEach
    void stop() {
        aws.close();
        mzc.close();
    }

    private Path config(boolean withRejectedKey) throws Exception {
        String awsAccount = AWS.accounts().get(0);
        String text = "{\n  \"providers\": {\n"
                + "    \"hyperbilling-aws\": {\"endpoint\": \"" + aws.endpoint() + "\"},\n"
                + "    \"hyperbilling-mzc\": {\"endpoint\": \"" + mzc.endpoint() + "\", \"maxAttempts\": \"2\"}\n  },\n"
                + "  \"serviceAccounts\": [\n"
                + "    {\"name\": \"aws-prod\", \"provider\": \"hyperbilling-aws\", \"project\": \"project-web\","
                + " \"credentials\": {\"account\": \"" + awsAccount + "\", \"email\": \""
                + AWS.userFor(awsAccount).orElseThrow().email() + "\", \"key\": \"${env:HB_KEY}\"}},\n"
                + "    {\"name\": \"gcp-billing\", \"provider\": \"hyperbilling-mzc\", \"project\": \"project-web\","
                + " \"credentials\": {\"platform\": \"gcp\", \"accountId\": \"01A2B3-C4D5E6-F7A8B9\","
                + " \"clientEmail\": \"gcp-reader@example.com\", \"privateKey\": \"${env:GCP_KEY}\"}},\n"
                + "    {\"name\": \"ali-billing\", \"provider\": \"hyperbilling-mzc\", \"project\": \"project-shop\","
                + " \"credentials\": {\"platform\": \"alibaba\", \"accountId\": \"5012345678901234\","
                + " \"clientEmail\": \"ali-reader@example.com\", \"privateKey\": \"${env:ALI_KEY}\"}}"
                + (withRejectedKey ? ",\n    {\"name\": \"ali-stale\", \"provider\": \"hyperbilling-mzc\","
                + " \"project\": \"project-ops\", \"credentials\": {\"platform\": \"alibaba\","
                + " \"accountId\": \"5012345678901234\", \"clientEmail\": \"ali-reader@example.com\","
                + " \"privateKey\": \"${env:WRONG_KEY}\"}}" : "")
                + "\n  ]\n}\n";
        Path file = dir.resolve("billing.json");
        Files.writeString(file, text);
        return file;
    }

    private static Map<String, String> totals(JsonNode summary) {
        Map<String, String> m = new TreeMap<>();
        summary.get("totals").forEach(t -> m.put(t.get("currency").asText(), t.get("amount").asText()));
        return m;
    }

    private static String exact(BigDecimal... amounts) {
        BigDecimal sum = Arrays.stream(amounts).reduce(BigDecimal.ZERO, BigDecimal::add);
        return sum.signum() == 0 ? "0" : sum.stripTrailingZeros().toPlainString();
    }

    @Test
    void report_mixingBothProviders_isExactPerCurrencyAndProjectAndComplete() throws Exception {
        for (String granularity : List.of("DAILY", "MONTHLY")) {
            Cli r = Cli.run(env, "report", "--config", config(false).toString(), "--from", "2026-01", "--to", "2026-04",
                    "--granularity", granularity, "--format", "json");

            assertThat(r.exitCode).as(r.toString()).isZero();
            JsonNode report = JSON.readTree(r.out);
            assertThat(report.get("complete").asBoolean()).isTrue();
            Money aws = AWS.total(AWS.accounts().get(0), Q1);
            Money gcp = MZC.total("01A2B3-C4D5E6-F7A8B9", Q1);
            Money ali = MZC.total("5012345678901234", Q1);
            assertThat(totals(report.get("domain"))).as(granularity).containsExactly(
                    Map.entry("KRW", exact(gcp.amount())), Map.entry("USD", exact(aws.amount(), ali.amount())));
            JsonNode web = report.get("projects").get(1);
            assertThat(web.get("project").asText()).isEqualTo("project-web");
            assertThat(totals(web)).containsExactly(Map.entry("KRW", exact(gcp.amount())),
                    Map.entry("USD", exact(aws.amount())));
            assertThat(report.get("serviceAccounts")).extracting(a -> a.get("status").asText())
                    .containsExactly("OK", "OK", "OK");
            assertThat(report.get("serviceAccounts")).extracting(a -> a.get("provider").asText())
                    .containsExactly("hyperbilling-aws", "hyperbilling-mzc", "hyperbilling-mzc");
            assertNoSecret(r);
        }
    }

    @Test
    void report_withARejectedMzcKey_isIncompleteExit3AndNamesTheAccountOnly() throws Exception {
        Cli r = Cli.run(env, "report", "--config", config(true).toString(), "--from", "2026-01", "--to", "2026-04",
                "--format", "json");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode report = JSON.readTree(r.out);
        assertThat(report.get("complete").asBoolean()).isFalse();
        JsonNode stale = report.get("serviceAccounts").get(3);
        assertThat(stale.get("name").asText()).isEqualTo("ali-stale");
        assertThat(stale.get("status").asText()).isEqualTo("FAILED");
        assertThat(stale.get("error").asText()).contains("credentials rejected by hyperbilling-mzc (HTTP 401");
        assertThat(totals(report.get("domain"))).containsEntry("KRW",
                exact(MZC.total("01A2B3-C4D5E6-F7A8B9", Q1).amount()));
        assertNoSecret(r);
    }

    @Test
    void providers_listsBothWithTheirCredentialFieldsAndSettings() {
        Cli r = Cli.run(Map.of(), "providers");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("hyperbilling-aws  Hyper Billing",
                "hyperbilling-mzc  Hyper Billing (MZC): Google Cloud, Alibaba, Tencent, Akamai",
                "settings (providers.hyperbilling-mzc in billing.json):");
        String mzcPart = r.out.substring(r.out.indexOf("hyperbilling-mzc  "));
        for (String field : List.of("platform", "accountId", "clientEmail", "privateKey", "endpoint", "timeout",
                "maxAttempts")) {
            assertThat(mzcPart).contains("  " + field);
        }
        assertThat(mzcPart.lines().filter(l -> l.contains("privateKey")).findFirst()).hasValueSatisfying(l ->
                assertThat(l).contains("secret").contains("PKCS#8"));
        assertThat(mzcPart.lines().filter(l -> l.contains("platform")).findFirst()).hasValueSatisfying(l ->
                assertThat(l).contains("gcp, alibaba, tencent, akamai"));
    }

    @Test
    void providers_showEachProvidersCapabilities_inTheTableAndInJson() throws Exception {
        Cli table = Cli.run(Map.of(), "providers");

        String awsPart = table.out.substring(table.out.indexOf("hyperbilling-aws  "), table.out.indexOf("hyperbilling-mzc  "));
        assertThat(awsPart).contains("  capabilities: daily, monthly, verify, usage quantity; not: tags, effective cost,"
                + " list cost");

        Cli json = Cli.run(Map.of(), "providers", "--format", "json");

        assertThat(json.exitCode).as(json.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode providers = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.out).get("providers");
        com.fasterxml.jackson.databind.JsonNode aws = null;
        for (com.fasterxml.jackson.databind.JsonNode p : providers) {
            if (p.get("id").asText().equals("hyperbilling-aws")) {
                aws = p;
            }
        }
        assertThat(aws).isNotNull();
        assertThat(aws.get("displayName").asText()).startsWith("Hyper Billing");
        assertThat(aws.get("capabilities").toString()).isEqualTo("[\"DAILY\",\"MONTHLY\",\"VERIFY\",\"USAGE_QUANTITY\"]");
        assertThat(aws.get("credentials").findValuesAsText("name")).contains("account", "email", "key");
        assertThat(aws.get("settings").findValuesAsText("name")).contains("endpoint", "timeout");
    }

    private void assertNoSecret(Cli r) {
        for (String pem : List.of(env.get("GCP_KEY"), env.get("ALI_KEY"))) {
            pem.lines().filter(l -> !l.startsWith("-----")).forEach(line -> {
                assertThat(r.out).doesNotContain(line);
                assertThat(r.err).doesNotContain(line);
            });
        }
        assertThat(r.out + r.err).doesNotContain(env.get("HB_KEY")).doesNotContain("eyJ");
    }
}
