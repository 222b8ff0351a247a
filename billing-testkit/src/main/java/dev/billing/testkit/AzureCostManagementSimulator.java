package dev.billing.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.Credentials;
import dev.billing.core.spi.BillingProvider;
import dev.billing.testkit.internal.LoopbackServer;
import dev.billing.testkit.internal.AzureHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Microsoft identity platform token endpoint and the Azure Cost Management Query API on one
 * loopback port: {@code POST /{tenantId}/oauth2/v2.0/token} (client credentials, checking the client
 * secret, answering AADSTS errors) and {@code POST {scope}/providers/Microsoft.CostManagement/query}
 * (checking the bearer token and the principal's scopes, Daily rows grouped by the asked dimensions
 * with the API's inclusive end date, {@code properties.columns}/{@code rows}/{@code nextLink} paging).
 * Per-scope {@link Fault faults} ({@link #fault(String, Fault)}): 429 with the Cost Management ratelimit headers,
 * transient 503, a hang, rows outside the period, and the other wire faults.
 * Managed identity token endpoints: IMDS ({@code GET /metadata/identity/oauth2/token}, refusing a request without
 * {@code Metadata: true}) and App Service ({@code GET /msi/token} with {@code X-IDENTITY-HEADER}, see
 * {@link #appServiceEnvironment()}), for {@link Builder#systemAssignedIdentity} and {@link Builder#userAssignedIdentity}.
 *
 * <pre>{@code
 * try (AzureCostManagementSimulator sim = AzureCostManagementSimulator.builder()
 *         .principal("tenant-1", "client-1", "s3cret")
 *         .row(AzureCostManagementSimulator.Row.of("sub-1", LocalDate.of(2026, 1, 5), "Storage", "westeurope", "EUR", new BigDecimal("1.25")))
 *         .start()) {
 *     String url = sim.endpoint(); // both the provider's 'endpoint' and 'authority'
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AzureCostManagementSimulator implements AutoCloseable {
    private final AzureHandler handler;
    private final HttpServer server;
    private final ExecutorService threads;

    private AzureCostManagementSimulator(Builder b) throws IOException {
        this.server = LoopbackServer.create(b.port, 64);
        this.handler = new AzureHandler(b.principals, b.billingAccounts, b.rows, b.pageSize, b.tokenLifetime,
                b.identities, b.systemIdentity);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "azure-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", handler);
        server.setExecutor(threads);
        server.start();
    }

    /** The tenant of the app registration {@link #of(ContractData)} knows. */
    public static final String CONTRACT_TENANT = "contract.onmicrosoft.com";
    /** The client id of that app registration. */
    public static final String CONTRACT_CLIENT = "c0c0c0c0-0000-4000-8000-00000000c0c0";
    /** Its client secret. */
    public static final String CONTRACT_SECRET = "contract~Cl1ent.SeCrEt";

    /**
     * A simulator for {@link ProviderContract}: each account of the data is a billing account (scope
     * {@link #billingAccountScope(String)}), each row's sub account a subscription billed to it; one app
     * registration ({@link #CONTRACT_CLIENT}) may read every scope; pages of {@link ContractData#pageSize()}
     * rows.
     *
     * @param data the crafted rows
     * @return the running simulator
     */
    public static AzureCostManagementSimulator of(ContractData data) {
        List<Row> rows = new ArrayList<>();
        for (ContractData.Row r : data.rows()) {
            rows.add(new Row(r.account(), r.subAccount(), "rg-" + r.subAccount(), r.date(), r.service(), r.region(), "Usage",
                    r.currency(), r.amount()));
        }
        return builder().principal(CONTRACT_TENANT, CONTRACT_CLIENT, CONTRACT_SECRET).rows(rows).pageSize(data.pageSize())
                .start();
    }

    /**
     * @param account an account of {@link ContractData}
     * @return its scope, {@code /providers/Microsoft.Billing/billingAccounts/{account}}
     */
    public static String billingAccountScope(String account) {
        return "/providers/Microsoft.Billing/billingAccounts/" + account;
    }

    /**
     * @param provider an {@code azure-cost-management} provider whose endpoint and authority are {@link #endpoint()}
     * @return the target {@link ProviderContract} runs against; closing it closes the provider and this simulator
     */
    public ContractTarget contractTarget(BillingProvider provider) {
        AzureCostManagementSimulator simulator = this;
        return new ContractTarget() {
            @Override
            public BillingProvider provider() {
                return provider;
            }

            @Override
            public Credentials credentials(String account) {
                return Credentials.of(Map.of("tenantId", CONTRACT_TENANT, "clientId", CONTRACT_CLIENT,
                        "clientSecret", CONTRACT_SECRET, "scope", billingAccountScope(account)));
            }

            @Override
            public Credentials rejectedCredentials(String account) {
                return Credentials.of(Map.of("tenantId", CONTRACT_TENANT, "clientId", CONTRACT_CLIENT,
                        "clientSecret", "wrong~" + CONTRACT_SECRET, "scope", billingAccountScope(account)));
            }

            @Override
            public void fault(String account, Fault fault) {
                simulator.fault(billingAccountScope(account), fault);
            }

            @Override
            public int costRequests(String account) {
                return simulator.queryRequests(billingAccountScope(account));
            }

            @Override
            public void close() {
                provider.close();
                simulator.close();
            }
        };
    }

    /** @return a builder: no principals, no rows, any free port, 1000 rows per page, one-hour tokens */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the base URL of both APIs, for example {@code http://127.0.0.1:49152} */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Faults of a scope's queries. A throttle is {@code 429} with the wait in whole seconds (an HTTP date's, from
     * now, rounded up) in {@code x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after}, {@code ...-entity-},
     * {@code ...-tenant-retry-after} and {@code x-ms-ratelimit-microsoft.consumption-retry-after}; a server error
     * is {@code ServiceUnavailable} (503) or {@code InternalServerError}; {@link Fault#error} sends its code as
     * {@code error.code}; a rejected key is {@code 401 InvalidAuthenticationToken}. The data fault
     * {@link Fault#rowsOutsidePeriod()} makes answers also carry the day after the asked period, as a lenient
     * server might.
     *
     * @param scope a scope such as {@code /subscriptions/sub-1}
     * @param fault a fault for its queries, from now on
     * @throws IllegalArgumentException for another data fault
     */
    public void fault(String scope, Fault fault) {
        handler.fault(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(fault, "fault"));
    }

    /** Removes every fault and releases waiting requests. */
    public void clearFaults() {
        handler.clearFaults();
    }

    /**
     * Issues a token as if the principal had authenticated, for hosts that bring their own token source.
     *
     * @param tenantId the tenant
     * @param clientId a client of that tenant
     * @return a bearer token valid for the configured lifetime
     */
    public String issueToken(String tenantId, String clientId) {
        return handler.issue(tenantId, clientId);
    }

    /** @return the IMDS base URL, for the provider's {@code imdsEndpoint}: {@link #endpoint()} */
    public String imdsEndpoint() {
        return endpoint();
    }

    /**
     * @return the environment an App Service / Functions app sees: {@code IDENTITY_ENDPOINT} (this simulator's
     *     identity endpoint) and {@code IDENTITY_HEADER} (the secret it checks)
     */
    public Map<String, String> appServiceEnvironment() {
        return Map.of("IDENTITY_ENDPOINT", endpoint() + AzureHandler.APP_SERVICE_PATH, "IDENTITY_HEADER", handler.identityHeader());
    }

    /** Makes every token issued so far expired, so that the next query with one is answered {@code 401}. */
    public void expireTokens() {
        handler.expireTokens();
    }

    /**
     * @param clientId a client id (of an app registration or a managed identity)
     * @return the token requests naming it so far, refused ones included
     */
    public int tokenRequests(String clientId) {
        return handler.tokenRequests(clientId);
    }

    /**
     * @param scope a scope
     * @return the query requests on it so far, pages, refused and faulted ones included
     */
    public int queryRequests(String scope) {
        return handler.queryRequests(scope);
    }

    /** @return every query body received so far, as JSON text, in arrival order */
    public List<String> queryBodies() {
        return handler.bodies();
    }

    /** Stops the server, releases hanging requests and stops the threads. */
    @Override
    public void close() {
        handler.close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "AzureCostManagementSimulator[" + endpoint() + "]";
    }

    /**
     * One cost line the simulator sums into its answers.
     *
     * @param billingAccount the billing account it is billed to, or {@code ""}
     * @param subscriptionId the subscription, or {@code ""}
     * @param resourceGroup the resource group, or {@code ""}
     * @param date the usage day
     * @param service the {@code ServiceName}
     * @param location the {@code ResourceLocation}
     * @param chargeType the {@code ChargeType}, for example {@code Usage}
     * @param currency the billing currency code
     * @param cost the exact cost of an {@code ActualCost} (or {@code Usage}) query
     * @param amortizedCost the exact cost of an {@code AmortizedCost} query
     * @param tags the resource's tags, name to value (names as the resource spells them; queries match them
     *     case-insensitively, as Azure does)
     */
    public record Row(String billingAccount, String subscriptionId, String resourceGroup, LocalDate date, String service,
                      String location, String chargeType, String currency, BigDecimal cost, BigDecimal amortizedCost,
                      Map<String, String> tags) {
        /** Validates presence and copies the tags. */
        public Row {
            tags = Map.copyOf(tags);
            Objects.requireNonNull(billingAccount, "billingAccount");
            Objects.requireNonNull(subscriptionId, "subscriptionId");
            Objects.requireNonNull(resourceGroup, "resourceGroup");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(chargeType, "chargeType");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(amortizedCost, "amortizedCost");
        }

        /**
         * A row without tags.
         *
         * @param billingAccount the billing account, or {@code ""}
         * @param subscriptionId the subscription, or {@code ""}
         * @param resourceGroup the resource group, or {@code ""}
         * @param date the usage day
         * @param service the {@code ServiceName}
         * @param location the {@code ResourceLocation}
         * @param chargeType the {@code ChargeType}
         * @param currency the billing currency code
         * @param cost the exact cost of an {@code ActualCost} query
         * @param amortizedCost the exact cost of an {@code AmortizedCost} query
         */
        public Row(String billingAccount, String subscriptionId, String resourceGroup, LocalDate date, String service,
                   String location, String chargeType, String currency, BigDecimal cost, BigDecimal amortizedCost) {
            this(billingAccount, subscriptionId, resourceGroup, date, service, location, chargeType, currency, cost,
                    amortizedCost, Map.of());
        }

        /**
         * A row whose amortized cost is its cost.
         *
         * @param billingAccount the billing account, or {@code ""}
         * @param subscriptionId the subscription, or {@code ""}
         * @param resourceGroup the resource group, or {@code ""}
         * @param date the usage day
         * @param service the {@code ServiceName}
         * @param location the {@code ResourceLocation}
         * @param chargeType the {@code ChargeType}
         * @param currency the billing currency code
         * @param cost the exact cost, actual and amortized
         */
        public Row(String billingAccount, String subscriptionId, String resourceGroup, LocalDate date, String service,
                   String location, String chargeType, String currency, BigDecimal cost) {
            this(billingAccount, subscriptionId, resourceGroup, date, service, location, chargeType, currency, cost, cost);
        }

        /**
         * @param subscriptionId the subscription
         * @param date the day
         * @param service the service
         * @param location the location
         * @param currency the currency code
         * @param cost the cost
         * @return a usage row of that subscription, no billing account, resource group {@code rg-default}
         */
        public static Row of(String subscriptionId, LocalDate date, String service, String location, String currency,
                             BigDecimal cost) {
            return new Row("", subscriptionId, "rg-default", date, service, location, "Usage", currency, cost);
        }

        /**
         * @param group the resource group
         * @return a copy in that resource group
         */
        public Row inResourceGroup(String group) {
            return new Row(billingAccount, subscriptionId, group, date, service, location, chargeType, currency, cost,
                    amortizedCost, tags);
        }

        /**
         * @param type the {@code ChargeType}, for example {@code Purchase}, {@code Refund}, {@code Tax},
         *     {@code UnusedReservation}
         * @return a copy of that charge type
         */
        public Row charged(String type) {
            return new Row(billingAccount, subscriptionId, resourceGroup, date, service, location, type, currency, cost,
                    amortizedCost, tags);
        }

        /**
         * @param account the billing account
         * @return a copy billed to that billing account
         */
        public Row inBillingAccount(String account) {
            return new Row(account, subscriptionId, resourceGroup, date, service, location, chargeType, currency, cost,
                    amortizedCost, tags);
        }

        /**
         * @param amount the cost an {@code AmortizedCost} query sums for it, for example 0 for a reservation
         *     purchase, or the share of a reservation for its usage
         * @return a copy with that amortized cost
         */
        public Row amortized(BigDecimal amount) {
            return new Row(billingAccount, subscriptionId, resourceGroup, date, service, location, chargeType, currency, cost,
                    amount, tags);
        }

        /**
         * @param name a tag name
         * @param value its value
         * @return a copy whose resource also has that tag
         */
        public Row tagged(String name, String value) {
            Map<String, String> t = new java.util.HashMap<>(tags);
            t.put(name, value);
            return new Row(billingAccount, subscriptionId, resourceGroup, date, service, location, chargeType, currency, cost,
                    amortizedCost, t);
        }
    }

    /**
     * An app registration the token endpoint knows.
     *
     * @param tenantId its tenant
     * @param clientId its client id
     * @param clientSecret its secret; never in {@link #toString()}
     * @param scopes the scopes it may query (the scope itself and everything under it); empty: every scope
     */
    public record Principal(String tenantId, String clientId, String clientSecret, List<String> scopes) {
        /** Validates presence and copies the scopes. */
        public Principal {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            scopes = scopes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        }

        @Override
        public String toString() {
            return "Principal[tenantId=" + tenantId + ", clientId=" + clientId + ", clientSecret=***, scopes=" + scopes + "]";
        }
    }

    /** Configures and starts an {@link AzureCostManagementSimulator}. */
    public static final class Builder {
        private final List<Principal> principals = new ArrayList<>();
        private final Map<String, Principal> identities = new java.util.HashMap<>();
        private String systemIdentity;
        private final java.util.Map<String, List<String>> billingAccounts = new java.util.LinkedHashMap<>();
        private final List<Row> rows = new ArrayList<>();
        private int port;
        private int pageSize = 1000;
        private Duration tokenLifetime = Duration.ofSeconds(3599);

        private Builder() {
        }

        /**
         * @param tenantId the tenant
         * @param clientId the client id
         * @param clientSecret the secret the token endpoint accepts
         * @param scopes the scopes it may query; none: every scope
         * @return this builder
         */
        public Builder principal(String tenantId, String clientId, String clientSecret, String... scopes) {
            principals.add(new Principal(tenantId, clientId, clientSecret, List.of(scopes)));
            return this;
        }

        /**
         * @param clientId the client id of the resource's system-assigned managed identity (the one IMDS and the App
         *     Service endpoint answer for when a request names no {@code client_id})
         * @param scopes the scopes it may query; none: every scope
         * @return this builder
         */
        public Builder systemAssignedIdentity(String clientId, String... scopes) {
            this.systemIdentity = clientId;
            return userAssignedIdentity(clientId, scopes);
        }

        /**
         * @param clientId the client id of a user-assigned managed identity of the resource
         * @param scopes the scopes it may query; none: every scope
         * @return this builder
         */
        public Builder userAssignedIdentity(String clientId, String... scopes) {
            identities.put(clientId.toLowerCase(Locale.ROOT), new Principal("managed-identity", clientId, "", List.of(scopes)));
            return this;
        }

        /**
         * @param id a billing account id
         * @param subscriptionIds the subscriptions billed to it
         * @return this builder
         */
        public Builder billingAccount(String id, String... subscriptionIds) {
            billingAccounts.put(id.toLowerCase(Locale.ROOT), List.of(subscriptionIds));
            return this;
        }

        /**
         * @param row a cost line
         * @return this builder
         */
        public Builder row(Row row) {
            rows.add(Objects.requireNonNull(row, "row"));
            return this;
        }

        /**
         * @param more cost lines
         * @return this builder
         */
        public Builder rows(List<Row> more) {
            rows.addAll(more);
            return this;
        }

        /**
         * @param port the loopback port, 0 (the default) for any free port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param pageSize rows per answer before {@code nextLink} (default 1000)
         * @return this builder
         */
        public Builder pageSize(int pageSize) {
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * @param lifetime the {@code expires_in} of issued tokens (default 3599 s)
         * @return this builder
         */
        public Builder tokenLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("lifetime must be positive");
            }
            this.tokenLifetime = lifetime;
            return this;
        }

        /**
         * @return the running simulator
         * @throws UncheckedIOException when the port cannot be bound
         */
        public AzureCostManagementSimulator start() {
            try {
                return new AzureCostManagementSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Azure simulator on 127.0.0.1:" + port, e);
            }
        }
    }
}
