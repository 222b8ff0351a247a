package dev.billing.hyperbilling;

import dev.billing.core.spi.BillingProvider;
import dev.billing.hyperbilling.internal.Settings;
import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What the two HyperBilling providers share: the endpoint, the {@link HttpSettings}, their builder and
 * {@code toString}. Each provider adds its API, credentials and capabilities.
 */
abstract sealed class HyperBillingApi implements BillingProvider permits HyperBillingProvider, HyperBillingMzcProvider {
    private final URI endpoint;
    private final HttpSettings http;

    HyperBillingApi(String id, Builder<?, ?> b) {
        this.endpoint = b.endpoint == null ? null : Settings.endpoint(id, b.endpoint);
        this.http = b.http;
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
