package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        assertThat(r.out + r.err).doesNotContain(DemoDomain.AWS_SECRET);
        DemoDomain.data().users().forEach(u -> assertThat(r.out + r.err).doesNotContain(u.key()));
        assertThat(r.out + r.err).doesNotContain("PRIVATE KEY").doesNotContain("ya29.");
        assertThat(r.out + r.err).doesNotContain("demo~");
    }

    @Test
    void simulate_servesUntilStopped_andItsConfigDrivesReport(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("sim.json");
        PipedWriter pipe = new PipedWriter();
        PipedReader lines = new PipedReader(pipe, 1 << 16);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread simulate = new Thread(() -> exit.set(BillingCli.run(new BillingCli.Console(new PrintWriter(pipe, true),
                new PrintWriter(new StringWriter(), true), Map.of(), false),
                "simulate", "--write-config", config.toString())));
        simulate.start();
        try {
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("wrote ")) {
                int c = lines.read();
                assertThat(c).as("simulate output so far: %s", seen).isNotNegative();
                seen.append((char) c);
            }
            assertThat(seen.toString()).contains("listening on http://127.0.0.1:");
            Cli report = Cli.run(Map.of(), "report", "--config", config.toString(), "--from", "2026-01",
                    "--to", "2026-07", "--format", "json");
            assertThat(report.exitCode).as(report.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(report.out);
            assertThat(json.get("domain").get("totals")).extracting(t -> t.get("currency").asText())
                    .containsExactly("EUR", "KRW", "USD");
            assertThat(report.err).contains("warning:");
        } finally {
            simulate.interrupt();
            simulate.join(10_000);
        }
        assertThat(simulate.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(Files.exists(config)).isTrue();
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
