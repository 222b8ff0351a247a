package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.examples.QuickStart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoAndSimulateTest {

    @Test
    void demo_registersTheAccountsAndDrawsDomainAndProjectDashboards() {
        Cli r = Cli.run(Map.of(), "demo");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("provider enabled: hyperbilling-aws", "provider enabled: aws-cost-explorer",
                "registered service account aws-org: AWS Cost Explorer", "provider enabled: gcp-billing-export",
                "registered service account web-prod", "registered service account data-seoul",
                "registered service account gcp-tokyo", "By month, JPY",
                "provider enabled: azure-cost-management", "registered service account data-azure",
                "=== Domain: 2026-01-01 to 2026-07-01", "=== Project project-data ===", "=== Project project-web ===",
                "By month, USD", "By month, KRW", "By month, EUR", "Top services", "trend: 2026-06 vs 2026-05",
                "=== Domain total in USD: ", "2026-04-01  KRW -> USD  0.000731", "2026-01-01  JPY -> USD  0.00671",
                "=== Budget web-monthly (project project-web), 2026-06 ===", "of 200000.00 USD", "crossed: 80%");
        assertThat(r.out.lines().filter(l -> l.matches("  2026-0[1-6]  #+ +.*"))).hasSizeGreaterThanOrEqualTo(6 * 3);
        assertThat(r.err).contains("fetched 7/7").doesNotContain("Exception");
        Matcher counter = Pattern.compile("fetched (\\d+)/(\\d+)").matcher(r.err);
        while (counter.find()) {
            assertThat(Integer.parseInt(counter.group(1))).as(counter.group()).isLessThanOrEqualTo(
                    Integer.parseInt(counter.group(2)));
        }
        assertThat(r.out + r.err).doesNotContain(DemoDomain.AWS_SECRET);
        DemoDomain.data().users().forEach(u -> assertThat(r.out + r.err).doesNotContain(u.key()));
        assertThat(r.out + r.err).doesNotContain("PRIVATE KEY").doesNotContain("ya29.");
        assertThat(r.out + r.err).doesNotContain("demo~");
    }

    @Test
    void simulate_servesUntilStopped_itsConfigReadsTheKeysFromTheEnvironment_andDrivesReport(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("sim.json");
        Map<String, String> env = new LinkedHashMap<>();
        try (BackgroundCommand simulate = new BackgroundCommand(Map.of(), "simulate", "--write-config",
                config.toString())) {
            simulate.awaitLine("listening on http://127\\.0\\.0\\.1:");
            simulate.awaitLine("^wrote .*sim\\.json; it reads the API keys from the environment:$");
            env.put("HB_KEY_WEB", simulate.awaitLine("^  export HB_KEY_WEB='([^']+)'$").group(1));
            env.put("HB_KEY_DATA", simulate.awaitLine("^  export HB_KEY_DATA='([^']+)'$").group(1));
            simulate.awaitLine("^then try: billing report --config ");
            assertThat(simulate.out().lines().filter(l -> l.contains("export "))).hasSize(2);
            String written = Files.readString(config);
            assertThat(written).contains("\"key\": \"${env:HB_KEY_WEB}\"", "\"key\": \"${env:HB_KEY_DATA}\"");
            env.values().forEach(key -> assertThat(written).doesNotContain(key));

            Cli report = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01",
                    "--to", "2026-07", "--format", "json");
            assertThat(report.exitCode).as(report.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(report.out);
            assertThat(json.get("domain").get("totals")).extracting(t -> t.get("currency").asText())
                    .containsExactly("EUR", "KRW", "USD");
            assertThat(report.err).as("no literal secret to warn about").doesNotContain("warning:");
        }
        assertThat(Files.exists(config)).isTrue();
    }

    /** The README's quick start, with its hard-coded accounts and e-mails, against 'billing simulate' as it is. */
    @Test
    void quickStart_runsAgainstSimulate_withTheExportedKeys() throws Exception {
        try (BackgroundCommand simulate = new BackgroundCommand(Map.of(), "simulate", "--write-config",
                Files.createTempFile("sim", ".json").toString())) {
            String endpoint = simulate.awaitLine("listening on (http://\\S+)").group(1);
            String web = simulate.awaitLine("export HB_KEY_WEB='([^']+)'").group(1);
            String data = simulate.awaitLine("export HB_KEY_DATA='([^']+)'").group(1);
            PrintStream original = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            boolean complete;
            try {
                System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
                complete = QuickStart.run(endpoint, web, data);
            } finally {
                System.setOut(original);
            }
            assertThat(complete).as(printed.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("project-web: [", "project-data: [")
                    .doesNotContain("FAILED");
        }
    }

    /** serve's default period is the six months ending with the current one: simulate has data for them. */
    @Test
    void serve_againstSimulate_showsCostsForItsDefaultPeriod(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("sim.json");
        Map<String, String> env = new LinkedHashMap<>();
        try (BackgroundCommand simulate = new BackgroundCommand(Map.of(), "simulate", "--write-config",
                config.toString())) {
            env.put("HB_KEY_WEB", simulate.awaitLine("export HB_KEY_WEB='([^']+)'").group(1));
            env.put("HB_KEY_DATA", simulate.awaitLine("export HB_KEY_DATA='([^']+)'").group(1));
            try (BackgroundCommand serve = new BackgroundCommand(env, "serve", "--config", config.toString(),
                    "--port", "0")) {
                String url = serve.awaitLine("dashboard on (http://127\\.0\\.0\\.1:\\d+/)").group(1);
                HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url + "api/report")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
                JsonNode json = new ObjectMapper().readTree(api.body());
                YearMonth now = YearMonth.now(ZoneOffset.UTC);
                assertThat(json.get("period").get("end").asText()).isEqualTo(now.plusMonths(1).atDay(1).toString());
                assertThat(json.get("complete").asBoolean()).as(api.body()).isTrue();
                assertThat(json.get("domain").get("series")).extracting(p -> p.get("period").asText())
                        .as("a cost in each of the six months").containsAll(List.of(now.minusMonths(5).toString(),
                                now.minusMonths(1).toString(), now.toString()));
            }
        }
    }

    @Test
    void simulate_badDataFile_isAUsageError(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data.json");
        Files.writeString(data, "{\"accounts\": [");
        Cli r = Cli.run(Map.of(), "simulate", "--data", data.toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).contains("--data", "data.json", "line 1").doesNotContain("Exception");
    }
}
