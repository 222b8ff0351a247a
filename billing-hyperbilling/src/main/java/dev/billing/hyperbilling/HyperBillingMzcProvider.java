package dev.billing.hyperbilling;

import dev.billing.core.spi.Capability;
import dev.billing.provider.HttpSettings;
import dev.billing.hyperbilling.internal.SummaryFetcher;
import java.util.Set;

/**
 * The HyperBilling "summary" provider, id {@code hyperbilling-mzc}: the Google Cloud, Alibaba
 * Cloud, Tencent Cloud and Akamai costs MegazoneCloud serves its customers over
 * {@code GET /summary}, authenticated with an RS256 JSON Web Token signed with the account's
 * private key. The endpoint's host name is every token's audience, and {@link HttpSettings#clock()}
 * dates the tokens ({@code iat}).
 *
 * <p>Putting the jar on the classpath enables it (its factory is registered for {@link java.util.ServiceLoader});
 * hosts that configure it in code build one:
 *
 * <pre>{@code
 * BillingProvider mzc = HyperBillingMzcProvider.builder()
 *         .endpoint(URI.create("https://hyperbilling-summary.example.com"))
 *         .build();
 * }</pre>
 *
 * <p>Credentials: {@code platform} ({@code gcp}, {@code alibaba}, {@code tencent} or
 * {@code akamai}), {@code accountId} (the vendor billing account), {@code clientEmail} (the
 * token's issuer), {@code privateKey} (secret, PEM PKCS#8). A fetch asks for one month at a time
 * ({@code month=yyyymm}): {@code kind=daily_cost} when the caller needs days or the period is not
 * whole months, {@code kind=cost_by_service} otherwise; each record is one {@code costs} entry's
 * {@code final_cost} in its {@code currency}, with {@code service} (from {@code cost_by_service})
 * and the vendor project as the record's sub account. Rows of another kind or month are dropped
 * and counted. Transient failures (HTTP 429, 500, 502, 503, 504, connection resets, timeouts) are
 * retried by the {@link HttpSettings#retryPolicy() retry policy}; HTTP 400, 401, 403 and 404 never are.
 *
 * <p>Thread-safe. Logs each request at DEBUG (method, path, status, attempt, duration) and never a
 * header, the key or a token.
 */
public final class HyperBillingMzcProvider extends HyperBillingApi {
    /** The provider id, {@value}. */
    public static final String ID = SummaryFetcher.PROVIDER;
    /** The name people see, {@value}. */
    public static final String DISPLAY_NAME = "Hyper Billing (MZC): Google Cloud, Alibaba, Tencent, Akamai";

    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY);

    private HyperBillingMzcProvider(Builder b) {
        super(ID, DISPLAY_NAME, SummaryFetcher.SCHEMA, CAPABILITIES, b, SummaryFetcher::new);
    }

    /** @return a builder with the defaults: no endpoint, {@link HttpSettings#defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this provider's configuration */
    public Builder toBuilder() {
        return copyInto(new Builder());
    }

    /** Builds a {@link HyperBillingMzcProvider}. */
    public static final class Builder extends HyperBillingApi.Builder<Builder, HyperBillingMzcProvider> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        public HyperBillingMzcProvider build() {
            return new HyperBillingMzcProvider(this);
        }
    }
}
