package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code billing providers}, {@code report} and {@code sync} with aws-cost-explorer accounts, against the Cost Explorer simulator. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AwsCostExplorerCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "111111111111";
    private static final String MEMBER = "777777777777";
    private static final String[] ORG_LINKED = {"111111111111", "222222222222", "333333333333"};
    private static final YearMonth FIRST = YearMonth.now(ZoneOffset.UTC).minusMonths(2);
    private static final YearMonth LAST = YearMonth.now(ZoneOffset.UTC);

    @TempDir
    Path dir;
    private AwsCostExplorerSimulator sim;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path config;

    @BeforeEach
    void start() throws Exception {
        SplittableRandom random = new SplittableRandom(12);
        String[] types = {"Usage", "Usage", "Usage", "Credit", "Refund", "Tax", "Recurring reservation fee"};
        for (LocalDate d = FIRST.atDay(1); d.isBefore(LAST.atEndOfMonth().plusDays(1)); d = d.plusDays(1)) {
            for (String linked : ORG_LINKED) {
                String type = types[random.nextInt(types.length)];
                BigDecimal amount = BigDecimal.valueOf(random.nextLong(1, 50_000_000), random.nextInt(0, 9));
                rows.add(new Row(ORG, d, linked, "Amazon Elastic Compute Cloud - Compute", random.nextBoolean() ? "us-east-1" : "eu-west-1",
                        type, "USD", type.equals("Credit") || type.equals("Refund") ? amount.negate() : amount));
            }
            rows.add(new Row(MEMBER, d, MEMBER, "AWS Lambda", "ap-northeast-2", "Usage", "EUR",
                    BigDecimal.valueOf(random.nextLong(1, 9_000_000), 6)));
            rows.add(new Row(MEMBER, d, "888888888888", "AWS Lambda", "ap-northeast-2", "Usage", "EUR", new BigDecimal("1000")));
        }
        sim = simulator();
        env.put("AWS_SECRET_ORG", "org/secret/0000000000000000000000000000");
        env.put("AWS_SECRET_MEMBER", "member/secret/000000000000000000000000");
        env.put("AWS_SECRET_BAD", "member/secret/00000000000000000000000X");
        config = dir.resolve("billing.json");
        write(true);
    }

    private AwsCostExplorerSimulator simulator() {
        return AwsCostExplorerSimulator.builder().account(ORG, "AKIAORGPAYER00000001", "org/secret/0000000000000000000000000000")
                .account(MEMBER, "AKIAMEMBER0000000001", "member/secret/000000000000000000000000").rows(rows).pageSize(5).start();
    }

    @Test
    void anAmountOutsideTheBounds_failsOnlyItsAccount_theOthersExact() throws Exception {
        sim.close();
        rows.add(new Row(MEMBER, FIRST.atDay(2), MEMBER, "AWS Lambda", "ap-northeast-2", "Usage", "EUR",
                new BigDecimal("1E+25")));
        sim = simulator();
        write(false);

        Cli r = report();

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);
        assertThat(total(json.get("domain"), "USD")).isEqualByComparingTo(sum(x -> x.account().equals(ORG)));
        assertThat(json.get("serviceAccounts")).extracting(a -> a.get("name").asText() + "=" + a.get("status").asText())
                .containsExactly("aws-org=OK", "aws-member=FAILED");
        assertThat(json.get("serviceAccounts").get(1).get("error").asText()).contains("outside the supported range");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private void write(boolean withBad) throws Exception {
        String accounts = account("aws-org", "project-web", "AKIAORGPAYER00000001", "AWS_SECRET_ORG", null)
                + ",\n" + account("aws-member", "project-data", "AKIAMEMBER0000000001", "AWS_SECRET_MEMBER", MEMBER)
                + (withBad ? ",\n" + account("aws-bad", "project-data", "AKIAMEMBER0000000001", "AWS_SECRET_BAD", null) : "");
        Files.writeString(config, "{\n  \"providers\": {\"aws-cost-explorer\": {\"endpoint\": \"" + sim.endpoint()
                + "\", \"costMetric\": \"UnblendedCost\"}},\n  \"serviceAccounts\": [\n" + accounts + "\n  ]\n}\n");
    }

    private static String account(String name, String project, String keyId, String secretEnv, String linked) {
        return "    {\"name\": \"" + name + "\", \"provider\": \"aws-cost-explorer\", \"project\": \"" + project
                + "\", \"credentials\": {\"accessKeyId\": \"" + keyId + "\", \"secretAccessKey\": \"${env:" + secretEnv + "}\""
                + (linked == null ? "" : ", \"linkedAccount\": \"" + linked + "\"") + "}}";
    }

    private BigDecimal sum(Predicate<Row> p) {
        return rows.stream().filter(p).map(Row::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal total(JsonNode summary, String currency) {
        for (JsonNode t : summary.get("totals")) {
            if (t.get("currency").asText().equals(currency)) {
                return new BigDecimal(t.get("amount").asText());
            }
        }
        return BigDecimal.ZERO;
    }

    private Cli report(String... more) {
        List<String> args = new ArrayList<>(List.of("report", "--config", config.toString(), "--from", FIRST.toString(),
                "--to", LAST.plusMonths(1).toString(), "--format", "json"));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void providers_listsAwsCostExplorerWithItsCredentialsAndSettings() {
        Cli r = Cli.run(env, "providers");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("aws-cost-explorer", "AWS Cost Explorer", "accessKeyId", "secretAccessKey", "sessionToken",
                "roleArn", "externalId", "linkedAccount", "endpoint", "region", "stsEndpoint", "costMetric", "maxRequestsPerFetch");
    }

    @Test
    void report_withAwsAccounts_givesExactTotals_andAWrongSecretFailsOnlyItsAccount() throws Exception {
        Cli r = report("--group-by", "subAccount");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);

        assertThat(json.get("complete").asBoolean()).isFalse();
        assertThat(total(json.get("domain"), "USD")).isEqualByComparingTo(sum(x -> x.account().equals(ORG)));
        assertThat(total(json.get("domain"), "EUR")).isEqualByComparingTo(sum(x -> x.linkedAccount().equals(MEMBER)));
        assertThat(json.get("serviceAccounts")).extracting(a -> a.get("name").asText() + "=" + a.get("status").asText())
                .containsExactly("aws-org=OK", "aws-member=OK", "aws-bad=FAILED");
        assertThat(json.get("serviceAccounts").get(2).get("error").asText()).contains("aws-bad").contains("rejected");
        for (String linked : ORG_LINKED) {
            BigDecimal bySub = BigDecimal.ZERO;
            for (JsonNode row : json.get("rows")) {
                if (row.get("keys").get("subAccount").asText().equals(linked)) {
                    bySub = bySub.add(new BigDecimal(row.get("amount").asText()));
                }
            }
            assertThat(bySub).isEqualByComparingTo(sum(x -> x.linkedAccount().equals(linked) && x.account().equals(ORG)));
        }
        assertThat(r.out + r.err).doesNotContain("org/secret").doesNotContain("member/secret");
    }

    @Test
    void report_byChargeCategory_separatesCreditsRefundsTaxAndFees() throws Exception {
        write(false);
        Cli r = report("--group-by", "chargeCategory", "--project", "project-web");
        assertThat(r.exitCode).as(r.toString()).isZero();
        Map<String, BigDecimal> byCategory = new LinkedHashMap<>();
        for (JsonNode row : JSON.readTree(r.out).get("rows")) {
            byCategory.merge(row.get("keys").get("chargeCategory").asText(), new BigDecimal(row.get("amount").asText()), BigDecimal::add);
        }
        assertThat(byCategory.get("CREDIT")).isEqualByComparingTo(sum(x -> x.account().equals(ORG)
                && (x.recordType().equals("Credit") || x.recordType().equals("Refund"))));
        assertThat(byCategory.get("TAX")).isEqualByComparingTo(sum(x -> x.account().equals(ORG) && x.recordType().equals("Tax")));
        assertThat(byCategory.get("PURCHASE")).isEqualByComparingTo(sum(x -> x.account().equals(ORG)
                && x.recordType().equals("Recurring reservation fee")));
    }

    @Test
    void sync_thenReportFromStore_matchesTheLiveTotals() throws Exception {
        write(false);
        Path store = dir.resolve("store").resolve("costs");
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", store.toString(), "--months-back", "2");
        assertThat(synced.exitCode).as(synced.toString()).isZero();
        Cli live = report();
        Cli stored = report("--from-store", "--store", store.toString());
        assertThat(live.exitCode).as(live.toString()).isZero();
        assertThat(stored.exitCode).as(stored.toString()).isZero();
        JsonNode a = JSON.readTree(live.out);
        JsonNode b = JSON.readTree(stored.out);
        assertThat(b.get("domain")).isEqualTo(a.get("domain"));
        assertThat(b.get("projects")).isEqualTo(a.get("projects"));
        assertThat(synced.out + synced.err).doesNotContain("org/secret");
    }
}
