package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.HyperBillingSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar carries the embedded store (H2, the JDBC drivers' service files, the store's
 * migrations): {@code java -jar billing.jar sync}, then {@code report --from-store}, as a user runs them.
 */
class StoreJarIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void javaJarSync_thenReportFromStore_givesTheLiveReport() throws Exception {
        try (HyperBillingSimulator sim = HyperBillingSimulator.builder().data(StoreCommandsTest.DATA).start()) {
            Path config = dir.resolve("billing.json");
            Files.writeString(config, ReportCommandTest.config(sim.endpoint(), StoreCommandsTest.DATA,
                    StoreCommandsTest.ACCOUNTS));
            String store = dir.resolve("costs").toString();
            String[] period = {"--config", config.toString(), "--from", StoreCommandsTest.FIRST.toString(), "--to",
                    StoreCommandsTest.NOW.plusMonths(1).toString(), "--format", "csv", "--group-by", "service"};

            String[] synced = run("sync", "--config", config.toString(), "--store", store, "--months-back", "2");
            assertThat(synced[0]).contains("Synced 3 service accounts", "complete");
            assertThat(Path.of(store + ".mv.db")).isRegularFile();
            String live = run(concat(List.of("report"), period))[0];
            String fromStore = run(concat(List.of("report", "--from-store", "--store", store), period))[0];
            assertThat(fromStore).isEqualTo(live).contains("period,project,currency,amount,service");
        }
    }

    private static String[] concat(List<String> head, String[] tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    /** @return stdout and stderr of {@code java -jar billing.jar args}, which must exit 0 */
    private String[] run(String... args) throws Exception {
        Path jar = Path.of(System.getProperty("billing.jar", "target/billing.jar"));
        assertThat(jar).as("the shaded jar built by the package phase").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "billing", ".out");
        Path err = Files.createTempFile(dir, "billing", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        for (int i = 0; i < StoreCommandsTest.ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, StoreCommandsTest.DATA.userFor(StoreCommandsTest.ACCOUNTS[i][1]).orElseThrow().key());
        }
        Process p = pb.start();
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(ended).as("%s ended; stderr: %s", args[0], stderr).isTrue();
        assertThat(p.exitValue()).as("exit code of %s; stderr: %s", List.of(args), stderr).isZero();
        assertThat(stderr).doesNotContain("Exception").doesNotContain("SLF4J");
        return new String[] {stdout, stderr};
    }
}
