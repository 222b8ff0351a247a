package dev.billing.azure;

import dev.billing.azure.internal.QueryFetcher;
import dev.billing.core.CredentialSchema;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.support.Arguments;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.support.Endpoints;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Azure Cost Management provider, id {@code azure-cost-management}: Azure costs from the Cost
 * Management Query API ({@code POST {endpoint}{scope}/providers/Microsoft.CostManagement/query},
 * api-version {@value #API_VERSION}), authenticated with an OAuth 2.0 bearer token.
 *
 * <pre>{@code
 * BillingProvider azure = AzureCostManagementProvider.builder()
 *         .costType(AzureCostType.AMORTIZED_COST)
 *         .build();
 * }</pre>
 *
 * <p>Credentials: {@code tenantId}, {@code clientId}, {@code clientSecret} (secret), {@code scope}
 * ({@code /subscriptions/{id}}, {@code /subscriptions/{id}/resourceGroups/{name}} or
 * {@code /providers/Microsoft.Billing/billingAccounts/{id}}); or {@code managedIdentity} {@code true} and
 * {@code scope} (and {@code clientId} for a user-assigned identity): tokens from the App Service / Functions
 * identity endpoint when {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} are set, else from the Instance
 * Metadata Service. The principal needs the Cost
 * Management Reader role on the scope. Tokens come from {@code {authority}/{tenantId}/oauth2/v2.0/token}
 * (client credentials, scope {@code https://management.azure.com/.default}) and are cached per
 * principal until shortly before they expire, or from a host {@link AzureTokenSource}.
 *
 * <p>A fetch asks for Daily rows one calendar month at a time by a plan of queries of at most two groupings
 * ({@code ServiceName}, {@code ResourceLocation}, {@code ChargeType}, and {@code SubscriptionId} on a billing
 * account scope), follows {@code nextLink} to the end, reads columns by name and costs exactly, and drops and
 * counts rows outside each window (the API's end date is inclusive). With {@code costType} {@code ActualCost}
 * (the default) each query is sent as {@code ActualCost} (billed cost) and as {@code AmortizedCost} (effective
 * cost), rows matched by their grouping values; with {@code AmortizedCost} it is sent once and both amounts are
 * the amortized cost. {@code ChargeType} decides the charge category, as Microsoft's FOCUS conversion does. HTTP 429 waits for the largest of the
 * Cost Management retry headers and {@code Retry-After} (capped); 5xx and connection failures are
 * retried; 401 (after one token refresh), 403 and 404 are credentials rejected and never retried.
 *
 * <p>Thread-safe. Logs each request at DEBUG (method, path, status, attempt, duration), never a
 * header, a secret or a token.
 */
public final class AzureCostManagementProvider implements BillingProvider {
    /** The provider id, {@value}. */
    public static final String ID = "azure-cost-management";
    /** The name people see, {@value}. */
    public static final String DISPLAY_NAME = "Azure Cost Management";
    /** The Cost Management REST API version this provider implements, {@value}. */
    public static final String API_VERSION = QueryFetcher.API_VERSION;
    /** The default {@code endpoint}, {@value}. */
    public static final String DEFAULT_ENDPOINT = "https://management.azure.com";
    /** The default {@code authority}, {@value}. */
    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    /** The default {@code imdsEndpoint}, the Azure Instance Metadata Service, {@value}. */
    public static final String DEFAULT_IMDS_ENDPOINT = "http://169.254.169.254";

    private static final ProviderId PROVIDER_ID = ProviderId.of(ID);
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY,
            Capability.EFFECTIVE_COST);

    private final URI endpoint;
    private final URI authority;
    private final AzureCostType costType;
    private final List<String> tagKeys;
    private final AzureTokenSource tokenSource;
    private final URI imdsEndpoint;
    private final Map<String, String> environment;
    private final HttpSettings http;
    private final int maxRequestsPerFetch;
    private final QueryFetcher fetcher;

    private AzureCostManagementProvider(Builder b) {
        this.endpoint = Endpoints.check(ID, "endpoint", b.endpoint, DEFAULT_ENDPOINT);
        this.authority = Endpoints.check(ID, "authority", b.authority, DEFAULT_AUTHORITY);
        this.costType = b.costType;
        this.tokenSource = b.tokenSource;
        this.imdsEndpoint = b.imdsEndpoint;
        this.environment = b.environment;
        this.http = b.http;
        this.maxRequestsPerFetch = b.maxRequestsPerFetch;
        this.tagKeys = b.tagKeys;
        this.fetcher = new QueryFetcher(endpoint, authority, costType.wireName(), tokenSource, imdsEndpoint, environment,
                http, maxRequestsPerFetch, tagKeys);
    }

    /**
     * @return a builder with the defaults: the public Azure endpoint and authority, {@code ActualCost},
     *     client-credential tokens, {@link HttpSettings#defaults()}, at most 2000 requests per fetch
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this provider's configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoint = endpoint;
        b.authority = authority;
        b.costType = costType;
        b.tokenSource = tokenSource;
        b.imdsEndpoint = imdsEndpoint;
        b.environment = environment;
        b.http = http;
        b.maxRequestsPerFetch = maxRequestsPerFetch;
        b.tagKeys = tagKeys;
        return b;
    }

    /** @return the Resource Manager URL queries go to */
    public URI endpoint() {
        return endpoint;
    }

    /** @return the Microsoft identity platform URL tokens come from */
    public URI authority() {
        return authority;
    }

    /** @return the cost type queried */
    public AzureCostType costType() {
        return costType;
    }

    /** @return the host's token source, if one replaces the client credentials */
    public Optional<AzureTokenSource> tokenSource() {
        return Optional.ofNullable(tokenSource);
    }

    /** @return the Instance Metadata Service URL managed identity tokens come from (outside App Service) */
    public URI imdsEndpoint() {
        return imdsEndpoint;
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
     * @return {@code tenantId}, {@code clientId}, {@code clientSecret} (secret), {@code managedIdentity}, {@code scope}:
     *     an app registration (tenant, client id and secret; the secret optional with a host token source) or a
     *     managed identity ({@code managedIdentity} true, {@code clientId} for a user-assigned one)
     */
    @Override
    public CredentialSchema credentialSchema() {
        return fetcher.schema();
    }

    @Override
    public Set<Capability> capabilities() {
        if (tagKeys.isEmpty()) {
            return CAPABILITIES;
        }
        EnumSet<Capability> c = EnumSet.copyOf(CAPABILITIES);
        c.add(Capability.TAGS);
        return Collections.unmodifiableSet(c);
    }

    /** @return the tag names read as record tags, empty for none */
    public List<String> tagKeys() {
        return tagKeys;
    }

    /**
     * Gets a token for the principal and runs a one-day query (yesterday, UTC) on the scope.
     *
     * @param account the service account
     * @throws dev.billing.core.CredentialsRejectedException when the identity platform refuses the
     *     credentials, or the API answers 401, 403 (the principal lacks Cost Management Reader) or 404
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.BillingException any other failure, as for {@link #fetch}
     */
    @Override
    public void verify(ServiceAccount account) {
        fetcher.verify(account);
    }

    /**
     * @throws dev.billing.core.CredentialsRejectedException when the identity platform refuses the
     *     credentials ({@code invalid_client}, AADSTS7000215 and others), or the API answers 401 after a
     *     token refresh, 403 or 404
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.InvalidRequestException on HTTP 400, or when the fetch needs more than
     *     {@code maxRequestsPerFetch} requests
     * @throws dev.billing.core.RateLimitedException when HTTP 429 outlived the retries
     * @throws dev.billing.core.ProviderUnavailableException when 5xx, a connection failure or a timeout
     *     outlived the retries
     * @throws dev.billing.core.ProviderProtocolException on a malformed answer, a missing column, a
     *     repeated or foreign {@code nextLink}, an unexpected status
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        return fetcher.fetch(request, sink);
    }

    /** Nothing to release: the HTTP client's threads end when idle. */
    @Override
    public void close() {
        // the JDK 17 HttpClient has no close(); its selector thread ends when the client is unreachable
    }

    /** @return the id, endpoint, authority and cost type */
    @Override
    public String toString() {
        return "AzureCostManagementProvider[" + ID + ", endpoint=" + endpoint + ", authority=" + authority
                + ", costType=" + costType.wireName() + (tagKeys.isEmpty() ? "" : ", tagKeys=" + tagKeys) + (tokenSource == null ? "" : ", host token source") + "]";
    }

    /** Builds an {@link AzureCostManagementProvider}. */
    public static final class Builder {
        private URI endpoint = URI.create(DEFAULT_ENDPOINT);
        private URI authority = URI.create(DEFAULT_AUTHORITY);
        private AzureCostType costType = AzureCostType.ACTUAL_COST;
        private AzureTokenSource tokenSource;
        private URI imdsEndpoint = URI.create(DEFAULT_IMDS_ENDPOINT);
        private Map<String, String> environment = System.getenv();
        private HttpSettings http = HttpSettings.defaults();
        private int maxRequestsPerFetch = 2000;
        private List<String> tagKeys = List.of();

        private Builder() {
        }

        /**
         * @param endpoint the Resource Manager URL (default {@value #DEFAULT_ENDPOINT}); {@code http://}
         *     only on a loopback host
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param authority the Microsoft identity platform URL (default {@value #DEFAULT_AUTHORITY});
         *     {@code http://} only on a loopback host
         * @return this builder
         */
        public Builder authority(URI authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
            return this;
        }

        /**
         * @param costType the query's {@code type} (default {@link AzureCostType#ACTUAL_COST})
         * @return this builder
         */
        public Builder costType(AzureCostType costType) {
            this.costType = Objects.requireNonNull(costType, "costType");
            return this;
        }

        /**
         * @param source where tokens come from instead of the client-credentials flow, for example an
         *     adapter for azure-identity's {@code TokenCredential}; {@code clientSecret} then becomes optional
         * @return this builder
         */
        public Builder tokenSource(AzureTokenSource source) {
            this.tokenSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param imdsEndpoint the Azure Instance Metadata Service, where managed identity tokens come from outside App
         *     Service and Functions (default {@value #DEFAULT_IMDS_ENDPOINT}); another {@code https://} URL, or
         *     {@code http://} on a loopback host (a simulator)
         * @return this builder
         */
        public Builder imdsEndpoint(URI imdsEndpoint) {
            this.imdsEndpoint = Objects.requireNonNull(imdsEndpoint, "imdsEndpoint");
            return this;
        }

        /**
         * @param environment the environment variables the App Service / Functions identity endpoint is read from,
         *     {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} (default {@link System#getenv()}); a test or a host
         *     that knows better passes its own
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * @param http timeouts, retry policy and the clock token expiry and {@code Retry-After} dates are compared
         *     with (default {@link HttpSettings#defaults()}); {@code maxConcurrentRequests} does not apply, a fetch
         *     sends one request at a time
         * @return this builder
         */
        public Builder http(HttpSettings http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * @param max the most HTTP requests (token, pages, retries) one fetch may send (default 2000: each query is sent
         *     as ActualCost and as AmortizedCost)
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder maxRequestsPerFetch(int max) {
            this.maxRequestsPerFetch = Arguments.atLeastOne(max, "maxRequestsPerFetch");
            return this;
        }

        /**
         * @param keys the Azure tag names read as record tags, each record carrying every one of them (matched
         *     case-insensitively, as Azure does; the record's tags are named as given here, {@code ""} where the line
         *     has no such tag); they cost queries per service and month, see docs/azure-cost-management.md (default
         *     none)
         * @return this builder
         * @throws IllegalArgumentException when a key is blank, or two keys are the same name ignoring case
         */
        public Builder tagKeys(List<String> keys) {
            if (!QueryFetcher.validTagKeys(keys)) {
                throw new IllegalArgumentException("tagKeys must " + QueryFetcher.TAG_KEYS_REQUIREMENT + ", got " + keys);
            }
            this.tagKeys = keys.stream().map(String::trim).toList();
            return this;
        }

        /**
         * @return the provider
         * @throws dev.billing.core.ProviderConfigurationException when the endpoint or authority is not an
         *     absolute {@code https://} URL, or uses {@code http://} on a host that is not loopback
         */
        public AzureCostManagementProvider build() {
            return new AzureCostManagementProvider(this);
        }

    }
}
