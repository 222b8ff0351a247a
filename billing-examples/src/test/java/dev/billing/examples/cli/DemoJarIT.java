package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shaded jar, run as a user runs it: {@code java -jar billing-examples/target/billing.jar demo}. */
class DemoJarIT {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void javaJarDemo_endsWithBothDashboards() throws Exception {
        Path jar = Path.of(System.getProperty("billing.jar", "target/billing.jar"));
        assertThat(jar).as("the shaded jar built by the package phase").isRegularFile();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = Files.createTempFile("billing-demo", ".out");
        Path err = Files.createTempFile("billing-demo", ".err");
        Process p = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "demo"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS); // a guard against a hang, not a measurement
        if (!ended) {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(ended).as("demo ended; stderr: %s", stderr).isTrue();
        assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isZero();
        assertThat(stdout).contains("provider enabled: hyperbilling-aws", "provider enabled: gcp-billing-export",
                "=== Domain:", "=== Project project-data ===", "=== Project project-web ===", "KRW", "EUR", "USD", "JPY");
        assertThat(stderr).contains("fetched 7/7").contains("gcp-tokyo OK").contains("aws-org OK").contains("data-azure OK").doesNotContain("Exception").doesNotContain("SLF4J");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void javaJarDemoServe_printsTheDashboardUrlAndServesItUntilStopped() throws Exception {
        Path jar = Path.of(System.getProperty("billing.jar", "target/billing.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path err = Files.createTempFile("billing-demo-serve", ".err");
        Process p = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "demo", "--serve"))
                .redirectError(err.toFile()).start();
        try {
            Pattern url = Pattern.compile("dashboard on (http://127\\.0\\.0\\.1:\\d+/)");
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String base = null;
            String line;
            while (base == null && (line = out.readLine()) != null) { // blocks until the line is printed
                Matcher m = url.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
            }
            assertThat(base).as("printed the URL; stderr: %s", Files.readString(err, StandardCharsets.UTF_8)).isNotNull();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "projects/project-web"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
            assertThat(page.body()).contains("<h1>project-web</h1>", "web-prod", "web-staging");
            assertThat(p.isAlive()).as("runs until stopped").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
