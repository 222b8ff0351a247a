package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** {@link ParseBenchmark}: its contenders agree with a reference to the last digit; a short run on request. */
class ParseBenchmarkTest {

    @Test
    void everyParser_readsTheReferenceTotalToTheLastDigit() throws Exception {
        ParseBenchmark.Pages pages = new ParseBenchmark.Pages();
        pages.bytes = 500_000;
        pages.setUp();

        // the reference reads each cost's literal text with a pattern, no JSON parser involved
        Pattern cost = Pattern.compile("\"USAGE_COST\":(-?[0-9]+(?:\\.[0-9]+)?)");
        BigDecimal total = BigDecimal.ZERO;
        int costs = 0;
        for (byte[] page : pages.pages) {
            Matcher m = cost.matcher(new String(page, StandardCharsets.UTF_8));
            while (m.find()) {
                total = total.add(new BigDecimal(m.group(1)));
                costs++;
            }
        }
        assertThat(costs).isGreaterThan(1_000);
        assertThat(total.signum()).isNotZero();
        assertThat(ParseBenchmark.oursTotal(pages)).as("ours").isEqualByComparingTo(total);
        assertThat(ParseBenchmark.databindTotal(pages)).as("jackson databind").isEqualByComparingTo(total);
        assertThat(ParseBenchmark.tokenScanTotal(pages)).as("token scan").isEqualByComparingTo(total);
    }

    /**
     * The short run of docs/performance.md ({@code -Dbenchmark=parse}): prints the ratios with their targets to
     * {@code target/surefire-reports/dev.billing.hyperbilling.internal.ParseBenchmarkTest-output.txt}.
     */
    @Test
    @EnabledIfSystemProperty(named = "benchmark", matches = "parse")
    void shortRun() throws Exception {
        Map<String, Double> msPerOp = new HashMap<>();
        for (RunResult r : new Runner(new OptionsBuilder().include(ParseBenchmark.class.getName() + "\\.")
                .warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                .measurementTime(TimeValue.seconds(1)).forks(1).shouldFailOnError(true).build()).run()) {
            String name = r.getParams().getBenchmark();
            msPerOp.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        ratio("parsing 50 MB of HyperBilling pages, ours vs Jackson databind into POJOs", msPerOp.get("databind"),
                msPerOp.get("ours"), 1.2);
        ratio("parsing, ours vs a raw Jackson token scan (the ceiling; no target)", msPerOp.get("tokenScan"),
                msPerOp.get("ours"), 0);
        assertThat(msPerOp).containsKeys("ours", "databind", "tokenScan");
    }

    private static void ratio(String what, double base, double ours, double target) {
        double x = base / ours;
        System.out.printf(Locale.ROOT, "%s: %.2fx (%.2f vs %.2f ms/op)%s%n", what, x, ours, base,
                target == 0 ? "" : String.format(Locale.ROOT, " (target >= %.1fx: %s)", target, x >= target ? "met" : "MISSED"));
    }
}
