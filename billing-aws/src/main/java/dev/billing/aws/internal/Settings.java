package dev.billing.aws.internal;

import dev.billing.aws.CostMetric;
import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.util.List;

/**
 * The provider's configuration, as the fetcher needs it.
 *
 * @param endpoint the Cost Explorer URL, or {@code null} for the SDK's default for the region
 * @param region the signing (and endpoint) region
 * @param stsEndpoint the STS URL, or {@code null} for the SDK's default
 * @param costMetric the metric read
 * @param maxRequestsPerFetch the cap on Cost Explorer requests per fetch
 * @param tagKeys the cost allocation tag keys read as tags, in order; empty for none
 * @param http timeouts, how throttled and transient failures are retried, the clock verify's period is taken from
 */
public record Settings(URI endpoint, String region, URI stsEndpoint, CostMetric costMetric, int maxRequestsPerFetch,
        List<String> tagKeys, HttpSettings http) {

    /** A valid {@code endpoint}, shown when a value is not a URL. */
    public static final String ENDPOINT_EXAMPLE = "https://ce.us-east-1.amazonaws.com";
    /** A valid {@code stsEndpoint}, shown when a value is not a URL. */
    public static final String STS_ENDPOINT_EXAMPLE = "https://sts.us-east-1.amazonaws.com";
    /** The longest cost allocation tag key AWS accepts. */
    public static final int MAX_TAG_KEY = 128;

    /**
     * @param keys tag keys
     * @return whether they are distinct, non-blank and at most {@value #MAX_TAG_KEY} characters each
     */
    public static boolean validTagKeys(List<String> keys) {
        return keys.stream().allMatch(k -> k != null && !k.isBlank() && k.length() <= MAX_TAG_KEY)
                && keys.stream().distinct().count() == keys.size();
    }

    /** Copies the tag keys. */
    public Settings {
        tagKeys = List.copyOf(tagKeys);
    }

    /**
     * @return the metric read as effective cost: {@code NetAmortizedCost} when the billed metric is a net one (so both
     *     figures are after the same discounts), {@code AmortizedCost} otherwise
     */
    public CostMetric effectiveMetric() {
        return costMetric == CostMetric.NET_UNBLENDED_COST || costMetric == CostMetric.NET_AMORTIZED_COST
                ? CostMetric.NET_AMORTIZED_COST : CostMetric.AMORTIZED_COST;
    }
}
