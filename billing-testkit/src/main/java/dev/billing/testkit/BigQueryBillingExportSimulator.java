package dev.billing.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.billing.testkit.internal.LoopbackServer;
import dev.billing.testkit.internal.BigQueryExportHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Google token endpoint and the two BigQuery REST calls the {@code gcp-billing-export} provider
 * makes, on a loopback port, serving crafted rows of a Cloud Billing standard usage cost export
 * table:
 * <ul>
 *   <li>{@code POST /token}: the JWT bearer grant; the JWT's RS256 signature is verified against
 *       the public key of a key this simulator issued ({@link #serviceAccountKey}), and its
 *       {@code aud}, {@code iat} and {@code exp}; answers an access token carrying the JWT's
 *       {@code scope}, or {@code 400 invalid_grant};</li>
 *   <li>{@code POST /bigquery/v2/projects/{project}/queries} ({@code jobs.query}) and
 *       {@code GET /bigquery/v2/projects/{project}/queries/{jobId}} ({@code jobs.getQueryResults}),
 *       with the bearer token checked, {@code jobComplete: false} for the first answers
 *       ({@link Builder#pendingPolls}), pages of {@link Builder#pageSize} rows with {@code pageToken},
 *       NUMERIC values as decimal strings, and BigQuery's error bodies. A token whose scopes the
 *       method does not accept in Google's discovery document is refused {@code 403
 *       insufficientPermissions}, as BigQuery refuses it.</li>
 * </ul>
 * The query's partition filter is honoured: only rows whose partition ({@link ExportRow#exportTime})
 * the query reads are seen, and {@code totalBytesProcessed} is {@value
 * dev.billing.testkit.internal.BigQueryExportHandler#ROW_BYTES} bytes per row of those partitions.
 * It does not parse SQL: it accepts exactly the provider's query text ({@link #expectedQuery}) for
 * its table, with or without its opt-in columns ({@code project_labels}, {@code credits_by_type}: served only when
 * the query asks for them), checks the four named parameters' names and types, and evaluates them itself (the
 * query's filters, {@code CAST(... AS NUMERIC)} and grouping). A result column that names a field the standard
 * usage cost export does not have is refused {@code 400 invalidQuery} with BigQuery's message, as BigQuery refuses
 * it. {@link Fault Faults} are injected per billing account (the {@code @billing_account} parameter).
 *
 * <pre>{@code
 * try (BigQueryBillingExportSimulator sim = BigQueryBillingExportSimulator.builder()
 *         .rows(rows).pageSize(100).pendingPolls(1).start()) {
 *     String key = sim.serviceAccountKey("billing-reader@my-project.iam.gserviceaccount.com");
 *     // provider setting endpoint = sim.endpoint(); credentials serviceAccountKey = key, table = sim.table()
 * }
 * }</pre>
 *
 * <p>Small answers are sent without delay: like every simulator of the testkit, it sets the JDK
 * server's TCP_NODELAY switch ({@code sun.net.httpserver.nodelay}) unless the host set it already.
 */
public final class BigQueryBillingExportSimulator implements AutoCloseable {
    /** The table served unless the builder names another. */
    public static final String DEFAULT_TABLE = "billing-admin-project.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01";
    /** The key's {@code project_id} unless the builder names another. */
    public static final String DEFAULT_PROJECT = "billing-admin-project";

    private final BigQueryExportHandler handler;
    private final HttpServer server;
    private final ExecutorService threads;

    private BigQueryBillingExportSimulator(Builder b) throws IOException {
        this.server = LoopbackServer.create(b.port, 64);
        this.handler = new BigQueryExportHandler(b.table, b.projectId, List.copyOf(b.rows), b.pageSize, b.pendingPolls,
                b.tokenLifetime, "http://127.0.0.1:" + server.getAddress().getPort());
        b.faults.forEach(f -> handler.fault(f.account, f.fault));
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bigquery-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", handler);
        server.setExecutor(threads);
        server.start();
    }

    /** @return a builder: no rows, {@link #DEFAULT_TABLE}, 1,000 rows per page, no pending polls */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The provider's query text for a table, as the simulator accepts it. The provider and this
     * simulator must agree on it word for word: a change to the provider's query changes this.
     *
     * @param table {@code project.dataset.table}
     * @return the query text
     */
    public static String expectedQuery(String table) {
        return BigQueryExportHandler.expectedQuery(table, false, false);
    }

    /**
     * The provider's query text with its opt-in result columns, as the simulator accepts it: {@code project_labels}
     * ({@code TO_JSON_STRING(project.labels)}, grouped) and {@code credits_by_type} (the group's credits summed per
     * {@code credits.type}), after {@code cost_at_list}, in that order.
     *
     * @param table {@code project.dataset.table}
     * @param projectLabels whether the query returns {@code project_labels}
     * @param creditTypes whether the query returns {@code credits_by_type}
     * @return the query text
     */
    public static String expectedQuery(String table, boolean projectLabels, boolean creditTypes) {
        return BigQueryExportHandler.expectedQuery(table, projectLabels, creditTypes);
    }

    /** @return the BigQuery base URL, for example {@code http://127.0.0.1:49152}: the provider setting {@code endpoint} */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return the token endpoint, the {@code token_uri} of the keys this simulator issues */
    public String tokenUri() {
        return endpoint() + "/token";
    }

    /** @return the table served, for the credential {@code table} */
    public String table() {
        return handler.table();
    }

    /**
     * Issues a trusted service-account key: a new RSA key pair whose public key the token endpoint
     * verifies JWTs with.
     *
     * @param clientEmail the service account's e-mail
     * @return the key file's JSON text ({@code token_uri} pointing at this simulator)
     */
    public String serviceAccountKey(String clientEmail) {
        return handler.issueKey(Objects.requireNonNull(clientEmail, "clientEmail"), true);
    }

    /**
     * @param clientEmail the service account's e-mail
     * @return a well-formed key file for that account whose key the token endpoint does not trust
     *     (answers {@code 400 invalid_grant}, as for a deleted key)
     */
    public String untrustedServiceAccountKey(String clientEmail) {
        return handler.issueKey(Objects.requireNonNull(clientEmail, "clientEmail"), false);
    }

    /**
     * The metadata server of Application Default Credentials, on this simulator's port: {@code GET
     * /computeMetadata/v1/instance/service-accounts/default/token} and {@code .../project/project-id}, refused
     * {@code 403} without the header {@code Metadata-Flavor: Google}, as Google's metadata server refuses them.
     *
     * @return the host and port, for {@code GCE_METADATA_HOST}, for example {@code 127.0.0.1:49152}
     */
    public String metadataHost() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @param clientEmail the service account attached to the workload: the metadata server hands out its tokens
     *     (scope {@code cloud-platform}); null for none (the token path answers {@code 404})
     */
    public void attachServiceAccount(String clientEmail) {
        handler.attach(clientEmail);
    }

    /**
     * @param userEmail the user
     * @return an {@code authorized_user} file's JSON text, as {@code gcloud auth application-default login} writes it
     *     ({@code client_id}, {@code client_secret}, {@code refresh_token}, {@code quota_project_id}), with a
     *     {@code token_uri} pointing at this simulator, whose refresh grant answers the user's tokens
     */
    public String authorizedUserCredentials(String userEmail) {
        return handler.issueUser(Objects.requireNonNull(userEmail, "userEmail"));
    }

    /**
     * A workload identity pool provider that trusts one subject token, and its {@code external_account} file: the
     * Security Token Service ({@code POST /v1/token}, the RFC 8693 token exchange) and, when {@code impersonates} is
     * given, the IAM Credentials API ({@code POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken}) on this
     * simulator's port.
     *
     * @param subjectTokenFile the file the configuration names as {@code credential_source.file} (the caller writes
     *     {@link WorkloadIdentity#subjectToken()} there)
     * @param impersonates the service account the federated identity may impersonate
     *     ({@code service_account_impersonation_url}), or null to use the federated token directly
     * @return the configuration's JSON text and the trusted subject token
     */
    public WorkloadIdentity workloadIdentity(java.nio.file.Path subjectTokenFile, String impersonates) {
        String[] pool = handler.issuePool(impersonates);
        com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("type", "external_account").put("audience", pool[0])
                .put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
                .put("token_url", endpoint() + "/v1/token");
        json.putObject("credential_source").put("file", subjectTokenFile.toString());
        if (impersonates != null) {
            json.put("service_account_impersonation_url", endpoint() + "/v1/projects/-/serviceAccounts/" + impersonates
                    + ":generateAccessToken");
        }
        return new WorkloadIdentity(json.toPrettyString(), pool[1]);
    }

    /**
     * @param configuration the {@code external_account} file's JSON text
     * @param subjectToken the subject token the pool trusts (a secret)
     */
    public record WorkloadIdentity(String configuration, String subjectToken) {
        /** Validates presence. */
        public WorkloadIdentity {
            Objects.requireNonNull(configuration, "configuration");
            Objects.requireNonNull(subjectToken, "subjectToken");
        }

        /** @return the configuration only: the subject token is a secret */
        @Override
        public String toString() {
            return "WorkloadIdentity[" + configuration.length() + " characters of configuration]";
        }
    }

    /** @return metadata server requests answered so far (refused ones included) */
    public int metadataRequests() {
        return handler.metadataRequests();
    }

    /** @return token exchange requests ({@code /v1/token}) answered so far */
    public int stsRequests() {
        return handler.stsRequests();
    }

    /** @return {@code generateAccessToken} requests answered so far */
    public int impersonationRequests() {
        return handler.impersonationRequests();
    }

    /**
     * @param clientEmail a service account that from now on lacks the BigQuery roles: its queries are
     *     answered {@code 403 accessDenied}
     */
    public void denyAccess(String clientEmail) {
        handler.denyAccess(clientEmail);
    }

    /** Revokes every access token issued so far: BigQuery answers them {@code 401}. */
    public void revokeTokens() {
        handler.revokeTokens();
    }

    /**
     * Faults of the queries of a billing account ({@code jobs.query} and {@code jobs.getQueryResults}). A throttle
     * is {@code 429} with reason {@code rateLimitExceeded} and {@code Retry-After} (BigQuery's other rate-limit
     * answer, {@code 403 rateLimitExceeded} without {@code Retry-After}, is
     * {@code Fault.error(times, 403, "rateLimitExceeded", message)}); a server error has reason
     * {@code backendError}; {@link Fault#error} sends its code as the reason (for example {@code invalidQuery}); a
     * rejected key is {@code 401 authError}. It takes no data faults.
     *
     * @param billingAccount the {@code @billing_account} value the fault applies to ({@code ""}: queries over all)
     * @param fault the fault, from now on
     * @throws IllegalArgumentException for a data fault
     */
    public void fault(String billingAccount, Fault fault) {
        handler.fault(Objects.requireNonNull(billingAccount, "billingAccount"), Objects.requireNonNull(fault, "fault"));
    }

    /** Removes every fault and releases waiting requests. */
    public void clearFaults() {
        handler.clearFaults();
    }

    /** @return the token requests answered so far */
    public int tokenRequests() {
        return handler.tokenRequests();
    }

    /** @return the {@code jobs.query} requests answered so far */
    public int queryRequests() {
        return handler.queryRequests();
    }

    /** @return the {@code jobs.getQueryResults} requests answered so far */
    public int resultRequests() {
        return handler.resultRequests();
    }

    /** @return the body of the last {@code jobs.query} request, or null */
    public String lastQueryRequest() {
        return handler.lastQueryRequest();
    }

    /** Stops the server; hanging requests are released. */
    @Override
    public void close() {
        handler.close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "BigQueryBillingExportSimulator[" + endpoint() + ", " + handler.table() + "]";
    }

    /**
     * A credit on an export row (an element of the {@code credits} array).
     *
     * @param name the credit's name, for example {@code Sustained usage discount}
     * @param type the credit's type, for example {@code SUSTAINED_USAGE_DISCOUNT}
     * @param amount the amount, negative
     */
    public record Credit(String name, String type, BigDecimal amount) {
        /** Validates presence. */
        public Credit {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(amount, "amount");
        }
    }

    /**
     * One row of the standard usage cost export, with the columns the query reads.
     *
     * @param billingAccountId {@code billing_account_id}
     * @param projectId {@code project.id}, or null (for example for tax)
     * @param service {@code service.description}
     * @param sku {@code sku.description}
     * @param region {@code location.region}, or null for global services
     * @param usageStartTime {@code usage_start_time}
     * @param costType {@code cost_type}: {@code regular}, {@code tax}, {@code adjustment} or {@code rounding_error}
     * @param currency {@code currency}
     * @param cost {@code cost} (a FLOAT64 in BigQuery; the query casts it to NUMERIC, 9 decimals)
     * @param credits {@code credits}
     * @param exportTime {@code export_time}: the row lies in the ingestion-time partition
     *     ({@code _PARTITIONTIME}) of this instant's UTC day; not before {@code usageStartTime}
     * @param labels {@code labels}, key to value, in the array's order
     * @param costAtList {@code cost_at_list} (FLOAT64), or null
     * @param projectLabels {@code project.labels}, key to value, in the array's order
     */
    public record ExportRow(String billingAccountId, String projectId, String service, String sku, String region,
                            Instant usageStartTime, String costType, String currency, BigDecimal cost,
                            List<Credit> credits, Instant exportTime, Map<String, String> labels, BigDecimal costAtList,
                            Map<String, String> projectLabels) {
        /** Validates presence and copies the credits. */
        public ExportRow {
            Objects.requireNonNull(billingAccountId, "billingAccountId");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(sku, "sku");
            Objects.requireNonNull(usageStartTime, "usageStartTime");
            Objects.requireNonNull(costType, "costType");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(exportTime, "exportTime");
            if (exportTime.isBefore(usageStartTime)) {
                throw new IllegalArgumentException("exportTime must not be before usageStartTime");
            }
            credits = List.copyOf(credits);
            labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
            projectLabels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(projectLabels));
        }

        /**
         * A row exported when its usage starts (it lies in its usage day's partition), without labels, at list price
         * ({@code cost_at_list} = {@code cost}: the export fills {@code cost_at_list} on every line item; {@link
         * #listed} sets another, {@code listed(null)} none).
         */
        public ExportRow(String billingAccountId, String projectId, String service, String sku, String region,
                         Instant usageStartTime, String costType, String currency, BigDecimal cost, List<Credit> credits) {
            this(billingAccountId, projectId, service, sku, region, usageStartTime, costType, currency, cost, credits,
                    usageStartTime, Map.of(), cost, Map.of());
        }

        /** @param time the {@code export_time} @return this row, exported then (into that day's partition) */
        public ExportRow exportedAt(Instant time) {
            return new ExportRow(billingAccountId, projectId, service, sku, region, usageStartTime, costType, currency,
                    cost, credits, time, labels, costAtList, projectLabels);
        }

        /** @param rowLabels the {@code labels}, key to value, in order @return this row with them */
        public ExportRow labeled(Map<String, String> rowLabels) {
            return new ExportRow(billingAccountId, projectId, service, sku, region, usageStartTime, costType, currency,
                    cost, credits, exportTime, rowLabels, costAtList, projectLabels);
        }

        /** @param atList the {@code cost_at_list} @return this row with it */
        public ExportRow listed(BigDecimal atList) {
            return new ExportRow(billingAccountId, projectId, service, sku, region, usageStartTime, costType, currency,
                    cost, credits, exportTime, labels, atList, projectLabels);
        }

        /**
         * @param labelsOfTheProject {@code project.labels}, key to value, in order: the labels of the row's GCP project
         * @return this row with them
         */
        public ExportRow projectLabeled(Map<String, String> labelsOfTheProject) {
            return new ExportRow(billingAccountId, projectId, service, sku, region, usageStartTime, costType, currency,
                    cost, credits, exportTime, labels, costAtList, labelsOfTheProject);
        }

        /** @return the UTC day of the ingestion-time partition that holds this row */
        public LocalDate partition() {
            return exportTime.atOffset(ZoneOffset.UTC).toLocalDate();
        }

        /**
         * @return what this row adds to the provider's total: {@code CAST(cost AS NUMERIC)} plus every
         *     credit's amount cast the same way
         */
        public BigDecimal total() {
            BigDecimal t = numeric(cost);
            for (Credit c : credits) {
                t = t.add(numeric(c.amount()));
            }
            return t;
        }

        /**
         * @param value a FLOAT64 value
         * @return it as BigQuery's {@code CAST(value AS NUMERIC)} gives it: 9 decimals, half away from zero
         */
        public static BigDecimal numeric(BigDecimal value) {
            return value.scale() > 9 ? value.setScale(9, RoundingMode.HALF_UP) : value;
        }
    }

    /**
     * Crafted export rows for one billing account: every day, for each project, a few usage rows
     * (Compute Engine with a sustained-use credit, Cloud Storage, BigQuery), and on each month's first
     * day a tax row and an adjustment. Amounts have up to 6 decimals. The same seed gives the same rows.
     *
     * @param seed the random seed
     * @param billingAccountId the billing account
     * @param currency the currency of every row
     * @param projects the GCP projects
     * @param first the first day
     * @param days how many days
     * @return the rows
     */
    public static List<ExportRow> sampleRows(long seed, String billingAccountId, String currency, List<String> projects,
                                             LocalDate first, int days) {
        SplittableRandom random = new SplittableRandom(seed);
        int scale = currency.equals("JPY") || currency.equals("KRW") ? 2 : 6;
        BigDecimal magnitude = scale == 2 ? BigDecimal.valueOf(5000) : BigDecimal.valueOf(40);
        List<ExportRow> rows = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate day = first.plusDays(d);
            for (String project : projects) {
                Instant at = day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600L * random.nextInt(24));
                BigDecimal compute = amount(random, magnitude, scale);
                BigDecimal credit = compute.multiply(new BigDecimal("-0.2")).setScale(scale, RoundingMode.HALF_EVEN);
                rows.add(new ExportRow(billingAccountId, project, "Compute Engine", "N2 Instance Core running in Tokyo",
                        "asia-northeast1", at, "regular", currency, compute,
                        List.of(new Credit("Sustained usage discount", "SUSTAINED_USAGE_DISCOUNT", credit))));
                rows.add(new ExportRow(billingAccountId, project, "Cloud Storage", "Standard Storage US Multi-region",
                        "us", at, "regular", currency, amount(random, magnitude.movePointLeft(1), scale), List.of()));
                if (random.nextInt(3) == 0) {
                    rows.add(new ExportRow(billingAccountId, project, "BigQuery", "Analysis", null, at, "regular", currency,
                            amount(random, magnitude.movePointLeft(1), scale),
                            List.of(new Credit("Free tier", "FREE_TIER", amount(random, BigDecimal.ONE, scale).negate()))));
                }
            }
            if (day.getDayOfMonth() == 1) {
                Instant at = day.atStartOfDay().toInstant(ZoneOffset.UTC);
                rows.add(new ExportRow(billingAccountId, projects.get(0), "Invoice", "Tax", null, at, "tax", currency,
                        amount(random, magnitude, scale), List.of()));
                rows.add(new ExportRow(billingAccountId, projects.get(projects.size() - 1), "Invoice", "Adjustment", null, at,
                        "adjustment", currency, amount(random, BigDecimal.ONE, scale).negate(), List.of()));
            }
        }
        return rows;
    }

    private static BigDecimal amount(SplittableRandom random, BigDecimal magnitude, int scale) {
        long units = random.nextLong(1, magnitude.movePointRight(scale).longValueExact() + 1);
        return BigDecimal.valueOf(units, scale);
    }

    /** Configures and starts a {@link BigQueryBillingExportSimulator}. */
    public static final class Builder {
        private String table = DEFAULT_TABLE;
        private String projectId = DEFAULT_PROJECT;
        private final List<ExportRow> rows = new ArrayList<>();
        private int pageSize = 1_000;
        private int pendingPolls;
        private Duration tokenLifetime = Duration.ofHours(1);
        private int port;
        private final List<AccountFault> faults = new ArrayList<>();

        private record AccountFault(String account, Fault fault) {
        }

        private Builder() {
        }

        /**
         * @param table the export table served, {@code project.dataset.table}; queries of another table are
         *     answered {@code 404 notFound}
         * @return this builder
         */
        public Builder table(String table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * @param projectId the {@code project_id} of the keys issued
         * @return this builder
         */
        public Builder projectId(String projectId) {
            this.projectId = Objects.requireNonNull(projectId, "projectId");
            return this;
        }

        /**
         * @param rows export rows to serve (added to those given before)
         * @return this builder
         */
        public Builder rows(List<ExportRow> rows) {
            this.rows.addAll(rows);
            return this;
        }

        /**
         * @param pageSize the most result rows per answer (default 1,000; the request's {@code maxResults} may lower it)
         * @return this builder
         */
        public Builder pageSize(int pageSize) {
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1");
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * @param polls how many answers of each job say {@code jobComplete: false} first, the
         *     {@code jobs.query} answer included (default 0)
         * @return this builder
         */
        public Builder pendingPolls(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("pendingPolls must not be negative");
            }
            this.pendingPolls = polls;
            return this;
        }

        /**
         * @param lifetime the {@code expires_in} of access tokens (default 1 h)
         * @return this builder
         */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /**
         * @param port the loopback port, 0 (default) for any free port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param billingAccount the {@code @billing_account} value the fault applies to
         * @param fault the fault
         * @return this builder
         */
        public Builder fault(String billingAccount, Fault fault) {
            faults.add(new AccountFault(Objects.requireNonNull(billingAccount), Objects.requireNonNull(fault)));
            return this;
        }

        /**
         * @return the running simulator
         * @throws UncheckedIOException when the port cannot be bound
         */
        public BigQueryBillingExportSimulator start() {
            try {
                return new BigQueryBillingExportSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the BigQuery simulator on 127.0.0.1:" + port, e);
            }
        }
    }
}
