package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        BillingPeriod q1 = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HyperBillingSimulator sim = HyperBillingSimulator.start(data)) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThat(QuickStart.run(sim.endpoint(), WEB_KEY, DATA_KEY)).as("complete").isTrue();
            assertThat(QuickStart.run(sim.endpoint(), "wrong-key", DATA_KEY)).as("one account rejected").isFalse();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out.lines().limit(3)).containsExactly(
                "domain total: " + data.totals(data.accounts(), q1),
                "project-data: " + List.of(data.total("222222222222", q1)),
                "project-web: " + List.of(data.total("111111111111", q1)));
        assertThat(out).contains("web-prod FAILED: credentials rejected").doesNotContain(WEB_KEY)
                .doesNotContain(DATA_KEY).doesNotContain("wrong-key");
    }
}
