package dev.billing.core;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The providers this project publishes, and the artifact that brings each. */
final class KnownProviders {
    private static final Map<String, String> ARTIFACTS = Map.of(
            "hyperbilling-aws", "dev.billing:billing-hyperbilling",
            "hyperbilling-mzc", "dev.billing:billing-hyperbilling",
            "aws-cost-explorer", "dev.billing:billing-aws",
            "azure-cost-management", "dev.billing:billing-azure",
            "gcp-billing-export", "dev.billing:billing-gcp",
            "focus-files", "dev.billing:billing-focus");

    private KnownProviders() {
    }

    static Optional<String> artifactFor(String providerId) {
        return providerId == null ? Optional.empty() : Optional.ofNullable(ARTIFACTS.get(providerId));
    }

    static String describe() {
        return ARTIFACTS.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }
}
