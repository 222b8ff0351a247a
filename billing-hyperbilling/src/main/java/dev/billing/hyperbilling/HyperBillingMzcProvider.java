package dev.billing.hyperbilling;

import dev.billing.core.CredentialSchema;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import dev.billing.hyperbilling.internal.SummaryFetcher;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The HyperBilling "summary" provider, id {@code hyperbilling-mzc}: the Google Cloud, Alibaba
 * Cloud, Tencent Cloud and Akamai costs MegazoneCloud serves its customers over
 * {@code GET /summary}, authenticated with an RS256 JSON Web Token signed with the account's
 * private key. The endpoint's host name is every token's audience, and {@link HttpSettings#clock()}
 * dates the tokens ({@code iat}).
 *
 * <p>Putting the jar on the classpath enables it through {@link HyperBillingMzcProviderFactory};
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

    private static final ProviderId PROVIDER_ID = ProviderId.of(ID);
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY);

    private final SummaryFetcher fetcher;

    private HyperBillingMzcProvider(Builder b) {
        super(ID, b);
        this.fetcher = new SummaryFetcher(endpoint().orElse(null), http());
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

    /** @return {@code platform}, {@code accountId}, {@code clientEmail}, {@code privateKey} (secret, PEM PKCS#8) */
    @Override
    public CredentialSchema credentialSchema() {
        return SummaryFetcher.SCHEMA;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Asks for the current month's {@code cost_by_service}: succeeds when the token is accepted and the
     * account is known.
     *
     * @param account the service account
     * @throws dev.billing.core.CredentialsRejectedException when the token is refused (HTTP 401, 403,
     *     or a 200 whose {@code errorCode} says so) or the account is unknown (HTTP 404)
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed,
     *     for example a PKCS#1 or public key instead of a PKCS#8 private key
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
     * @throws dev.billing.core.ProviderProtocolException on a malformed answer, any other
     *     {@code errorCode} in a 200 answer, an unexpected status
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
