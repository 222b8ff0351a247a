package dev.billing.aws;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.core.spi.Endpoints;
import dev.billing.core.spi.ProviderSetting;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates the {@code aws-cost-explorer} provider from provider settings; registered for
 * {@link java.util.ServiceLoader}, so the jar on the classpath enables the provider.
 *
 * <p>Settings: {@code endpoint} (override of the Cost Explorer URL; default the SDK's for the region,
 * {@code https://ce.us-east-1.amazonaws.com}), {@code region} (default {@code us-east-1}),
 * {@code stsEndpoint} (override of the STS URL, for {@code roleArn}), {@code costMetric}
 * ({@code UnblendedCost} default, {@code AmortizedCost}, {@code NetUnblendedCost},
 * {@code NetAmortizedCost}, {@code BlendedCost}) and {@code maxRequestsPerFetch} (default
 * {@value AwsCostExplorerProvider#DEFAULT_MAX_REQUESTS_PER_FETCH}).
 */
public final class AwsCostExplorerProviderFactory implements BillingProviderFactory {
    private static final List<String> NAMES = List.of("endpoint", "region", "stsEndpoint", "costMetric", "maxRequestsPerFetch");
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.optional("endpoint", "override of the Cost Explorer URL, https:// (http:// only for a loopback"
                    + " host); default the AWS SDK's endpoint for the region", "https://ce.us-east-1.amazonaws.com"),
            ProviderSetting.optional("region", "the AWS region requests are signed for", "us-east-1")
                    .matching("\\s*[a-z]{2}(-[a-z]+)+-\\d{1,2}\\s*", "be an AWS region code such as us-east-1"),
            ProviderSetting.optional("stsEndpoint", "override of the STS URL used to assume roleArn; default the AWS SDK's"
                    + " STS endpoint for the region", "https://sts.us-east-1.amazonaws.com"),
            ProviderSetting.optional("costMetric", "the Cost Explorer metric read", CostMetric.UNBLENDED_COST.wireName())
                    .satisfying(v -> CostMetric.fromWireName(v).isPresent(), "be one of " + Arrays.stream(CostMetric.values())
                            .map(CostMetric::wireName).collect(Collectors.joining(", "))),
            ProviderSetting.optional("maxRequestsPerFetch", "the most GetCostAndUsage requests (USD 0.01 each) one fetch"
                    + " may send, retries included", Integer.toString(AwsCostExplorerProvider.DEFAULT_MAX_REQUESTS_PER_FETCH))
                    .matching("\\s*[1-9]\\d{0,8}\\s*", "be a whole number of at least 1"));

    /** Used by {@link java.util.ServiceLoader}. */
    public AwsCostExplorerProviderFactory() {
    }

    @Override
    public String id() {
        return AwsCostExplorerProvider.ID;
    }

    /** @return {@code endpoint}, {@code region}, {@code stsEndpoint}, {@code costMetric}, {@code maxRequestsPerFetch} */
    @Override
    public List<ProviderSetting> settings() {
        return SETTINGS;
    }

    /**
     * @throws ProviderConfigurationException naming the setting and what to fix when one is unknown or malformed
     */
    @Override
    public BillingProvider create(Map<String, String> settings) {
        AwsCostExplorerProvider.Builder b = AwsCostExplorerProvider.builder();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String value = e.getValue() == null ? "" : e.getValue().trim();
            switch (e.getKey()) {
                case "endpoint" -> b.endpoint(Endpoints.parse(AwsCostExplorerProvider.ID, "endpoint", value,
                        AwsCostExplorerProvider.ENDPOINT_EXAMPLE));
                case "stsEndpoint" -> b.stsEndpoint(Endpoints.parse(AwsCostExplorerProvider.ID, "stsEndpoint", value,
                        AwsCostExplorerProvider.STS_ENDPOINT_EXAMPLE));
                case "region" -> {
                    if (!AwsCostExplorerProvider.REGION.matcher(value).matches()) {
                        throw invalid("region", value, "be an AWS region code such as us-east-1");
                    }
                    b.region(value);
                }
                case "costMetric" -> b.costMetric(CostMetric.fromWireName(value).orElseThrow(() -> invalid("costMetric", value,
                        "be one of " + Arrays.stream(CostMetric.values()).map(CostMetric::wireName).collect(Collectors.joining(", ")))));
                case "maxRequestsPerFetch" -> b.maxRequestsPerFetch(positiveInt(value));
                default -> throw new ProviderConfigurationException("unknown provider setting '" + e.getKey() + "' for "
                        + AwsCostExplorerProvider.ID + "; known settings: " + String.join(", ", NAMES));
            }
        }
        return b.build();
    }

    private static int positiveInt(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("maxRequestsPerFetch", value, "be a whole number of at least 1");
    }

    private static ProviderConfigurationException invalid(String setting, String value, String rule) {
        return new ProviderConfigurationException("provider setting '" + setting + "' of " + AwsCostExplorerProvider.ID
                + " must " + rule + ", got '" + value + "'");
    }
}
