package dev.billing.aws.internal;

import dev.billing.aws.AwsCostExplorerProvider;
import dev.billing.aws.CostMetric;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.provider.support.SettingValues;
import dev.billing.provider.support.SettingsProviderFactory;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Creates the {@code aws-cost-explorer} provider from provider settings; registered for
 * {@link java.util.ServiceLoader} ({@code provides} in the module descriptor and {@code META-INF/services}), so the
 * jar on the class path or the module path enables the provider. Not API: hosts configure the provider with
 * {@link AwsCostExplorerProvider#builder()} or by settings through {@code BillingProviders}.
 *
 * <p>Settings: {@code endpoint} (override of the Cost Explorer URL; default the SDK's for the region,
 * {@code https://ce.us-east-1.amazonaws.com}), {@code region} (default {@code us-east-1}),
 * {@code stsEndpoint} (override of the STS URL, for {@code roleArn}), {@code costMetric}
 * ({@code UnblendedCost} default, {@code AmortizedCost}, {@code NetUnblendedCost},
 * {@code NetAmortizedCost}, {@code BlendedCost}: the metric read as billed cost), {@code maxRequestsPerFetch} (default
 * {@value AwsCostExplorerProvider#DEFAULT_MAX_REQUESTS_PER_FETCH}) and {@code tagKeys} (comma-separated cost
 * allocation tag keys read as tags).
 */
public final class AwsCostExplorerProviderFactory extends SettingsProviderFactory {
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
            SettingValues.count("maxRequestsPerFetch", "the most GetCostAndUsage requests (USD 0.01 each) one fetch"
                    + " may send, retries included", Integer.toString(AwsCostExplorerProvider.DEFAULT_MAX_REQUESTS_PER_FETCH)),
            ProviderSetting.optional("tagKeys", "comma-separated cost allocation tag keys read as tags; each costs requests"
                    + " (USD 0.01 each), see the provider's documentation; none by default", null)
                    .satisfying(v -> Settings.validTagKeys(SettingValues.names(v)), "be distinct tag keys of at most "
                            + Settings.MAX_TAG_KEY + " characters, separated by commas"));

    /** Used by {@link java.util.ServiceLoader}. */
    public AwsCostExplorerProviderFactory() {
        super(AwsCostExplorerProvider.ID, SETTINGS);
    }

    @Override
    protected BillingProvider create(SettingValues values) {
        AwsCostExplorerProvider.Builder b = AwsCostExplorerProvider.builder();
        values.endpoint("endpoint", Settings.ENDPOINT_EXAMPLE).ifPresent(b::endpoint);
        values.endpoint("stsEndpoint", Settings.STS_ENDPOINT_EXAMPLE).ifPresent(b::stsEndpoint);
        values.text("region").ifPresent(b::region);
        values.get("costMetric", v -> CostMetric.fromWireName(v).orElseThrow()).ifPresent(b::costMetric);
        values.get("maxRequestsPerFetch", Integer::parseInt).ifPresent(b::maxRequestsPerFetch);
        values.get("tagKeys", SettingValues::names).ifPresent(b::tagKeys);
        return b.build();
    }
}
