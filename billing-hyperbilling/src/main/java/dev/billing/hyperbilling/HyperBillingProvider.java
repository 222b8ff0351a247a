package dev.billing.hyperbilling;

import dev.billing.core.CredentialSchema;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import dev.billing.hyperbilling.internal.CostFetcher;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The HyperBilling provider, id {@code hyperbilling-aws}: AWS costs served by HyperBilling
 * (MegazoneCloud) over its REST API ({@code /v1/search/billing}, {@code /v1/search/linkedaccount}).
 *
 * <p>Putting the jar on the classpath enables it through {@link HyperBillingProviderFactory}; hosts
 * that configure it in code build one:
 *
 * <pre>{@code
 * BillingProvider hyperBilling = HyperBillingProvider.builder()
 *         .endpoint(URI.create("https://hyperbilling.example.com"))
 *         .http(HttpSettings.builder().requestTimeout(Duration.ofSeconds(45)).build())
 *         .build();
 * }</pre>
 *
 * <p>Credentials: {@code account} (the AWS account id, 12 digits), {@code email} (the login id),
 * {@code key} (the API key, secret). A fetch splits the period into the windows the API accepts
 * (DAILY at most 30 days; MONTHLY whole months, at most 12), follows {@code NextDataToken}, drops and
 * counts rows outside each window, and reads every amount exactly. MONTHLY rows are asked for when
 * the caller needs MONTHLY or YEARLY data and the period starts and ends on a month's first day;
 * DAILY rows otherwise. Transient failures (HTTP 429, 500, 502, 503, 504, connection resets,
 * timeouts) are retried by the {@link HttpSettings#retryPolicy() retry policy}; HTTP 400, 401, 403 and 404 never are.
 *
 * <p>Thread-safe. Logs each request at DEBUG (method, path, status, attempt, duration) and never a
 * header or the key.
 */
public final class HyperBillingProvider extends HyperBillingApi {
    /** The provider id, {@value}. */
    public static final String ID = "hyperbilling-aws";
    /** The name people see, {@value}. */
    public static final String DISPLAY_NAME = "Hyper Billing";

    private static final ProviderId PROVIDER_ID = ProviderId.of(ID);
    private static final Set<Capability> CAPABILITIES =
            Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY, Capability.USAGE_QUANTITY);

    private final CostFetcher fetcher;

    private HyperBillingProvider(Builder b) {
        super(ID, b);
        this.fetcher = new CostFetcher(endpoint().orElse(null), http());
    }

    /** @return a builder with the defaults: no endpoint, {@link HttpSettings#defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this provider's configuration */
    public Builder toBuilder() {
        return copyInto(new Builder());
    }

    @Override
    public ProviderId id() {
        return PROVIDER_ID;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    /** @return {@code account} (12 digits), {@code email} (the login id, non-blank), {@code key} (secret) */
    @Override
    public CredentialSchema credentialSchema() {
        return CostFetcher.SCHEMA;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Checks that HyperBilling accepts the credentials and lists the account among
     * {@code /v1/search/linkedaccount}.
     *
     * @param account the service account
     * @throws dev.billing.core.CredentialsRejectedException when the credentials are refused (HTTP 401,
     *     403), the account is unknown (HTTP 404) or not among the linked accounts
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.ProviderConfigurationException when no endpoint is configured
     * @throws dev.billing.core.BillingException any other failure, as for {@link #fetch}
     */
    @Override
    public void verify(ServiceAccount account) {
        fetcher.verify(account);
    }

    /**
     * @throws dev.billing.core.CredentialsRejectedException on HTTP 401, 403 or 404
     * @throws dev.billing.core.InvalidRequestException on HTTP 400, or when a credential is malformed
     * @throws dev.billing.core.RateLimitedException when HTTP 429 outlived the retries
     * @throws dev.billing.core.ProviderUnavailableException when HTTP 500, 502, 503, 504, a connection
     *     failure or a timeout outlived the retries
     * @throws dev.billing.core.ProviderProtocolException on a malformed or truncated answer, an
     *     {@code errorCode} in a 200 answer, a repeated {@code NextDataToken}, an unexpected status
     * @throws dev.billing.core.ProviderConfigurationException when no endpoint is configured
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        return fetcher.fetch(request, sink);
    }

    /**
     * Fetches without blocking a thread while requests are in flight: answers are read, and records
     * passed to {@code sink}, on {@code executor}.
     */
    @Override
    public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
        return fetcher.fetchAsync(request, sink, executor);
    }

    /** Builds a {@link HyperBillingProvider}. */
    public static final class Builder extends HyperBillingApi.Builder<Builder, HyperBillingProvider> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        public HyperBillingProvider build() {
            return new HyperBillingProvider(this);
        }
    }
}
