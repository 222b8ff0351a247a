package dev.billing.aws.internal;

import dev.billing.aws.CostMetric;
import dev.billing.aws.RetryPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The provider's configuration, as the fetcher needs it.
 *
 * @param endpoint the Cost Explorer URL, or {@code null} for the SDK's default for the region
 * @param region the signing (and endpoint) region
 * @param stsEndpoint the STS URL, or {@code null} for the SDK's default
 * @param costMetric the metric read
 * @param maxRequestsPerFetch the cap on Cost Explorer requests per fetch
 * @param retryPolicy how throttled and transient failures are retried
 * @param connectTimeout the connect timeout
 * @param requestTimeout the timeout of each attempt
 * @param clock the clock verify's period is taken from
 */
public record Settings(URI endpoint, String region, URI stsEndpoint, CostMetric costMetric, int maxRequestsPerFetch,
        RetryPolicy retryPolicy, Duration connectTimeout, Duration requestTimeout, Clock clock) {
}
