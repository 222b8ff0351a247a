package dev.billing.hyperbilling;

import dev.billing.core.spi.Capability;
import dev.billing.provider.HttpSettings;
import dev.billing.hyperbilling.internal.CostFetcher;
import java.util.Set;

/**
 * The HyperBilling provider, id {@code hyperbilling-aws}: AWS costs served by HyperBilling
 * (MegazoneCloud) over its REST API ({@code /v1/search/billing}, {@code /v1/search/linkedaccount}).
 *
 * <p>Putting the jar on the classpath enables it (its factory is registered for {@link java.util.ServiceLoader}); hosts
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

    private static final Set<Capability> CAPABILITIES =
            Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY, Capability.USAGE_QUANTITY);

    private HyperBillingProvider(Builder b) {
        super(ID, DISPLAY_NAME, CostFetcher.SCHEMA, CAPABILITIES, b, CostFetcher::new);
    }

    /** @return a builder with the defaults: no endpoint, {@link HttpSettings#defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this provider's configuration */
    public Builder toBuilder() {
        return copyInto(new Builder());
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
