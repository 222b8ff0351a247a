package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.AzureCostManagementSimulator;
import dev.billing.testkit.AzureCostManagementSimulator.Row;
import dev.billing.testkit.Fault;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** End to end: providers, verify, report and sync with azure-cost-management accounts against the Azure simulator. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AzureCliTest {
    static final String TENANT = "fabrikam.onmicrosoft.com";
    static final String CLIENT = "c0ffee00-0000-4000-8000-000000000001";
    static final String SECRET = "cli~azure~SeCrEt";
    static final String SUB_EUR = "e0e0e0e0-0000-4000-8000-000000000001";
    static final String SUB_USD = "d0d0d0d0-0000-4000-8000-000000000002";
    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
    static final YearMonth FIRST = NOW.minusMonths(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private AzureCostManagementSimulator sim;
    private final List<Row> rows = new ArrayList<>();
    private Path config;

    @BeforeEach
    void start() throws Exception {
        SplittableRandom random = new SplittableRandom(13);
        for (LocalDate d = FIRST.atDay(1).minusDays(3); d.isBefore(NOW.plusMonths(1).atDay(1)); d = d.plusDays(1)) {
            for (String sub : List.of(SUB_EUR, SUB_USD)) {
                for (String rg : List.of("rg-app", "rg-db")) {
                    rows.add(Row.of(sub, d, random.nextBoolean() ? "Storage" : "Virtual Machines", "westeurope",
                            sub.equals(SUB_EUR) ? "EUR" : "USD", BigDecimal.valueOf(random.nextLong(-1_000, 3_000_000), 6))
                            .inResourceGroup(rg));
                }
            }
        }
        sim = simulator();
        config = dir.resolve("billing.json");
        Files.writeString(config, "{\n  \"providers\": {\"azure-cost-management\": {\"endpoint\": \"" + sim.endpoint()
                + "\", \"authority\": \"" + sim.endpoint() + "\", \"costType\": \"ActualCost\"}},\n  \"serviceAccounts\": [\n"
                + account("eur-sub", "project-web", "/subscriptions/" + SUB_EUR, "${env:AZ_SECRET}") + ",\n"
                + account("usd-rg", "project-data", "/subscriptions/" + SUB_USD + "/resourceGroups/rg-db", "${env:AZ_SECRET}")
                + "\n  ]\n}\n");
    }

    private AzureCostManagementSimulator simulator() {
        return AzureCostManagementSimulator.builder().principal(TENANT, CLIENT, SECRET).rows(rows).pageSize(25)
                .start();
    }

    @Test
    void aCostOutsideTheBounds_failsOnlyItsAccount_theOthersExact() throws Exception {
        sim.close();
        rows.add(Row.of(SUB_EUR, FIRST.atDay(2), "Storage", "westeurope", "EUR", new BigDecimal("1E+25"))
                .inResourceGroup("rg-app"));
        sim = simulator();
        Files.writeString(config, Files.readString(config).replaceAll("127\\.0\\.0\\.1:\\d+",
                "127.0.0.1:" + java.net.URI.create(String.valueOf(sim.endpoint())).getPort()));

        Cli r = report(Map.of("AZ_SECRET", SECRET));

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("serviceAccounts").get(0).get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("serviceAccounts").get(0).get("error").asText()).contains("outside the supported range");
        assertThat(json.get("serviceAccounts").get(1).get("status").asText()).isEqualTo("OK");
        assertThat(new BigDecimal(json.get("domain").get("totals").get(0).get("amount").asText()).stripTrailingZeros()
                .toPlainString()).isEqualTo(reference(x -> x.subscriptionId().equals(SUB_USD)
                && "rg-db".equals(x.resourceGroup())));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String account(String name, String project, String scope, String secret) {
        return "    {\"name\": \"" + name + "\", \"provider\": \"azure-cost-management\", \"project\": \"" + project
                + "\", \"credentials\": {\"tenantId\": \"" + TENANT + "\", \"clientId\": \"" + CLIENT
                + "\", \"clientSecret\": \"" + secret + "\", \"scope\": \"" + scope + "\"}}";
    }

    private String reference(Predicate<Row> filter) {
        return rows.stream().filter(r -> !r.date().isBefore(FIRST.atDay(1)) && r.date().isBefore(NOW.plusMonths(1).atDay(1)))
                .filter(filter).map(Row::cost).reduce(BigDecimal.ZERO, BigDecimal::add).stripTrailingZeros().toPlainString();
    }

    private Cli report(Map<String, String> env) {
        return Cli.run(env, "report", "--config", config.toString(), "--from", FIRST.toString(), "--to",
                NOW.plusMonths(1).toString(), "--format", "json");
    }

    @Test
    void providers_listsAzureWithItsCredentialFields() {
        Cli r = Cli.run(Map.of(), "providers");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("azure-cost-management  Azure Cost Management", "tenantId", "clientId", "clientSecret",
                "managedIdentity", "scope", "imdsEndpoint");
        // the two credential shapes (app registration, managed identity) make each of their fields optional
        assertThat(r.out.lines().filter(l -> l.trim().startsWith("clientSecret ")
                && l.contains("Client secret of the app registration"))).singleElement().asString().contains("optional, secret");
    }

    @Test
    void report_isExactPerCurrency_withThrottlingAbsorbed() throws Exception {
        sim.fault("/subscriptions/" + SUB_EUR, Fault.throttle(2));

        Cli r = report(Map.of("AZ_SECRET", SECRET));

        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("complete").asBoolean()).isTrue();
        Map<String, String> totals = new TreeMap<>();
        json.get("domain").get("totals").forEach(t -> totals.put(t.get("currency").asText(),
                new BigDecimal(t.get("amount").asText()).stripTrailingZeros().toPlainString()));
        assertThat(totals).isEqualTo(Map.of("EUR", reference(x -> x.subscriptionId().equals(SUB_EUR)),
                "USD", reference(x -> x.subscriptionId().equals(SUB_USD) && x.resourceGroup().equals("rg-db"))));
        assertThat(json.get("serviceAccounts")).extracting(a -> a.get("status").asText()).containsExactly("OK", "OK");
        assertThat(r.out + r.err).doesNotContain(SECRET);
    }

    @Test
    void report_wrongSecret_isIncompleteWithExit3_andNamesTheAccountNotTheSecret() throws Exception {
        Cli r = report(Map.of("AZ_SECRET", "wrong~" + SECRET));

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.get("complete").asBoolean()).isFalse();
        JsonNode first = json.get("serviceAccounts").get(0);
        assertThat(first.get("status").asText()).isEqualTo("FAILED");
        assertThat(first.get("error").asText()).contains("eur-sub", "AADSTS7000215");
        assertThat(r.out + r.err).doesNotContain(SECRET);
        assertThat(sim.tokenRequests(CLIENT)).as("one refused token request per account, none retried").isEqualTo(2);
    }

    @Test
    void verifyAndSync_workWithAzureAccounts() {
        Cli v = Cli.run(Map.of("AZ_SECRET", SECRET), "verify", "--config", config.toString());
        assertThat(v.exitCode).as(v.toString()).isZero();
        assertThat(v.out).contains("eur-sub", "usd-rg");

        Cli s = Cli.run(Map.of("AZ_SECRET", SECRET), "sync", "--config", config.toString(), "--store",
                dir.resolve("store").resolve("costs").toString(), "--months-back", "2");
        assertThat(s.exitCode).as(s.toString()).isZero();
        assertThat(s.out).contains("Synced 2 service accounts");
    }
}
