package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A number outside the bounds (dev.billing.core.support.Bounds) fails only its account (exit 3, the others exact) or
 * its configuration line (exit 2), with one short line: FOCUS files, the rates file and budgets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExtremeValuesTest {
    static final String HUGE = "9".repeat(900_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path config;

    /** A FOCUS file of two billing accounts: "good" costs 12.5 USD, "bad" costs {@code cost}. */
    static String focusFile(String cost) {
        return ExportCommandTest.HEADER + "\n" + row("good", "12.5") + row("bad", cost);
    }

    /** A row of the export's header, its columns after the service name empty, however many the header has. */
    static String row(String account, String cost) {
        String fields = cost + "," + account + ",," + "USD,2026-02-01T00:00:00Z,2026-01-01T00:00:00Z,Usage,,,"
                + "2026-01-06T00:00:00Z,2026-01-05T00:00:00Z,1,1,Vendor,1,,,Vendor,Vendor,Compute,VM";
        int columns = ExportCommandTest.HEADER.split(",", -1).length;
        return fields + ",".repeat(columns - fields.split(",", -1).length) + "\n";
    }

    static String config(Path focusDir, String budgets) {
        return "{\"providers\": {\"focus-files\": {\"directory\": \"" + focusDir.toString().replace("\\", "\\\\")
                + "\"}},\n \"serviceAccounts\": [\n"
                + "  {\"name\": \"good\", \"provider\": \"focus-files\", \"project\": \"p\","
                + " \"credentials\": {\"billingAccountId\": \"good\"}},\n"
                + "  {\"name\": \"bad\", \"provider\": \"focus-files\", \"project\": \"p\","
                + " \"credentials\": {\"billingAccountId\": \"bad\"}}]" + budgets + "}\n";
    }

    @BeforeEach
    void files() throws Exception {
        Path focus = Files.createDirectory(dir.resolve("focus"));
        Files.writeString(focus.resolve("costs.csv"), focusFile("1"));
        config = Files.writeString(dir.resolve("billing.json"), config(focus, ""));
    }

    static void assertOneShortLine(Cli r, int exit) {
        assertThat(r.exitCode).as(r.toString()).isEqualTo(exit);
        assertThat(r.err.length()).as(r.toString()).isLessThan(600);
        assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E+999999999", "1E-999999999", "-1E+21", "1E-39", "1e2147483647"})
    void focusCostOutsideTheBounds_failsOnlyItsAccount(String cost) throws Exception {
        Files.writeString(dir.resolve("focus/costs.csv"), focusFile(cost));
        Cli r = Cli.run(Map.of(), "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02",
                "--format", "json");
        assertOneShortLine(r, 3);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.at("/domain/totals/0/amount").asText()).isEqualTo("12.5");
        assertThat(json.at("/serviceAccounts/1/status").asText()).isEqualTo("FAILED");
        assertThat(json.at("/serviceAccounts/1/error").asText()).contains("BilledCost", "outside the supported range");
        assertThat(json.at("/serviceAccounts/0/status").asText()).isEqualTo("OK");
    }

    @Test
    void focusCostOfNineHundredThousandDigits_failsOnlyItsAccount_withoutEchoingIt() throws Exception {
        Files.writeString(dir.resolve("focus/costs.csv"), focusFile(HUGE));
        Cli r = Cli.run(Map.of(), "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02",
                "--format", "json");
        assertOneShortLine(r, 3);
        assertThat(r.out.length()).isLessThan(2_000);
        JsonNode json = JSON.readTree(r.out);
        assertThat(json.at("/domain/totals/0/amount").asText()).isEqualTo("12.5");
        assertThat(json.at("/serviceAccounts/1/error").asText()).contains("longer than the 200 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E+999999999", "1E-999999999", "HUGE"})
    void rateOutsideTheBounds_isAConfigurationErrorOfItsLine(String value) throws Exception {
        String rate = value.replace("HUGE", HUGE);
        Path rates = Files.writeString(dir.resolve("rates.csv"), "date,from,to,rate\n2026-01-01,USD,KRW," + rate + "\n");
        Cli r = Cli.run(Map.of(), "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02",
                "--currency", "KRW", "--rates", rates.toString());
        assertOneShortLine(r, 2);
        assertThat(r.err.lines()).singleElement().asString().contains("rates.csv", "line 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"amount\": \"1E+999999999\", \"thresholds\": [{\"percent\": 80}]",
            "\"amount\": \"100\", \"thresholds\": [{\"percent\": 1E+999999999}]",
            "\"amount\": \"100\", \"thresholds\": [{\"percent\": \"1E-999999999\"}]",
            "\"amount\": NINES, \"thresholds\": [{\"percent\": 80}]",
            "\"amount\": \"HUGE\", \"thresholds\": [{\"percent\": 80}]"})
    void budgetOutsideTheBounds_isAConfigurationErrorOfItsLine(String value) throws Exception {
        String fields = value.replace("HUGE", HUGE).replace("NINES", "9".repeat(999));
        Files.writeString(config, config(dir.resolve("focus"), ",\n \"budgets\": [{\"name\": \"b\", \"scope\": \"domain\","
                + " \"currency\": \"USD\", \"period\": \"MONTHLY\", " + fields + "}]"));
        Cli r = Cli.run(Map.of(), "budgets", "--config", config.toString(), "--month", "2026-01");
        assertOneShortLine(r, 2);
        assertThat(r.err.lines()).singleElement().asString().contains("budgets[0]");
    }
}
