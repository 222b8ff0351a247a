package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import picocli.CommandLine.Option;

/** The {@code --no-allocation} option: raw costs, each line item in its service account's project. */
final class AllocationOption {
    @Option(names = "--no-allocation", description = "Report raw costs: ignore the configuration's \"allocation\""
            + " (each line item stays in its service account's project).")
    private boolean raw;

    /**
     * @param config the configuration read
     * @return it, or it without its allocation when --no-allocation is given
     */
    BillingConfig apply(BillingConfig config) {
        return raw ? config.withoutAllocation() : config;
    }
}
