package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.Mutations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of what a user gives the CLI: the configuration file (with budgets), the rates file and FOCUS
 * files, each mutated by {@link Mutations}. Every run ends with a documented exit code (0, 2, 3, 4) and bounded
 * output, never a stack trace nor exit 1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuzzTest {
    private static final String BUDGETS = ",\n \"budgets\": [{\"name\": \"b\", \"scope\": {\"project\": \"p\"},"
            + " \"amount\": \"100\", \"currency\": \"USD\", \"period\": \"MONTHLY\","
            + " \"thresholds\": [{\"percent\": 80}, {\"percent\": 100, \"forecast\": true}]}]";
    private static final String RATES = "date,from,to,rate\n2026-01-01,USD,KRW,1350.2\n2026-01-15,USD,KRW,1402.75\n";

    @TempDir
    Path dir;
    Path focus;
    String config;

    @BeforeEach
    void files() throws Exception {
        focus = Files.createDirectory(dir.resolve("focus"));
        Files.writeString(focus.resolve("costs.csv"), ExtremeValuesTest.focusFile("3.25"));
        config = ExtremeValuesTest.config(focus, BUDGETS);
    }

    static LongStream seeds() {
        return LongStream.range(0, 16);
    }

    private static void assertBounded(Cli r) {
        assertThat(r.exitCode).as(r.toString().substring(0, Math.min(r.toString().length(), 3_000))).isIn(0, 2, 3, 4, 5);
        assertThat(r.err).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(r.err.lines()).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(1_100));
        assertThat(r.err.length()).isLessThan(20_000);
        assertThat(r.out.length()).isLessThan(200_000);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void configurationAndBudgets(long seed) throws Exception {
        Path file = Files.write(dir.resolve("billing.json"), Mutations.mutate(config.getBytes(StandardCharsets.UTF_8),
                seed));
        assertBounded(Cli.run(Map.of(), "budgets", "--config", file.toString(), "--month", "2026-01"));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rates(long seed) throws Exception {
        Path file = Files.writeString(dir.resolve("billing.json"), config);
        Path rates = Files.write(dir.resolve("rates.csv"), Mutations.mutate(RATES.getBytes(StandardCharsets.UTF_8), seed));
        assertBounded(Cli.run(Map.of(), "report", "--config", file.toString(), "--from", "2026-01", "--to", "2026-02",
                "--currency", "KRW", "--rates", rates.toString(), "--format", "json"));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void focusFiles(long seed) throws Exception {
        Path file = Files.writeString(dir.resolve("billing.json"), config);
        Files.write(focus.resolve("costs.csv"), Mutations.mutate(Files.readAllBytes(focus.resolve("costs.csv")), seed));
        assertBounded(Cli.run(Map.of(), "report", "--config", file.toString(), "--from", "2026-01", "--to", "2026-02",
                "--format", "json"));
    }
}
