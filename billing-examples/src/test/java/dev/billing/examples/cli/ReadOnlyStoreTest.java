package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code report --from-store} reads a store file it cannot write, and never changes a byte of it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadOnlyStoreTest {
    @TempDir
    Path dir;

    @Test
    void reportFromStore_onAReadOnlyFile_answersAndLeavesItUnchanged() throws Exception {
        Path focus = Files.createDirectory(dir.resolve("focus"));
        Files.writeString(focus.resolve("costs.csv"), ExtremeValuesTest.focusFile("7.5"));
        Path config = Files.writeString(dir.resolve("billing.json"), ExtremeValuesTest.config(focus, ""));
        String store = dir.resolve("costs").toString();
        long monthsBack = ChronoUnit.MONTHS.between(YearMonth.of(2026, 1), YearMonth.now(ZoneOffset.UTC));
        Cli sync = Cli.run(Map.of(), "sync", "--config", config.toString(), "--store", store, "--months-back",
                Long.toString(Math.max(monthsBack, 0)));
        assertThat(sync.exitCode).as(sync.toString()).isZero();
        Path file = dir.resolve("costs.mv.db");
        byte[] before = Files.readAllBytes(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        Cli r = Cli.run(Map.of(), "report", "--config", config.toString(), "--from-store", "--store", store,
                "--from", "2026-01", "--to", "2026-02", "--format", "json");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("\"amount\": \"20\""); // 12.5 + 7.5
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
