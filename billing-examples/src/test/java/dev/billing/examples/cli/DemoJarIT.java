package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shaded jar, run as a user runs it: {@code java -jar billing-examples/target/billing.jar demo}. */
class DemoJarIT {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void javaJarDemo_finishesUnder20SecondsWithBothDashboards() throws Exception {
        Path jar = Path.of(System.getProperty("billing.jar", "target/billing.jar"));
        assertThat(jar).as("the shaded jar built by the package phase").isRegularFile();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = Files.createTempFile("billing-demo", ".out");
        Path err = Files.createTempFile("billing-demo", ".err");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "demo"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!ended) {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(ended).as("demo ended; stderr: %s", stderr).isTrue();
        assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(stdout).contains("provider enabled: hyperbilling-aws", "provider enabled: gcp-billing-export",
                "=== Domain:", "=== Project project-data ===", "=== Project project-web ===", "KRW", "EUR", "USD", "JPY");
        assertThat(stderr).contains("fetched 7/7").contains("gcp-tokyo OK").contains("aws-org OK").contains("data-azure OK").doesNotContain("Exception").doesNotContain("SLF4J");
    }
}
