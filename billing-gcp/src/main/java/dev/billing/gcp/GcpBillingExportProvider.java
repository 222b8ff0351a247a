package dev.billing.gcp;

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
import dev.billing.gcp.internal.Config;
import dev.billing.provider.HttpSettings;
import dev.billing.gcp.internal.ExportFetcher;
import dev.billing.gcp.internal.ExportQuery;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Google Cloud Billing export provider, id {@code gcp-billing-export}: Google Cloud costs from
 * the Cloud Billing <em>standard usage cost</em> export table in BigQuery, read with one
 * parameterized standard-SQL query over the BigQuery REST API ({@code jobs.query}, then
 * {@code jobs.getQueryResults} while the job runs or pages remain).
 *
 * <p>Putting the jar on the class path or the module path enables it (its factory is registered for
 * {@link java.util.ServiceLoader});
 * hosts that configure it in code build one:
 *
 * <pre>{@code
 * BillingProvider gcp = GcpBillingExportProvider.builder()
 *         .queryProject("my-billing-project")
 *         .location("US")
 *         .build();
 * }</pre>
 *
 * <p>Credentials: {@code serviceAccountKey} (secret: the service-account key file's JSON text),
 * {@code table} ({@code project.dataset.gcp_billing_export_v1_XXXXXX_XXXXXX_XXXXXX}), optional
 * {@code billingAccountId} and {@code projectId} (only that billing account's or project's costs).
 * The key is exchanged for an access token (JWT bearer grant, RS256, at the key's {@code token_uri};
 * cached until 5 minutes before it expires). The query sums {@code CAST(cost AS NUMERIC)} and the
 * credits by UTC usage day, service, region, SKU, project and cost type, in each row's currency;
 * every amount is read exactly from BigQuery's decimal strings. Each row becomes a USAGE, TAX or
 * ADJUSTMENT record (from {@code cost_type}) and, when it has credits, a CREDIT record (negative);
 * the effective cost of each is its billed cost, as in Google's FOCUS view of the export, where
 * {@code BilledCost} and {@code EffectiveCost} are both {@code cost} plus the credits of every type.
 * The bytes the query scanned (BigQuery bills them) are in {@link FetchStats#bytesScanned()}.
 *
 * <p>Failures: HTTP 401 and {@code invalid_grant} from the token endpoint, and {@code 403
 * accessDenied}, are {@link dev.billing.core.CredentialsRejectedException}s, never retried;
 * {@code 404 notFound} a {@link dev.billing.core.ProviderConfigurationException} naming the table;
 * {@code 429}, {@code rateLimitExceeded}, {@code backendError} and 5xx are retried with capped backoff
 * and end as {@link dev.billing.core.RateLimitedException} or
 * {@link dev.billing.core.ProviderUnavailableException}; {@code invalidQuery} is a
 * {@link dev.billing.core.ProviderProtocolException} with BigQuery's message.
 *
 * <p>Thread-safe. Logs each request at DEBUG (method, path, status, attempt, duration) and never a
 * header, a token or the key.
 */
public final class GcpBillingExportProvider implements BillingProvider {
    /** The provider id, {@value}. */
    public static final String ID = "gcp-billing-export";
    /** The name people see, {@value}. */
    public static final String DISPLAY_NAME = "Google Cloud Billing export";
    /** The default BigQuery API URL, {@value}. */
    public static final String DEFAULT_ENDPOINT = "https://bigquery.googleapis.com";
    /**
     * The prefix of the tag keys of project labels ({@link Builder#projectLabels}), {@value}: a GCP label key has
     * only lower-case letters, digits, {@code _} and {@code -}, so a project label's tag never takes a resource label's key.
     */
    public static final String PROJECT_LABEL_PREFIX = "project:";
    /** The prefix of the usage type of a credit type's CREDIT record ({@link Builder#creditTypes}), {@value}. */
    public static final String CREDIT_TYPE_PREFIX = "credit:";

    private static final ProviderId PROVIDER_ID = ProviderId.of(ID);
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY,
            Capability.TAGS, Capability.EFFECTIVE_COST, Capability.LIST_COST);

    private final Builder settings;
    private final ExportFetcher fetcher;

    private GcpBillingExportProvider(Builder b) {
        this.settings = b.copy();
        this.fetcher = new ExportFetcher(new Config(b.endpoint, b.queryProject, b.location, b.http, b.maxPollWait,
                b.pageSize, b.maximumBytesBilled, new ExportQuery(b.projectLabels, b.creditTypes)));
    }

    /** @return a builder with the defaults (see each method) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this provider's configuration */
    public Builder toBuilder() {
        return settings.copy();
    }

    /** @return the BigQuery API base URL */
    public URI endpoint() {
        return settings.endpoint;
    }

    /** @return the project that runs the query, if set (else the key's {@code project_id}) */
    public Optional<String> queryProject() {
        return Optional.ofNullable(settings.queryProject);
    }

    /** @return the location of the export's dataset, if set */
    public Optional<String> location() {
        return Optional.ofNullable(settings.location);
    }

    /** @return the timeouts, retry policy and clock */
    public HttpSettings http() {
        return settings.http;
    }

    /** @return whether the project's labels are read as tags under {@value #PROJECT_LABEL_PREFIX} */
    public boolean projectLabels() {
        return settings.projectLabels;
    }

    /** @return whether each credit type is its own CREDIT record */
    public boolean creditTypes() {
        return settings.creditTypes;
    }

    @Override
    public ProviderId id() {
        return PROVIDER_ID;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    /** @return {@code serviceAccountKey} (secret), {@code table}, optional {@code billingAccountId} and {@code projectId} */
    @Override
    public CredentialSchema credentialSchema() {
        return ExportFetcher.SCHEMA;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Gets an access token with the key and dry-runs the export query (free of charge): checks the
     * key, the table and the service account's roles.
     *
     * @throws dev.billing.core.CredentialsRejectedException when the key or the access is refused
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.ProviderConfigurationException when the table or query project is not found
     * @throws dev.billing.core.BillingException any other failure, as for {@link #fetch}
     */
    @Override
    public void verify(ServiceAccount account) {
        fetcher.verify(account);
    }

    /**
     * @throws dev.billing.core.CredentialsRejectedException on HTTP 401, {@code invalid_grant} or {@code 403 accessDenied}
     * @throws dev.billing.core.InvalidCredentialsException when a credential is missing or malformed
     * @throws dev.billing.core.InvalidRequestException when BigQuery rejects the request (HTTP 400 other than
     *     {@code invalidQuery}, for example {@code bytesBilledLimitExceeded})
     * @throws dev.billing.core.RateLimitedException when {@code 429} or {@code rateLimitExceeded} outlived the retries
     * @throws dev.billing.core.ProviderUnavailableException when {@code backendError}, 5xx, a connection failure
     *     or a timeout outlived the retries, or the query ran longer than {@link Builder#maxPollWait}
     * @throws dev.billing.core.ProviderProtocolException on {@code invalidQuery}, a malformed answer, unexpected
     *     columns, a repeated {@code pageToken}
     * @throws dev.billing.core.ProviderConfigurationException on {@code 404 notFound} (the table or query project)
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        return fetcher.fetch(request, sink);
    }

    /** @return the id, endpoint, query project and location */
    @Override
    public String toString() {
        return "GcpBillingExportProvider[" + ID + ", endpoint=" + settings.endpoint + ", queryProject="
                + (settings.queryProject == null ? "(the key's project)" : settings.queryProject) + ", location="
                + (settings.location == null ? "(any)" : settings.location) + ", projectLabels=" + settings.projectLabels
                + ", creditTypes=" + settings.creditTypes + "]";
    }

    /** Builds a {@link GcpBillingExportProvider}. */
    public static final class Builder {
        private URI endpoint = URI.create(DEFAULT_ENDPOINT);
        private String queryProject;
        private String location;
        private HttpSettings http = HttpSettings.defaults();
        private Duration maxPollWait = Duration.ofMinutes(10);
        private int pageSize = 10_000;
        private long maximumBytesBilled;
        private boolean projectLabels;
        private boolean creditTypes;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.endpoint = endpoint;
            b.queryProject = queryProject;
            b.location = location;
            b.http = http;
            b.maxPollWait = maxPollWait;
            b.pageSize = pageSize;
            b.maximumBytesBilled = maximumBytesBilled;
            b.projectLabels = projectLabels;
            b.creditTypes = creditTypes;
            return b;
        }

        /**
         * @param endpoint the BigQuery API base URL (default {@value #DEFAULT_ENDPOINT}); {@code http://} only
         *     on a loopback host
         * @return this builder
         * @throws dev.billing.core.ProviderConfigurationException when not such a URL
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Endpoints.check(ID, "endpoint", Objects.requireNonNull(endpoint, "endpoint"),
                    DEFAULT_ENDPOINT);
            return this;
        }

        /**
         * @param project the project that runs (and pays for) the query; default the key's {@code project_id}
         * @return this builder
         * @throws IllegalArgumentException when not a GCP project id
         */
        public Builder queryProject(String project) {
            Objects.requireNonNull(project, "project");
            if (!project.matches("(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")) {
                throw new IllegalArgumentException("queryProject must be a GCP project id (6 to 30 lower-case letters,"
                        + " digits and hyphens, starting with a letter), got '" + project + "'");
            }
            this.queryProject = project;
            return this;
        }

        /**
         * @param location the location of the export's dataset, for example {@code US}, {@code EU} or
         *     {@code asia-northeast1}; default none (BigQuery finds it)
         * @return this builder
         * @throws IllegalArgumentException when not a location name
         */
        public Builder location(String location) {
            Objects.requireNonNull(location, "location");
            if (!location.matches("[A-Za-z][A-Za-z0-9-]{0,62}")) {
                throw new IllegalArgumentException("location must be a BigQuery location such as US, EU or"
                        + " asia-northeast1, got '" + location + "'");
            }
            this.location = location;
            return this;
        }

        /**
         * @param http timeouts (each call long-polls up to 10 s, within the request timeout), retry policy, and the
         *     clock JWT times, token expiry and {@code Retry-After} dates use (default {@link HttpSettings#defaults()});
         *     {@code maxConcurrentRequests} does not apply, a fetch sends one request at a time
         * @return this builder
         */
        public Builder http(HttpSettings http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * @param max how long a query may run (polled while {@code jobComplete} is false) before the
         *     fetch fails as unavailable (default 10 min)
         * @return this builder
         */
        public Builder maxPollWait(Duration max) {
            this.maxPollWait = Arguments.positive(max, "maxPollWait");
            return this;
        }

        /**
         * @param rows rows per page asked of BigQuery ({@code maxResults}, default 10,000)
         * @return this builder
         */
        public Builder pageSize(int rows) {
            if (rows < 1 || rows > 100_000) {
                throw new IllegalArgumentException("pageSize must be 1 to 100000, got " + rows);
            }
            this.pageSize = rows;
            return this;
        }

        /**
         * @param bytes the most bytes one query may bill ({@code maximumBytesBilled}); a query that would scan
         *     more fails without charge (default 0: no limit beyond the project's)
         * @return this builder
         */
        public Builder maximumBytesBilled(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maximumBytesBilled must not be negative, got " + bytes);
            }
            this.maximumBytesBilled = bytes;
            return this;
        }

        /**
         * @param read whether to read the labels of each row's GCP project ({@code project.labels}) as tags too, under
         *     the key {@value #PROJECT_LABEL_PREFIX}{@code <label key>} (default false: the query returns the contract's
         *     columns only; true adds the column {@code project_labels})
         * @return this builder
         */
        public Builder projectLabels(boolean read) {
            this.projectLabels = read;
            return this;
        }

        /**
         * @param split whether each credit type of a row is its own CREDIT record, its usage type
         *     {@value #CREDIT_TYPE_PREFIX}{@code <credits.type>} (for example {@code credit:SUSTAINED_USAGE_DISCOUNT}),
         *     instead of one CREDIT record of the row's credits of every type (default false; true adds the column
         *     {@code credits_by_type}). The totals are the same either way.
         * @return this builder
         */
        public Builder creditTypes(boolean split) {
            this.creditTypes = split;
            return this;
        }

        /** @return the provider */
        public GcpBillingExportProvider build() {
            return new GcpBillingExportProvider(this);
        }

    }
}
