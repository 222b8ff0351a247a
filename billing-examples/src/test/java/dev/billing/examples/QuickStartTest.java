package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QuickStartTest {
    private static final String WEB_KEY = "web-key-0f9e8d";
    private static final String DATA_KEY = "data-key-7c6b5a";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void quickStart_againstTheSimulator_printsExactDomainAndProjectTotals() {
        SimulatorData generated = SimulatorData.generator().seed(77).accounts(2).currencies("USD", "EUR").build();
        SimulatorData data = SimulatorData.of(Map.of("111111111111", "USD", "222222222222", "EUR"), List.of(
                new SimulatorData.ApiUser("ops@example.com", WEB_KEY, java.util.Set.of("111111111111")),
                new SimulatorData.ApiUser("data@example.com", DATA_KEY, java.util.Set.of("222222222222"))),
                generated.rows());
        BillingPeriod q1 = BillingPeriod.months(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HyperBillingSimulator sim = HyperBillingSimulator.start(data)) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            QuickStart.run(sim.endpoint(), WEB_KEY, DATA_KEY);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).containsExactly(
                "domain total: " + data.totals(data.accounts(), q1),
                "project-data: " + List.of(data.total("222222222222", q1)),
                "project-web: " + List.of(data.total("111111111111", q1)));
        assertThat(out).doesNotContain(WEB_KEY).doesNotContain(DATA_KEY);
    }

    @Test
    void readme_quickStartBlock_isTheSampleWordForWord() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher section = Pattern.compile("(?ms)^## Quick start\\s*$(.*?)(?=^## |\\z)").matcher(readme);
        assertThat(section.find()).as("README.md has a '## Quick start' section").isTrue();
        Matcher block = Pattern.compile("(?ms)^```java\\n(.*?)^```").matcher(section.group(1));
        assertThat(block.find()).as("the Quick start section has a ```java block").isTrue();
        String sample = Files.readString(Path.of("src/main/java/dev/billing/examples/QuickStart.java"));
        Matcher region = Pattern.compile("(?s)// README-BEGIN\\n(.*?)\\n\\s*// README-END").matcher(sample);
        assertThat(region.find()).isTrue();
        assertThat(normalize(block.group(1))).isEqualTo(normalize(region.group(1)));
    }

    /** Removes the common indentation and trailing blanks. */
    private static String normalize(String code) {
        List<String> lines = code.stripTrailing().lines().map(String::stripTrailing).toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
    }
}
