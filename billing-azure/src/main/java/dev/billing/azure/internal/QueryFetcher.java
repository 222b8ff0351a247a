package dev.billing.azure.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.azure.AzureAccessToken;
import dev.billing.azure.AzureTokenSource;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.support.Bounds;
import dev.billing.core.spi.CostSink;
import dev.billing.core.support.Endpoints;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Azure provider's work: verifies accounts and fetches costs with the Cost Management Query
 * API, one calendar month (at most 31 days) per query, following {@code nextLink} to the end, reading
 * columns by name and amounts exactly, dropping and counting rows outside each window.
 *
 * <p>A query has at most two groupings on every scope ({@code QueryDataset.grouping maxItems: 2} in
 * the 2023-11-01 specification), so each month is read by a plan of queries:
 * <ol>
 *   <li>on a billing account: {@code SubscriptionId} × {@code ChargeType}, which names the
 *       subscriptions with costs (rows without a subscription become records here);</li>
 *   <li>per subscription (the scope's, or each one named by step 1, as a {@code SubscriptionId} filter):
 *       {@code ServiceName} × {@code ChargeType}, whose rows of the non-usage charge types become
 *       records; and {@code ServiceName} × {@code ResourceLocation} filtered to the usage charge types
 *       ({@link #USAGE_CHARGE_TYPES}), whose rows become the usage records.</li>
 * </ol>
 * A subscription or resource group scope sends 2 queries a month; a billing account 1 + 2 × its
 * subscriptions with costs that month (more when answers are paged).
 *
 * <p>With tag names ({@code tagKeys} k1..kn), the second query of step 2 is replaced by a group of queries per
 * service that the first names and kind of charge (each filtered {@code ServiceName In [s]}, so that the location
 * or charge type and one tag fit in two groupings): the service's usage, grouped by {@code ResourceLocation}, and
 * its other charge types, grouped by {@code ChargeType}; see {@link Run#tagGroup}. A subscription or resource group
 * scope then sends 1 + Σ R(g) queries a month, over the groups g, R(g) = 1 + |C1(g)| + ... + |C(n-1)(g)|
 * ({@code docs/azure-cost-management.md}).
 */
public final class QueryFetcher {
    /** The Cost Management REST API version this provider implements. */
    public static final String API_VERSION = "2023-11-01";
    /** Bounds the pages of one window, so a server that keeps sending new links cannot loop us forever. */
    static final int MAX_PAGES_PER_WINDOW = 10_000;
    private static final Logger log = LoggerFactory.getLogger(QueryFetcher.class);
    private static final ProviderId PROVIDER_ID = ProviderId.of(AzureHttp.PROVIDER);
    /** The {@code ChargeType} values of usage: read with their location. */
    static final List<String> USAGE_CHARGE_TYPES = List.of("Usage", "UnusedReservation", "UnusedSavingsPlan");
    private static final Set<String> USAGE_TYPES_LOWER = Set.of("usage", "unusedreservation", "unusedsavingsplan");
    static final List<String> BY_SUBSCRIPTION = List.of("SubscriptionId", "ChargeType");
    static final List<String> BY_CHARGE = List.of("ServiceName", "ChargeType");
    static final List<String> BY_LOCATION = List.of("ServiceName", "ResourceLocation");

    private final URI endpoint;
    /** The query types of each planned query: billed from the first, effective from the last. */
    private final List<String> costTypes;
    private final int maxRequestsPerFetch;
    private final Clock clock;
    private final AzureHttp http;
    private final Tokens tokens;
    private final boolean hostTokenSource;
    /** The tag names read as tags, in order; empty for none. */
    private final List<String> tagKeys;
    /** What {@code tagKeys} must be, completing "must ...". */
    public static final String TAG_KEYS_REQUIREMENT = "name distinct, non-blank Azure tag names (compared"
            + " case-insensitively, as Azure compares tag names)";

    /**
     * @param endpoint the checked Resource Manager URL
     * @param authority the checked identity platform URL
     * @param costType the query's {@code type} for billed costs: {@code ActualCost} also queries {@code AmortizedCost}
     *     for effective costs; {@code AmortizedCost} alone gives both
     * @param tokenSource the host's token source, or null for client credentials and managed identities
     * @param imds the Instance Metadata Service URL managed identity tokens come from (checked here)
     * @param environment where the App Service identity endpoint ({@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER}) is read
     * @param settings timeouts, retries, and the clock for token expiry and {@code Retry-After} dates
     * @param maxRequestsPerFetch the most HTTP requests one fetch may send
     * @param tagKeys the tag names read as tags ({@link #validTagKeys}), empty for none
     */
    public QueryFetcher(URI endpoint, URI authority, String costType, AzureTokenSource tokenSource, URI imds,
                        Map<String, String> environment, HttpSettings settings, int maxRequestsPerFetch,
                        List<String> tagKeys) {
        if (!validTagKeys(tagKeys)) {
            throw new IllegalArgumentException("tagKeys must " + TAG_KEYS_REQUIREMENT + ", got " + tagKeys);
        }
        this.tagKeys = tagKeys.stream().map(String::trim).toList();
        this.endpoint = endpoint;
        this.costTypes = "ActualCost".equals(costType) ? List.of("ActualCost", "AmortizedCost") : List.of(costType);
        this.maxRequestsPerFetch = maxRequestsPerFetch;
        this.clock = settings.clock();
        this.http = new AzureHttp(settings);
        this.tokens = new Tokens(authority, http, tokenSource,
                new ManagedIdentity(ManagedIdentity.checkImds(AzureHttp.PROVIDER, imds), environment, http, clock), clock);
        this.hostTokenSource = tokenSource != null;
    }

    /**
     * @param keys tag names
     * @return whether each is non-blank and no two are the same name ignoring case and surrounding blanks: Azure
     *     tag names are case-insensitive (/work/shared/spec/providers.md), so {@code team} and {@code Team} name
     *     one tag
     */
    public static boolean validTagKeys(List<String> keys) {
        return keys.stream().allMatch(k -> k != null && !k.isBlank())
                && keys.stream().map(k -> k.trim().toLowerCase(Locale.ROOT)).distinct().count() == keys.size();
    }

    /**
     * The credentials, in two shapes: an app registration ({@code tenantId}, {@code clientId}, {@code clientSecret}
     * unless a host token source gives tokens) or a managed identity ({@code managedIdentity} {@code true}, with
     * {@code clientId} for a user-assigned identity, no {@code clientSecret}); each with {@code scope}. Which
     * fields a shape needs is checked when an account is used ({@link #principal}), the schema checks each field.
     */
    static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.text("tenantId", "Directory (tenant) id; required unless managedIdentity is true")
                    .matching("[A-Za-z0-9][A-Za-z0-9.-]*",
                            "be a directory (tenant) id: a GUID or a domain such as contoso.onmicrosoft.com").optional(),
            CredentialField.text("clientId", "Application (client) id; with managedIdentity, a user-assigned identity's")
                    .matching("[^\\s/?#&%]+", "be an application (client) id, without spaces or URL delimiters").optional(),
            CredentialField.secret("clientSecret", "Client secret of the app registration; required unless"
                    + " managedIdentity is true or the provider has a host token source").optional(),
            CredentialField.text("managedIdentity", "true: tokens from the Azure managed identity endpoint (IMDS, App"
                    + " Service)").matching("(?i)true|false", "be true or false").optional(),
            CredentialField.text("scope", "Cost Management scope").matching(Scope.REGEX, Scope.REQUIREMENT));

    /** @return the credential schema */
    public CredentialSchema schema() {
        return SCHEMA;
    }

    /**
     * Gets a token and runs a one-day query on the scope.
     *
     * @param account the service account
     * @throws BillingException as documented on the provider
     */
    public void verify(ServiceAccount account) {
        Principal p = principal(account);
        LocalDate day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
        AtomicInteger requests = new AtomicInteger();
        query(p, firstUrl(p), QueryJson.body(costTypes.get(0), day, day,
                p.scope().spansSubscriptions() ? BY_SUBSCRIPTION : BY_CHARGE, null, null), requests, Cancel.NEVER);
        log.debug("verified service account {}: scope {} answered a query for {}", p.serviceAccount(), p.scope().path(), day);
    }

    /**
     * @param request what to fetch
     * @param sink where records go
     * @return the stats
     * @throws BillingException as documented on the provider
     */
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        Principal p = principal(request.account());
        Run run = new Run(p, request, sink, Cancel.of(request.cancellation(), p.serviceAccount()));
        for (Window w : windows(request.period())) {
            List<String> subscriptions = new ArrayList<>();
            if (p.scope().spansSubscriptions()) {
                run.planned(w, BY_SUBSCRIPTION, null, null, row -> {
                    String s = row.subscription().trim();
                    if (!s.isEmpty() && !subscriptions.contains(s)) {
                        subscriptions.add(s); // named by either cost type
                    }
                    return s.isEmpty();
                });
            } else {
                subscriptions.add(null);
            }
            for (String subscription : subscriptions) {
                JsonNode unit = subscription == null ? null : QueryJson.in("SubscriptionId", List.of(subscription));
                if (tagKeys.isEmpty()) {
                    run.planned(w, BY_CHARGE, unit, subscription, row -> !isUsage(row.chargeType()));
                    run.planned(w, BY_LOCATION, QueryJson.and(unit, QueryJson.in("ChargeType", USAGE_CHARGE_TYPES)),
                            subscription, row -> true);
                } else {
                    tagged(run, w, unit, subscription);
                }
            }
        }
        log.debug("service account {}: fetched {} records for {} in {} pages, {} requests, {} rows dropped",
                p.serviceAccount(), run.records, request.period(), run.pages, run.requests.get(), run.dropped);
        return FetchStats.builder().records(run.records).requests(run.requests.get()).pages(run.pages)
                .droppedRows(run.dropped).build();
    }

    /**
     * The tag plan of one subscription (or the scope) and window: {@code ServiceName} × {@code ChargeType} names the
     * services and their charge types (no records), then {@link Run#tagGroup} reads each service's usage by
     * {@code ResourceLocation} and its other charge types by {@code ChargeType}.
     */
    private void tagged(Run run, Window w, JsonNode unit, String subscription) {
        Map<String, Set<String>> others = new LinkedHashMap<>();
        Set<String> usage = new LinkedHashSet<>();
        for (Key row : run.answers(w, BY_CHARGE, null, unit, subscription, null).keySet()) {
            Set<String> types = others.computeIfAbsent(row.service(), s -> new LinkedHashSet<>());
            if (isUsage(row.chargeType())) {
                usage.add(row.service());
            } else {
                types.add(row.chargeType());
            }
        }
        for (Map.Entry<String, Set<String>> e : others.entrySet()) {
            JsonNode service = QueryJson.and(unit, QueryJson.in("ServiceName", List.of(e.getKey())));
            if (usage.contains(e.getKey())) {
                run.tagGroup(w, "ResourceLocation", QueryJson.and(service, QueryJson.in("ChargeType", USAGE_CHARGE_TYPES)),
                        subscription, e.getKey());
            }
            if (!e.getValue().isEmpty()) {
                run.tagGroup(w, "ChargeType", QueryJson.and(service, QueryJson.in("ChargeType", List.copyOf(e.getValue()))),
                        subscription, e.getKey());
            }
        }
    }

    private static boolean isUsage(String chargeType) {
        return USAGE_TYPES_LOWER.contains(chargeType.trim().toLowerCase(Locale.ROOT));
    }

    private static BigDecimal[] zeros() {
        return new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO};
    }

    /** @return the absent (null) values of a tag combination */
    private static long absent(List<String> combination) {
        return combination.stream().filter(Objects::isNull).count();
    }

    /**
     * @return whether {@code r} is another combination with {@code c}'s value wherever {@code c} has one: its lines
     *     are in the answer of {@code c}'s query
     */
    static boolean refines(List<String> r, List<String> c) {
        if (r.equals(c)) {
            return false;
        }
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i) != null && !c.get(i).equals(r.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What makes two rows of one planned query the same line: the ActualCost row and the AmortizedCost row of
     * one key are one record. Values are compared exactly, as the API sent them.
     *
     * @param tag the value of the tag the query is grouped by; null without such a grouping, or where the line has
     *     no such tag ({@code TagValue} null)
     */
    record Key(LocalDate day, String subscription, String service, String location, String chargeType, String currency,
               String tag) {
    }

    /** One fetch's state: its counters, and the paging of each query of its plan. */
    private final class Run {
        final Principal p;
        final FetchRequest request;
        final CostSink sink;
        final Cancel cancel;
        final AtomicInteger requests = new AtomicInteger();
        final Map<String, Currency> currencies = new HashMap<>();
        int pages;
        long records;
        long dropped;

        Run(Principal p, FetchRequest request, CostSink sink, Cancel cancel) {
            this.p = p;
            this.request = request;
            this.sink = sink;
            this.cancel = cancel;
        }

        /**
         * Sends one query of the plan once per cost type ({@link #costTypes}) and matches the answers' rows by their
         * {@link Key}: a key only one type answers is 0 on the other side.
         *
         * @param tag the tag name the query groups by after {@code grouping}, or null
         * @param subscription the subscription the query is filtered to, or null
         * @param service the service the query is filtered to, or null
         * @return per key, the amount of each cost type, in the order of {@link #costTypes}
         */
        Map<Key, BigDecimal[]> answers(Window w, List<String> grouping, String tag, JsonNode filter, String subscription,
                                       String service) {
            Map<Key, BigDecimal[]> amounts = new LinkedHashMap<>();
            for (int t = 0; t < costTypes.size(); t++) {
                int side = t;
                pages(w, grouping, tag, filter, costTypes.get(t), page -> read(page, subscription, service, tag, (key, cost) -> {
                    BigDecimal[] a = amounts.computeIfAbsent(key, k -> zeros());
                    a[side] = a[side].add(cost);
                }));
            }
            return amounts;
        }

        /**
         * Sends one untagged query of the plan ({@link #answers}) and passes on a record per key that {@code keep}
         * selects.
         */
        void planned(Window w, List<String> grouping, JsonNode filter, String subscription, Predicate<Key> keep) {
            List<CostRecord> kept = new ArrayList<>();
            answers(w, grouping, null, filter, subscription, null).forEach((key, a) -> {
                if (keep.test(key)) {
                    record(w, key, a, Map.of(), kept);
                }
            });
            deliver(kept);
        }

        /**
         * Reads one group (a service's usage, or its other charge types) with every tag of {@link #tagKeys}, two
         * groupings per query ({@code dimension} and one {@code TagKey}). For key j (from 1) it sends one query
         * per combination c of values of the keys before j, filtered to c's values ({@code tags In [v]}) and
         * grouped by key j; the combinations for key j + 1 are c extended by each value of key j that c's query
         * answered, "absent" ({@code TagValue} null) included. A filter cannot select "absent"
         * ({@link QueryJson#tag}), so the query of a combination with absent values is unfiltered on those keys:
         * it answers the lines of c and of every combination that has a value where c has none (its refinements).
         * The last key's answers are therefore turned into each combination's own amounts by subtraction, per
         * cell (day, location or charge type, currency, value of the last key), combinations with fewer absent
         * values first: own(c) = answer(c) − Σ own(r) over the refinements r of c. The combinations of every key
         * include all those a line has (a line of c + v is in c's answer), so each line is counted exactly once
         * and the amounts are exact; a cell of a combination with absent values whose own amount is 0 on both
         * sides while a refinement answered the cell too is taken as empty (no record).
         *
         * <p>Requests, per cost type: R = 1 + |C1| + ... + |C(n-1)|, Cj being the combinations for key j + 1.
         *
         * @param dimension {@code ResourceLocation} or {@code ChargeType}
         * @param filter the group's filter (service, charge types, subscription)
         */
        void tagGroup(Window w, String dimension, JsonNode filter, String subscription, String service) {
            List<List<String>> combinations = List.of(List.of());
            Map<List<String>, Map<Key, BigDecimal[]>> last = new LinkedHashMap<>();
            for (int j = 0; j < tagKeys.size(); j++) {
                Set<List<String>> next = new LinkedHashSet<>();
                for (List<String> c : combinations) {
                    List<JsonNode> filters = new ArrayList<>(List.of(filter));
                    for (int i = 0; i < j; i++) {
                        if (c.get(i) != null) {
                            filters.add(QueryJson.tag(tagKeys.get(i), c.get(i)));
                        }
                    }
                    Map<Key, BigDecimal[]> a = answers(w, List.of(dimension), tagKeys.get(j),
                            QueryJson.and(filters.toArray(JsonNode[]::new)), subscription, service);
                    if (j == tagKeys.size() - 1) {
                        last.put(c, a);
                    } else {
                        for (Key k : a.keySet()) {
                            List<String> more = new ArrayList<>(c);
                            more.add(k.tag());
                            next.add(Collections.unmodifiableList(more));
                        }
                    }
                }
                combinations = List.copyOf(next);
            }
            List<CostRecord> kept = new ArrayList<>();
            own(w, last, kept);
            log.debug("service account {}: {} {} of {}: {} tag combinations of {} keys", p.serviceAccount(), service,
                    dimension, w, last.size(), tagKeys.size());
            deliver(kept);
        }

        /**
         * The records of each combination's own amounts: its answer minus the own amounts of its refinements
         * ({@link QueryFetcher#refines}), per cell, combinations with fewer absent values first.
         *
         * @param answers per combination of the keys before the last, its query's answer (grouped by the last key)
         */
        private void own(Window w, Map<List<String>, Map<Key, BigDecimal[]>> answers, List<CostRecord> kept) {
            List<List<String>> order = new ArrayList<>(answers.keySet());
            order.sort(Comparator.comparingLong(QueryFetcher::absent));
            Map<List<String>, Map<Key, BigDecimal[]>> owned = new HashMap<>();
            for (List<String> c : order) {
                Map<Key, BigDecimal[]> mine = new LinkedHashMap<>();
                answers.get(c).forEach((k, a) -> mine.put(k, a.clone()));
                Set<Key> refined = new HashSet<>();
                for (List<String> r : order) {
                    if (!refines(r, c)) {
                        continue;
                    }
                    owned.get(r).forEach((k, a) -> {
                        BigDecimal[] m = mine.get(k);
                        if (m == null) {
                            throw protocol(p, 200, "answered a cost for a tag value that the same query without"
                                    + " that tag's filter did not answer, for " + w + "; the tag amounts cannot be exact");
                        }
                        for (int side = 0; side < m.length; side++) {
                            m[side] = m[side].subtract(a[side]);
                        }
                    });
                    refined.addAll(answers.get(r).keySet());
                }
                owned.put(c, mine);
                mine.forEach((k, a) -> {
                    if (!refined.contains(k) || a[0].signum() != 0 || a[costTypes.size() - 1].signum() != 0) {
                        Map<String, String> tags = new HashMap<>();
                        for (int i = 0; i < tagKeys.size(); i++) {
                            String v = i < c.size() ? c.get(i) : k.tag();
                            tags.put(tagKeys.get(i), v == null ? "" : v);
                        }
                        record(w, k, a, tags, kept);
                    }
                });
            }
        }

        /**
         * Adds the record of a key, billed the first cost type's amount, effective the last's; a key outside the
         * window (a lenient server's extra day) is dropped and counted instead.
         */
        void record(Window w, Key key, BigDecimal[] a, Map<String, String> tags, List<CostRecord> into) {
            if (!w.contains(key.day())) {
                dropped++; // counted once for both cost types
                return;
            }
            Currency currency = currencies.computeIfAbsent(key.currency(), c -> currency(c, p));
            ServiceAccount account = request.account();
            into.add(CostRecord.builder().chargeDate(key.day()).provider(PROVIDER_ID)
                    .billingAccountId(p.scope().accountId()).subAccountId(p.scope().subAccountId(key.subscription()))
                    .serviceAccount(account.id()).project(account.project()).service(key.service())
                    .region(region(key.location())).chargeCategory(category(key.chargeType()))
                    .correction(isCorrection(key.chargeType())).tags(tags)
                    .billedCost(Money.of(a[0], currency))
                    .effectiveCost(Money.of(a[costTypes.size() - 1], currency)).build());
        }

        /** Passes the records of one query, or group of queries, on: after all of its answers were read. */
        void deliver(List<CostRecord> kept) {
            for (CostRecord r : kept) {
                sink.accept(r);
                records++;
            }
        }

        /** Sends one query for a window and one cost type and hands each page to {@code each} (which returns the rows dropped). */
        void pages(Window w, List<String> grouping, String tag, JsonNode filter, String costType,
                   java.util.function.Consumer<QueryJson.Page> each) {
            byte[] body = QueryJson.body(costType, w.start(), w.end().minusDays(1), grouping, tag, filter);
            Set<String> seen = new HashSet<>();
            String url = firstUrl(p);
            int windowPages = 0;
            while (url != null) {
                cancel.check();
                if (requests.get() >= maxRequestsPerFetch) {
                    throw new InvalidRequestException("fetching " + request.period() + " for service account '"
                            + p.serviceAccount() + "' needs more than " + maxRequestsPerFetch + " requests to "
                            + AzureHttp.PROVIDER + " (maxRequestsPerFetch); ask for a shorter period", p.serviceAccount(), null);
                }
                QueryJson.Page page = query(p, url, body, requests, cancel);
                pages++;
                windowPages++;
                each.accept(page);
                String next = page.nextLink();
                log.debug("service account {}: {} {} page {} of {}: {} rows{}",
                        p.serviceAccount(), costType, grouping, windowPages, w, page.rows().size(),
                        next == null ? "" : ", more pages follow");
                if (next != null) {
                    next = checkLink(p, next, w);
                    if (!seen.add(next)) {
                        throw protocol(p, 200, "sent the nextLink '" + shortLink(next) + "' again for " + w
                                + "; paging stopped instead of looping");
                    }
                    if (windowPages >= MAX_PAGES_PER_WINDOW) {
                        throw protocol(p, 200, "sent more than " + MAX_PAGES_PER_WINDOW + " pages for " + w);
                    }
                }
                url = next;
            }
        }

        /**
         * Reads a page's rows into {@code into}, by key (rows outside the window too: the caller drops them).
         *
         * @param subscription the subscription the query was filtered to, or null
         * @param service the service the query was filtered to, or null
         * @param tag the tag name the query was grouped by, or null
         */
        void read(QueryJson.Page page, String subscription, String service, String tag,
                  java.util.function.BiConsumer<Key, BigDecimal> into) {
            if (page.rows().isEmpty()) {
                return;
            }
            int iCost = page.column("Cost", "PreTaxCost", "totalCost");
            int iDate = page.column("UsageDate");
            int iCurrency = page.column("Currency", "BillingCurrency", "BillingCurrencyCode");
            if (iCost < 0 || iDate < 0 || iCurrency < 0) {
                throw protocol(p, 200, "sent rows without the column " + (iCost < 0 ? "Cost (or PreTaxCost)"
                        : iDate < 0 ? "UsageDate" : "Currency") + "; columns: " + page.columns().keySet());
            }
            int iService = page.column("ServiceName");
            int iLocation = page.column("ResourceLocation");
            int iSubscription = page.column("SubscriptionId");
            int iCharge = page.column("ChargeType");
            int iTag = page.column("TagValue");
            if (tag != null && iTag < 0) {
                throw protocol(p, 200, "sent rows without the column TagValue to a query grouped by the tag '"
                        + Bounds.message(tag) + "'; columns: " + page.columns().keySet());
            }
            for (JsonNode row : page.rows()) {
                String rowSubscription = iSubscription >= 0 ? text(row, iSubscription) : subscription;
                into.accept(new Key(usageDate(row.get(iDate), p), rowSubscription == null ? "" : rowSubscription,
                        service != null ? service : text(row, iService), text(row, iLocation),
                        iCharge < 0 ? "Usage" : text(row, iCharge), text(row, iCurrency).trim().toUpperCase(Locale.ROOT),
                        tag == null || row.get(iTag).isNull() ? null : row.get(iTag).asText("")),
                        decimal(row.get(iCost), p));
            }
        }
    }

    /** One query request, with one token refresh after {@code 401}. */
    private QueryJson.Page query(Principal p, String url, byte[] body, AtomicInteger requests, Cancel cancel) {
        URI uri = URI.create(url);
        String what = "POST " + shortLink(uri.getRawPath());
        AzureAccessToken token = tokens.token(p, null, requests, cancel);
        HttpResponse<byte[]> r = post(p, uri, what, body, token, requests, cancel);
        if (r.statusCode() == 401) {
            log.debug("service account {}: HTTP 401 to a cached token; asking for a new one", p.serviceAccount());
            token = tokens.token(p, token, requests, cancel);
            r = post(p, uri, what, body, token, requests, cancel);
        }
        int status = r.statusCode();
        String detail = p.scrub(QueryJson.describeError(r.body()));
        String name = p.serviceAccount();
        String scope = p.scope().path();
        switch (status) {
            case 200 -> {
                try {
                    return QueryJson.page(r.body());
                } catch (IllegalArgumentException e) {
                    throw protocol(p, status, "sent an unusable answer to " + what + ": " + p.scrub(e.getMessage()));
                }
            }
            case 204 -> {
                return QueryJson.Page.EMPTY;
            }
            case 400 -> throw new InvalidRequestException(AzureHttp.PROVIDER + " rejected the query on " + scope
                    + " (HTTP 400" + detail + ") for service account '" + name + "'", name, status, null);
            case 401 -> throw new CredentialsRejectedException("credentials rejected by " + AzureHttp.PROVIDER + " (HTTP 401"
                    + detail + ", after a token refresh) for service account '" + name + "'; check the credentials 'tenantId',"
                    + " 'clientId' and 'clientSecret'", name, status);
            case 403 -> throw new CredentialsRejectedException("credentials rejected by " + AzureHttp.PROVIDER + " for service"
                    + " account '" + name + "': the principal lacks Cost Management Reader on " + scope + " (HTTP 403"
                    + detail + "); assign the role on the scope or check the credential 'scope'", name, status);
            case 404 -> throw new CredentialsRejectedException(AzureHttp.PROVIDER + " does not know the scope " + scope
                    + " (HTTP 404" + detail + ") for service account '" + name + "'; check the credential 'scope'", name, status);
            default -> throw protocol(p, status, "answered " + what + " with unexpected HTTP " + status + detail);
        }
    }

    private HttpResponse<byte[]> post(Principal p, URI uri, String what, byte[] body, AzureAccessToken token,
                                      AtomicInteger requests, Cancel cancel) {
        return http.send(() -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(http.requestTimeout())
                    .header("Content-Type", "application/json").header("Accept", "application/json");
            try {
                b.header("Authorization", "Bearer " + token.token());
            } catch (IllegalArgumentException e) {
                throw new ProviderProtocolException("the token for service account '" + p.serviceAccount()
                        + "' has characters an HTTP header cannot carry", p.serviceAccount(), null);
            }
            return b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        }, what, p, requests, cancel);
    }

    static String region(String location) {
        String r = location.trim();
        return r.isEmpty() ? "global" : r;
    }

    /**
     * The FOCUS charge category of a {@code ChargeType}, as Microsoft converts Cost Management data to FOCUS
     * ("Convert Cost Management data to FOCUS", learn.microsoft.com/cloud-computing/finops/focus/convert,
     * ChargeCategory and ChargeClass rows): {@code Usage}, {@code Purchase}, {@code Credit}, {@code Tax} as
     * themselves; {@code UnusedReservation} and {@code UnusedSavingsPlan} as usage; {@code Refund} as a purchase
     * (with {@link #isCorrection}); any other type ({@code RoundingAdjustment}, ...) as an adjustment.
     */
    static ChargeCategory category(String chargeType) {
        return switch (chargeType.trim().toLowerCase(Locale.ROOT)) {
            case "usage", "unusedreservation", "unusedsavingsplan" -> ChargeCategory.USAGE;
            case "purchase", "refund" -> ChargeCategory.PURCHASE;
            case "tax" -> ChargeCategory.TAX;
            case "credit" -> ChargeCategory.CREDIT;
            default -> ChargeCategory.ADJUSTMENT;
        };
    }

    /** @return whether the {@code ChargeType} is FOCUS ChargeClass {@code Correction}: {@code Refund} (same source) */
    static boolean isCorrection(String chargeType) {
        return chargeType.trim().equalsIgnoreCase("refund");
    }

    private static String text(JsonNode row, int index) {
        if (index < 0) {
            return "";
        }
        JsonNode v = row.get(index);
        return v == null || v.isNull() ? "" : v.asText("");
    }

    private static BigDecimal decimal(JsonNode v, Principal p) {
        try {
            if (v != null && v.isNumber()) {
                return Bounds.decimal(v.decimalValue());
            }
            if (v != null && v.isTextual()) {
                return Bounds.decimal(v.asText());
            }
        } catch (NumberFormatException e) {
            throw protocol(p, 200, "sent a cost " + p.scrub(e.getMessage()));
        }
        throw protocol(p, 200, "sent a cost that is not a number: " + p.scrub(Tokens.shorten(String.valueOf(v))));
    }

    /** {@code UsageDate}: a {@code yyyyMMdd} number, or text as {@code yyyyMMdd} or an ISO date(-time). */
    static LocalDate usageDate(JsonNode v, Principal p) {
        try {
            if (v != null && v.isNumber()) {
                long n = v.decimalValue().longValueExact(); // 20260105, or 20260105.0 from a lenient writer
                return LocalDate.of((int) (n / 10000), (int) (n / 100 % 100), (int) (n % 100));
            }
            if (v != null && v.isTextual()) {
                String t = v.asText().trim();
                if (t.matches("\\d{8}")) {
                    return LocalDate.of(Integer.parseInt(t.substring(0, 4)), Integer.parseInt(t.substring(4, 6)),
                            Integer.parseInt(t.substring(6, 8)));
                }
                if (t.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
                    return LocalDate.parse(t.substring(0, 10));
                }
            }
        } catch (DateTimeException | ArithmeticException e) {
            // reported below
        }
        throw protocol(p, 200, "sent a row with UsageDate '" + p.scrub(Tokens.shorten(String.valueOf(v)))
                + "', expected a yyyyMMdd number");
    }

    private static Currency currency(String code, Principal p) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw protocol(p, 200, "sent a row with the unknown Currency '" + p.scrub(Tokens.shorten(code)) + "'");
        }
    }

    /** The next link, absolute, on the endpoint's origin (the bearer token never leaves it). */
    private String checkLink(Principal p, String link, Window w) {
        URI next;
        try {
            next = endpoint.resolve(new URI(link.trim()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw protocol(p, 200, "sent a nextLink that is not a URL for " + w);
        }
        boolean sameHost = Objects.equals(lower(next.getHost()), lower(endpoint.getHost()))
                || next.getHost() != null && Endpoints.isLoopbackHost(next.getHost())
                        && Endpoints.isLoopbackHost(endpoint.getHost());
        if (!Objects.equals(lower(next.getScheme()), lower(endpoint.getScheme())) || !sameHost
                || effectivePort(next) != effectivePort(endpoint)) {
            throw protocol(p, 200, "sent a nextLink to another host (" + shortLink(next.getScheme() + "://" + next.getHost())
                    + ") for " + w + "; the token is sent only to the endpoint");
        }
        return next.toString();
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int effectivePort(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** @return at most 120 characters of a link or path the vendor sent, control characters escaped */
    private static String shortLink(String link) {
        return Bounds.message(link.length() > 120 ? link.substring(0, 120) + "..." : link);
    }

    private String firstUrl(Principal p) {
        return endpoint + p.scope().path() + "/providers/Microsoft.CostManagement/query?api-version=" + API_VERSION;
    }

    private static ProviderProtocolException protocol(Principal p, int status, String what) {
        return new ProviderProtocolException(AzureHttp.PROVIDER + " " + what + " (service account '" + p.serviceAccount()
                + "')", p.serviceAccount(), status, null);
    }

    /** @throws InvalidCredentialsException when a field is malformed or the fields are of no shape of {@link #SCHEMA} */
    private Principal principal(ServiceAccount account) {
        SCHEMA.validate(account.credentials(), account.name(), AzureHttp.PROVIDER);
        var c = account.credentials();
        String name = account.name();
        boolean managed = c.get("managedIdentity").map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
        if (managed && c.get("clientSecret").isPresent()) {
            throw new InvalidCredentialsException("service account '" + name + "': credential 'clientSecret' is not used"
                    + " with managedIdentity true; remove one of them", name, "clientSecret");
        }
        if (!managed) {
            for (String field : hostTokenSource ? List.of("tenantId", "clientId") : List.of("tenantId", "clientId", "clientSecret")) {
                if (c.get(field).isEmpty()) {
                    throw new InvalidCredentialsException("service account '" + name + "': credential '" + field
                            + "' is missing; " + AzureHttp.PROVIDER + " needs tenantId, clientId, clientSecret and scope,"
                            + " or managedIdentity true and scope", name, field);
                }
            }
        }
        return new Principal(name, c.get("tenantId").orElse("").trim(), c.get("clientId").orElse("").trim(),
                c.get("clientSecret").orElse(null), managed, Scope.parse(c.get("scope").orElseThrow()));
    }

    /** Splits a period into calendar-month windows (the Daily query range is at most 31 days). */
    static List<Window> windows(BillingPeriod period) {
        List<Window> out = new ArrayList<>();
        LocalDate start = period.start();
        while (start.isBefore(period.end())) {
            LocalDate monthEnd = start.withDayOfMonth(1).plusMonths(1);
            LocalDate end = monthEnd.isBefore(period.end()) ? monthEnd : period.end();
            out.add(new Window(start, end));
            start = end;
        }
        return out;
    }

    /**
     * One query's days, {@code [start, end)}; sent with the inclusive last day.
     *
     * @param start the first day
     * @param end the day after the last
     */
    record Window(LocalDate start, LocalDate end) {
        boolean contains(LocalDate day) {
            return !day.isBefore(start) && day.isBefore(end);
        }

        @Override
        public String toString() {
            return "[" + start + ", " + end + ")";
        }
    }
}
