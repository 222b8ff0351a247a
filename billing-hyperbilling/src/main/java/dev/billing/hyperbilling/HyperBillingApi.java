package dev.billing.hyperbilling;

import dev.billing.core.CredentialSchema;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.hyperbilling.internal.Fetcher;
import dev.billing.hyperbilling.internal.Settings;
import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * What the two HyperBilling providers share: the endpoint, the {@link HttpSettings}, their builder, the
 * {@link BillingProvider} methods (delegated to the API's fetcher) and {@code toString}. Each provider names its
 * API, credentials and capabilities.
 */
abstract sealed class HyperBillingApi implements BillingProvider permits HyperBillingProvider, HyperBillingMzcProvider {
    private final ProviderId id;
    private final String displayName;
    private final CredentialSchema schema;
    private final Set<Capability> capabilities;
    private final URI endpoint;
    private final HttpSettings http;
    private final Fetcher fetcher;

    HyperBillingApi(String id, String displayName, CredentialSchema schema, Set<Capability> capabilities,
                    Builder<?, ?> b, BiFunction<URI, HttpSettings, Fetcher> fetcher) {
        this.id = ProviderId.of(id);
        this.displayName = displayName;
        this.schema = schema;
        this.capabilities = Set.copyOf(capabilities);
        this.endpoint = b.endpoint == null ? null : Settings.endpoint(id, b.endpoint);
        this.http = b.http;
        this.fetcher = fetcher.apply(endpoint, http);
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public String displayName() {
        return displayName;
    }

    /** @return the credentials the provider's API needs (see the class description) */
    @Override
    public CredentialSchema credentialSchema() {
        return schema;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /**
     * Checks that the API accepts the credentials and knows the account.
     *
     * @param account the service account
     * @throws dev.billing.core.CredentialsRejectedException when the credentials are refused (HTTP 401, 403, or
     *     a 200 whose {@code errorCode} names them) or the account is unknown (HTTP 404, or not linked)
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.ProviderConfigurationException when no endpoint is configured
     * @throws dev.billing.core.BillingException any other failure, as for {@link #fetch}
     */
    @Override
    public void verify(ServiceAccount account) {
        fetcher.verify(account);
    }

    /**
     * @throws dev.billing.core.CredentialsRejectedException on HTTP 401, 403 or 404, or a 200 whose
     *     {@code errorCode} names the credentials
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.InvalidRequestException on HTTP 400
     * @throws dev.billing.core.RateLimitedException when HTTP 429 outlived the retries
     * @throws dev.billing.core.ProviderUnavailableException when HTTP 500, 502, 503, 504, a connection
     *     failure or a timeout outlived the retries
     * @throws dev.billing.core.ProviderProtocolException on a malformed or truncated answer, another
     *     {@code errorCode} in a 200 answer, a repeated page token, an unexpected status
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

    /** @return the base URL requests go to, if configured */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** @return the timeouts, retry policy, concurrency and clock */
    public HttpSettings http() {
        return http;
    }

    /** Copies this provider's configuration into {@code b}. */
    <B extends Builder<B, ?>> B copyInto(B b) {
        b.endpoint = endpoint;
        return b.http(http);
    }

    /** @return the class, id and endpoint */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id() + ", endpoint=" + (endpoint == null ? "(none)" : endpoint) + "]";
    }

    /**
     * Builds a HyperBilling provider.
     *
     * @param <B> the builder's own type
     * @param <P> the provider it builds
     */
    abstract static sealed class Builder<B extends Builder<B, P>, P extends HyperBillingApi>
            permits HyperBillingProvider.Builder, HyperBillingMzcProvider.Builder {
        URI endpoint;
        HttpSettings http = HttpSettings.defaults();

        Builder() {
        }

        abstract B self();

        /**
         * @param endpoint the base URL, {@code https://} (or {@code http://} on a loopback host only);
         *     without it the provider is created but verify and fetch fail, asking for the setting
         * @return this builder
         */
        public B endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return self();
        }

        /**
         * @param http timeouts, retry policy, concurrency and clock (default {@link HttpSettings#defaults()})
         * @return this builder
         */
        public B http(HttpSettings http) {
            this.http = Objects.requireNonNull(http, "http");
            return self();
        }

        /**
         * @return the provider
         * @throws dev.billing.core.ProviderConfigurationException when the endpoint is not an absolute
         *     {@code https://} URL, or uses {@code http://} on a host that is not loopback
         */
        public abstract P build();
    }
}
