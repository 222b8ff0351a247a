package dev.billing.examples.cli;

import dev.billing.core.InvalidRequestException;
import dev.billing.core.Metric;
import picocli.CommandLine.Option;

/** The {@code --metric billed|effective|list} option: which cost is summed. */
final class MetricOption {
    @Option(names = "--metric", paramLabel = "M", defaultValue = "billed",
            description = "The cost summed: billed (default; what is invoiced), effective (amortized, discounts"
                    + " applied) or list (public prices). An account whose provider does not give it fails.")
    private String name;

    /**
     * @return the metric asked for
     * @throws CliException (exit 2) when it is not one of billed, effective, list
     */
    Metric metric() {
        try {
            return Metric.parse(name);
        } catch (InvalidRequestException e) {
            throw CliException.usage("--metric: " + e.getMessage());
        }
    }
}
