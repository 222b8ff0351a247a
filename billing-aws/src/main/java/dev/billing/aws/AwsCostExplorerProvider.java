package dev.billing.aws;

import dev.billing.aws.internal.CostExplorerFetcher;
import dev.billing.aws.internal.Settings;
import dev.billing.provider.HttpSettings;
import dev.billing.core.BillingException;
import dev.billing.core.CredentialSchema;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.support.Arguments;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.support.Endpoints;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The AWS Cost Explorer provider, id {@code aws-cost-explorer}: AWS costs read directly from AWS with
 * {@code GetCostAndUsage} (AWS JSON 1.1, SigV4) through the AWS SDK for Java v2.
 *
 * <p>Putting the jar on the class path or module path enables it (its factory is registered for
 * {@link java.util.ServiceLoader} under the id {@value #ID}); hosts
 * that configure it in code build one:
 *
 * <pre>{@code
 * BillingProvider aws = AwsCostExplorerProvider.builder()
 *         .region("us-east-1")
 *         .costMetric(CostMetric.UNBLENDED_COST)
 *         .maxRequestsPerFetch(1000)
 *         .build();
 * }</pre>
 *
 * <p>Credentials: {@code accessKeyId}, {@code secretAccessKey} (secret), optional {@code sessionToken}
 * (secret), optional {@code roleArn} (+ {@code externalId}) assumed with STS and refreshed before it
 * expires, optional {@code linkedAccount} (12 digits: only that member account's costs).
 *
 * <p>A fetch reads one calendar month (or the part of one in the period) at a time: one discovery query
 * grouped by {@code LINKED_ACCOUNT} and {@code RECORD_TYPE}, then one query per linked account (per
 * record type when it has several) grouped by {@code SERVICE} and {@code REGION}, so every record carries
 * its linked account (sub account), service, region and charge category; with {@link Builder#tagKeys}, one more
 * query per service and tag key (see docs/aws-cost-explorer.md). Every request asks for the billed metric
 * ({@code costMetric}, default {@code UnblendedCost}) and the amortized one (effective cost) together. Every
 * request costs USD 0.01: requests are counted in {@link FetchStats#billedRequests()}, priced in
 * {@link FetchStats#requestCharges()} and capped by {@link Builder#maxRequestsPerFetch}.
 * Throttling ({@code LimitExceededException}, {@code ThrottlingException}), HTTP 5xx and connection
 * failures are retried by the {@link HttpSettings#retryPolicy() retry policy}; credential errors never are.
 *
 * <p>Thread-safe. {@link #close()} releases the HTTP client and the STS sessions. Logs at DEBUG (operation,
 * status, attempt, duration, request counts), never a header, key or token.
 */
public final class AwsCostExplorerProvider implements BillingProvider {
    /** The provider id, {@value}. */
    public static final String ID = CostExplorerFetcher.PROVIDER;
    /** The name people see, {@value}. */
    public static final String DISPLAY_NAME = "AWS Cost Explorer";
    /** The default cap on requests per fetch: a year of monthly windows for an organisation of about 200 linked accounts with two record types each. */
    public static final int DEFAULT_MAX_REQUESTS_PER_FETCH = 5000;

    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final ProviderId PROVIDER_ID = ProviderId.of(ID);

    private final URI endpoint;
    private final String region;
    private final URI stsEndpoint;
    private final CostMetric costMetric;
    private final int maxRequestsPerFetch;
    private final List<String> tagKeys;
    private final HttpSettings http;
    private final CostExplorerFetcher fetcher;

    private AwsCostExplorerProvider(Builder b) {
        this.endpoint = b.endpoint == null ? null : Endpoints.check(ID, "endpoint", b.endpoint, Settings.ENDPOINT_EXAMPLE);
        this.stsEndpoint = b.stsEndpoint == null ? null : Endpoints.check(ID, "stsEndpoint", b.stsEndpoint,
                Settings.STS_ENDPOINT_EXAMPLE);
        this.region = b.region;
        this.costMetric = b.costMetric;
        this.maxRequestsPerFetch = b.maxRequestsPerFetch;
        this.tagKeys = List.copyOf(b.tagKeys);
        this.http = b.http;
        this.fetcher = new CostExplorerFetcher(new Settings(endpoint, region, stsEndpoint, costMetric, maxRequestsPerFetch,
                tagKeys, http));
    }

    /**
     * @return a builder with the defaults: the SDK's endpoint for {@code us-east-1}, {@code UnblendedCost},
     *     {@value #DEFAULT_MAX_REQUESTS_PER_FETCH} requests per fetch, {@link HttpSettings#defaults()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this provider's configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoint = endpoint;
        b.stsEndpoint = stsEndpoint;
        b.region = region;
        b.costMetric = costMetric;
        b.maxRequestsPerFetch = maxRequestsPerFetch;
        b.tagKeys = tagKeys;
        b.http = http;
        return b;
    }

    /** @return the Cost Explorer URL override, if any */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** @return the STS URL override, if any */
    public Optional<URI> stsEndpoint() {
        return Optional.ofNullable(stsEndpoint);
    }

    /** @return the AWS region requests are signed for */
    public String region() {
        return region;
    }

    /** @return the metric read as billed cost (effective cost is the amortized one) */
    public CostMetric costMetric() {
        return costMetric;
    }

    /** @return the most Cost Explorer requests one fetch may send */
    public int maxRequestsPerFetch() {
        return maxRequestsPerFetch;
    }

    /** @return the cost allocation tag keys read as tags, in plan order; empty for none */
    public List<String> tagKeys() {
        return tagKeys;
    }

    /** @return the timeouts, retry policy and clock */
    public HttpSettings http() {
        return http;
    }

    @Override
    public ProviderId id() {
        return PROVIDER_ID;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    /**
     * @return {@code accessKeyId}, {@code secretAccessKey} (secret), optional {@code sessionToken}
     *     (secret), {@code roleArn}, {@code externalId}, {@code linkedAccount} (12 digits)
     */
    @Override
    public CredentialSchema credentialSchema() {
        return CostExplorerFetcher.SCHEMA;
    }

    /**
     * @return {@code DAILY}, {@code MONTHLY}, {@code VERIFY}, {@code EFFECTIVE_COST} (the amortized metric, asked in
     *     the same requests), and {@code TAGS} when {@link Builder#tagKeys} names keys. Never {@code LIST_COST}: Cost
     *     Explorer has no metric at public prices.
     */
    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> c = EnumSet.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY, Capability.EFFECTIVE_COST);
        if (!tagKeys.isEmpty()) {
            c.add(Capability.TAGS);
        }
        return Collections.unmodifiableSet(c);
    }

    /**
     * Sends one {@code GetCostAndUsage} over the last 30 days (USD 0.01); with {@code linkedAccount},
     * grouped by and filtered to that account, which must appear in the answer.
     *
     * @param account the service account
     * @throws dev.billing.core.CredentialsRejectedException when AWS refuses the keys
     *     ({@code UnrecognizedClientException}, {@code InvalidSignatureException}, {@code AccessDeniedException})
     *     or the linked account shows no costs to them
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws BillingException any other failure, as for {@link #fetch}
     */
    @Override
    public void verify(ServiceAccount account) {
        fetcher.verify(account);
    }

    /**
     * @throws dev.billing.core.CredentialsRejectedException on {@code UnrecognizedClientException},
     *     {@code InvalidSignatureException}, {@code AccessDeniedException} (never retried)
     * @throws dev.billing.core.RateLimitedException when {@code LimitExceededException} or
     *     {@code ThrottlingException} outlived the retries
     * @throws dev.billing.core.ProviderUnavailableException when HTTP 5xx, a connection failure or a
     *     timeout outlived the retries, or on {@code RequestChangedException} (fetch again)
     * @throws dev.billing.core.InvalidRequestException on {@code BillExpirationException} (the period is
     *     older than Cost Explorer keeps), {@code ValidationException}, or when the fetch would need more
     *     than {@code maxRequestsPerFetch} requests
     * @throws dev.billing.core.ProviderProtocolException on {@code InvalidNextTokenException}, a repeated
     *     {@code NextPageToken} or a malformed answer
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws FetchCancelledException when the request's cancellation fires (checked before each request and
     *     every 100 ms while one is in flight)
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        Cancellation c = request.cancellation();
        return fetcher.fetch(request, sink, c::isCancelled,
                () -> new FetchCancelledException(c.reason(), request.account().name()));
    }

    /** Releases the HTTP client, the STS sessions and the provider's threads. */
    @Override
    public void close() {
        fetcher.close();
    }

    /** @return the id, region and endpoints */
    @Override
    public String toString() {
        return "AwsCostExplorerProvider[" + ID + ", region=" + region + ", endpoint=" + (endpoint == null ? "(default)" : endpoint)
                + ", costMetric=" + costMetric.wireName() + ", maxRequestsPerFetch=" + maxRequestsPerFetch
                + (tagKeys.isEmpty() ? "" : ", tagKeys=" + tagKeys) + "]";
    }

    /** Builds an {@link AwsCostExplorerProvider}. */
    public static final class Builder {
        private URI endpoint;
        private URI stsEndpoint;
        private String region = "us-east-1";
        private CostMetric costMetric = CostMetric.UNBLENDED_COST;
        private int maxRequestsPerFetch = DEFAULT_MAX_REQUESTS_PER_FETCH;
        private List<String> tagKeys = List.of();
        private HttpSettings http = HttpSettings.defaults();

        private Builder() {
        }

        /**
         * @param endpoint the Cost Explorer URL, {@code https://} (or {@code http://} on a loopback host only)
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param endpoint the STS URL used for {@code roleArn}, {@code https://} (or {@code http://} on a loopback host only)
         * @return this builder
         */
        public Builder stsEndpoint(URI endpoint) {
            this.stsEndpoint = Objects.requireNonNull(endpoint, "stsEndpoint");
            return this;
        }

        /**
         * @param region the AWS region code requests are signed for (default {@code us-east-1})
         * @return this builder
         * @throws IllegalArgumentException when it is not a region code
         */
        public Builder region(String region) {
            if (region == null || !REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must be an AWS region code such as us-east-1, got " + region);
            }
            this.region = region;
            return this;
        }

        /**
         * @param metric the metric read (default {@link CostMetric#UNBLENDED_COST})
         * @return this builder
         */
        public Builder costMetric(CostMetric metric) {
            this.costMetric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * @param max the most Cost Explorer requests (USD 0.01 each) one fetch may send, retries included
         *     (default {@value AwsCostExplorerProvider#DEFAULT_MAX_REQUESTS_PER_FETCH})
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder maxRequestsPerFetch(int max) {
            this.maxRequestsPerFetch = Arguments.atLeastOne(max, "maxRequestsPerFetch");
            return this;
        }

        /**
         * @param keys cost allocation tag keys (as activated in the Billing console, case-sensitive) read as record
         *     tags; each costs requests per month, see docs/aws-cost-explorer.md (default none)
         * @return this builder
         * @throws IllegalArgumentException when a key is blank, longer than 128 characters, or named twice
         */
        public Builder tagKeys(List<String> keys) {
            if (!Settings.validTagKeys(keys)) {
                throw new IllegalArgumentException("tagKeys must be distinct, non-blank tag keys of at most "
                        + Settings.MAX_TAG_KEY + " characters, got " + keys);
            }
            this.tagKeys = List.copyOf(keys);
            return this;
        }

        /**
         * @param http timeouts, retry policy (attempts, backoff and jitter; the AWS SDK reads no {@code Retry-After})
         *     and the clock verify's period is taken from (default {@link HttpSettings#defaults()});
         *     {@code maxConcurrentRequests} does not apply, a fetch sends one request at a time
         * @return this builder
         */
        public Builder http(HttpSettings http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * @return the provider
         * @throws dev.billing.core.ProviderConfigurationException when an endpoint is not an absolute
         *     {@code https://} URL, or uses {@code http://} on a host that is not loopback
         */
        public AwsCostExplorerProvider build() {
            return new AwsCostExplorerProvider(this);
        }

    }
}
