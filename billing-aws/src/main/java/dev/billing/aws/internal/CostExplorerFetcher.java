package dev.billing.aws.internal;

import dev.billing.aws.CostMetric;
import dev.billing.core.BillingException;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.RateLimitedException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.support.Bounds;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.RetryPolicy;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.DateInterval;
import software.amazon.awssdk.services.costexplorer.model.Dimension;
import software.amazon.awssdk.services.costexplorer.model.DimensionValues;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageRequest;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageResponse;
import software.amazon.awssdk.services.costexplorer.model.Group;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinition;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinitionType;
import software.amazon.awssdk.services.costexplorer.model.MatchOption;
import software.amazon.awssdk.services.costexplorer.model.MetricValue;
import software.amazon.awssdk.services.costexplorer.model.TagValues;
import software.amazon.awssdk.services.costexplorer.model.ResultByTime;

/**
 * Fetches one service account's costs with {@code GetCostAndUsage}.
 *
 * <p>The query plan, per window (a calendar month, or the part of one the period covers):
 * <ol>
 * <li>one <em>discovery</em> query, MONTHLY, grouped by {@code LINKED_ACCOUNT} and {@code RECORD_TYPE}
 *     (filtered to {@code linkedAccount} when given): which (linked account, record type) pairs exist;</li>
 * <li>per linked account, one <em>detail</em> query grouped by {@code SERVICE} and {@code REGION} at the
 *     window's granularity, filtered by {@code LINKED_ACCOUNT} (and, when the account has several record
 *     types in the window, one such query per record type, filtered by {@code LINKED_ACCOUNT} and
 *     {@code RECORD_TYPE}).</li>
 * </ol>
 * So every record has its linked account, service, region and charge category, exactly; a month costs
 * {@code 1 + sum over linked accounts of max(1, record types)} requests, plus extra pages.
 */
public final class CostExplorerFetcher implements AutoCloseable {
    /** The provider id. */
    public static final String PROVIDER = "aws-cost-explorer";

    /** The credential schema. */
    public static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.text("accessKeyId", "AWS access key id; absent: the AWS SDK's default credential chain")
                    .matching("[A-Z0-9]{16,128}", "be an AWS access key id (16 to 128 capital letters and digits, such as AKIA...)")
                    .optional(),
            CredentialField.secret("secretAccessKey", "AWS secret access key (with accessKeyId)").optional(),
            CredentialField.secret("sessionToken", "AWS session token (temporary keys, with accessKeyId)").optional(),
            CredentialField.text("roleArn", "IAM role to assume with STS")
                    .matching("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+",
                            "be an IAM role ARN such as arn:aws:iam::123456789012:role/billing-reader").optional(),
            CredentialField.text("externalId", "External id of the role's trust policy")
                    .matching("[\\w+=,.@:/-]{2,1224}", "be 2 to 1224 letters, digits or +=,.@:/-").optional(),
            CredentialField.text("linkedAccount", "Only this linked (member) account, 12 digits")
                    .matching("\\d{12}", "be exactly 12 digits").optional());

    /** What Cost Explorer charges per {@code GetCostAndUsage} request, USD (AWS Cost Explorer pricing: USD 0.01 per API request). */
    public static final BigDecimal PRICE_PER_REQUEST = new BigDecimal("0.01");

    /** Bounds the pages of one query, so a server that keeps sending new tokens cannot loop us forever. */
    static final int MAX_PAGES_PER_QUERY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(CostExplorerFetcher.class);
    private static final ProviderId PROVIDER_ID = ProviderId.of(PROVIDER);
    private static final String LINKED = Dimension.LINKED_ACCOUNT.toString();
    private static final String RECORD_TYPE = Dimension.RECORD_TYPE.toString();

    private final Settings settings;
    private final AwsClients clients;
    private final ExecutorService threads;

    /** @param settings the provider's configuration */
    public CostExplorerFetcher(Settings settings) {
        this.settings = settings;
        this.clients = new AwsClients(settings);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "aws-cost-explorer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends one {@code GetCostAndUsage} for the last 30 days (MONTHLY, one page); with
     * {@code linkedAccount}, grouped by and filtered to that account, which must show up.
     *
     * @param account the service account
     */
    public void verify(ServiceAccount account) {
        AwsClients.Keys keys = keys(account);
        AtomicInteger counter = new AtomicInteger();
        LocalDate today = LocalDate.now(settings.http().clock());
        Optional<String> linked = account.credentials().get("linkedAccount");
        var req = GetCostAndUsageRequest.builder()
                .timePeriod(DateInterval.builder().start(today.minusDays(30).toString()).end(today.toString()).build())
                .granularity(software.amazon.awssdk.services.costexplorer.model.Granularity.MONTHLY)
                .metrics(metrics());
        linked.ifPresent(l -> req.filter(dimension(LINKED, l)).groupBy(group(LINKED)));
        try (CostExplorerClient ce = clients.costExplorer(keys, counter, Cancellation.NONE)) {
            GetCostAndUsageResponse resp;
            try {
                resp = call(account, () -> ce.getCostAndUsage(req.build()), () -> false);
            } catch (NoData e) {
                throw Errors.noData(account.name(), 400);
            }
            if (linked.isPresent()) {
                boolean seen = resp.resultsByTime().stream().flatMap(r -> r.groups().stream())
                        .anyMatch(g -> g.keys().contains(linked.get()))
                        || resp.dimensionValueAttributes().stream().anyMatch(d -> linked.get().equals(d.value()));
                if (!seen) {
                    throw new CredentialsRejectedException("linked account " + linked.get() + " of service account '"
                            + account.name() + "' shows no costs to these " + PROVIDER + " credentials in the last 30 days;"
                            + " check that it belongs to the organisation the keys read", account.name());
                }
            }
        }
    }

    /**
     * @param request what to fetch
     * @param sink where records go
     * @param cancelled whether the fetch was cancelled
     * @param onCancel what to throw when it was
     * @return the stats
     */
    public FetchStats fetch(FetchRequest request, CostSink sink, BooleanSupplier cancelled, Supplier<RuntimeException> onCancel) {
        ServiceAccount account = request.account();
        AwsClients.Keys keys = keys(account);
        Optional<String> linked = account.credentials().get("linkedAccount");
        String payer = keys.roleArn().map(CostExplorerFetcher::accountOfArn).orElse("");
        List<Windows.Window> windows = Windows.split(request.period(), request.granularity());
        AtomicInteger counter = new AtomicInteger();
        Fetch f = new Fetch(account, sink, counter, cancelled, onCancel, payer);
        try (CostExplorerClient ce = clients.costExplorer(keys, counter, request.cancellation())) {
            f.ce = ce;
            Map<Windows.Window, Map<String, List<String>>> plans = new LinkedHashMap<>();
            for (Windows.Window w : windows) {
                plans.put(w, f.discover(w, linked));
            }
            int detailQueries = plans.values().stream().mapToInt(m -> m.values().stream().mapToInt(t -> Math.max(1, t.size())).sum()).sum();
            int needed = counter.get() + detailQueries;
            if (needed > settings.maxRequestsPerFetch()) {
                throw f.overCap(needed, "at least ");
            }
            LOG.debug("{}: {} window(s), {} discovery request(s) sent, {} detail queries planned", account.name(),
                    windows.size(), counter.get(), detailQueries);
            for (var e : plans.entrySet()) {
                for (var acct : e.getValue().entrySet()) {
                    List<String> types = acct.getValue();
                    if (types.size() <= 1) {
                        f.detail(e.getKey(), acct.getKey(), types.isEmpty() ? Optional.empty() : Optional.of(types.get(0)), false);
                    } else if (!f.andRefused) {
                        long before = f.records;
                        try {
                            for (String type : types) {
                                f.detail(e.getKey(), acct.getKey(), Optional.of(type), true);
                            }
                        } catch (Errors.Validation refused) {
                            if (f.records != before || !settings.tagKeys().isEmpty()) {
                                throw refused;
                            }
                            f.andRefused = true;
                            LOG.warn("{}: the Cost Explorer endpoint refused an And filter (ValidationException); reading"
                                    + " linked accounts with several record types grouped by SERVICE and RECORD_TYPE, without"
                                    + " their region", account.name());
                            f.detailByRecordType(e.getKey(), acct.getKey());
                        }
                    } else {
                        f.detailByRecordType(e.getKey(), acct.getKey());
                    }
                }
            }
        }
        LOG.debug("{}: fetched {} records of {} in {} pages, {} requests (USD 0.01 each), {} dropped, {} estimated result(s)",
                account.name(), f.records, request.period(), f.pages, counter.get(), f.dropped, f.estimated);
        return FetchStats.builder().records(f.records).requests(counter.get()).pages(f.pages).droppedRows(f.dropped)
                .billedRequests(counter.get()).requestCharges(PRICE_PER_REQUEST.multiply(BigDecimal.valueOf(counter.get())))
                .build();
    }

    /** One fetch's state. */
    private final class Fetch {
        final ServiceAccount account;
        final CostSink sink;
        final AtomicInteger counter;
        final BooleanSupplier cancelled;
        final Supplier<RuntimeException> onCancel;
        final String payer;
        CostExplorerClient ce;
        long records;
        int pages;
        long dropped;
        int estimated;
        boolean andRefused;

        Fetch(ServiceAccount account, CostSink sink, AtomicInteger counter, BooleanSupplier cancelled,
                Supplier<RuntimeException> onCancel, String payer) {
            this.account = account;
            this.sink = sink;
            this.counter = counter;
            this.cancelled = cancelled;
            this.onCancel = onCancel;
            this.payer = payer;
        }

        /** @return linked account -> record types seen in the window, in answer order */
        Map<String, List<String>> discover(Windows.Window w, Optional<String> linked) {
            var req = base(w, software.amazon.awssdk.services.costexplorer.model.Granularity.MONTHLY)
                    .groupBy(group(LINKED), group(RECORD_TYPE));
            linked.ifPresent(l -> req.filter(dimension(LINKED, l)));
            Map<String, List<String>> pairs = new LinkedHashMap<>();
            pageAll(req, "discovery " + w, r -> {
                for (Group g : r.groups()) {
                    if (g.keys().size() != 2) {
                        throw protocol("a discovery group has " + g.keys().size() + " keys, expected 2 (LINKED_ACCOUNT, RECORD_TYPE)");
                    }
                    List<String> types = pairs.computeIfAbsent(g.keys().get(0), k -> new ArrayList<>());
                    if (!types.contains(g.keys().get(1))) {
                        types.add(g.keys().get(1));
                    }
                }
            });
            linked.ifPresent(l -> pairs.keySet().retainAll(Set.of(l)));
            return pairs;
        }

        void detail(Windows.Window w, String linkedAccount, Optional<String> recordType, boolean filterByType) {
            List<Expression> cell = new ArrayList<>(List.of(dimension(LINKED, linkedAccount)));
            if (filterByType) {
                cell.add(dimension(RECORD_TYPE, recordType.get()));
            }
            var req = base(w).groupBy(group(Dimension.SERVICE.toString()), group(Dimension.REGION.toString()))
                    .filter(all(cell));
            ChargeCategory category = recordType.map(RecordTypes::category).orElse(ChargeCategory.USAGE);
            String what = linkedAccount + recordType.map(t -> "/" + t).orElse("") + " " + w;
            Set<String> services = new LinkedHashSet<>();
            pageAll(req, what, w, (day, g) -> {
                keys(g, "SERVICE, REGION");
                if (settings.tagKeys().isEmpty()) {
                    emit(day, linkedAccount, g.keys().get(0), region(g.keys().get(1)), category, g, Map.of());
                } else {
                    services.add(g.keys().get(0));
                }
            });
            for (String service : services) {
                List<Expression> byService = new ArrayList<>(cell);
                byService.add(dimension(Dimension.SERVICE.toString(), service));
                tagged(w, linkedAccount, category, service, byService, Map.of(), what + " " + service);
            }
        }

        /**
         * One level of the tag plan: {@code REGION} x {@code TAG} of the next tag key, under {@code conditions} (the
         * cell, its service and the values of the keys before); the last key's groups are the records, the others'
         * values are the next level's filters.
         */
        void tagged(Windows.Window w, String linkedAccount, ChargeCategory category, String service,
                List<Expression> conditions, Map<String, String> tags, String what) {
            String key = settings.tagKeys().get(tags.size());
            boolean last = tags.size() == settings.tagKeys().size() - 1;
            var req = base(w).groupBy(group(Dimension.REGION.toString()), GroupDefinition.builder()
                    .type(GroupDefinitionType.TAG).key(key).build()).filter(all(conditions));
            Set<String> values = new LinkedHashSet<>();
            pageAll(req, what + " tag " + key, w, (day, g) -> {
                keys(g, "REGION, TAG " + key);
                String value = tagValue(key, g.keys().get(1));
                if (last) {
                    emit(day, linkedAccount, service, region(g.keys().get(0)), category, g, with(tags, key, value));
                } else {
                    values.add(value);
                }
            });
            for (String value : values) {
                List<Expression> next = new ArrayList<>(conditions);
                next.add(tag(key, value));
                tagged(w, linkedAccount, category, service, next, with(tags, key, value), what);
            }
        }

        /**
         * The fallback for endpoints that refuse {@code And}: one query per linked account grouped by SERVICE and
         * RECORD_TYPE; exact amounts and charge categories, region {@code global}.
         */
        void detailByRecordType(Windows.Window w, String linkedAccount) {
            var req = base(w).groupBy(group(Dimension.SERVICE.toString()), group(RECORD_TYPE))
                    .filter(dimension(LINKED, linkedAccount));
            pageAll(req, linkedAccount + " by record type " + w, w, (day, g) -> {
                keys(g, "SERVICE, RECORD_TYPE");
                emit(day, linkedAccount, g.keys().get(0), "global", RecordTypes.category(g.keys().get(1)), g, Map.of());
            });
        }

        void keys(Group g, String expected) {
            if (g.keys().size() != 2) {
                throw protocol("a group has " + g.keys().size() + " keys, expected 2 (" + expected + ")");
            }
        }

        /** Cost Explorer answers a TAG group's key as {@code key$value}, {@code key$} for lines without the tag. */
        String tagValue(String key, String groupKey) {
            if (groupKey == null || !groupKey.startsWith(key + "$")) {
                throw protocol("a TAG group's key '" + Bounds.echo(String.valueOf(groupKey)) + "' is not " + key + "$value");
            }
            return groupKey.substring(key.length() + 1);
        }

        void emit(LocalDate day, String linkedAccount, String service, String region, ChargeCategory category, Group g,
                Map<String, String> tags) {
            Money billed = metric(g, settings.costMetric());
            Money effective = metric(g, settings.effectiveMetric());
            Map<String, String> present = new LinkedHashMap<>(tags);
            present.values().removeIf(String::isEmpty);
            sink.accept(Records.of(day, PROVIDER_ID, payer, linkedAccount, account, service, region, category, billed,
                    effective, present));
            records++;
        }

        Money metric(Group g, CostMetric metric) {
            MetricValue v = g.metrics().get(metric.wireName());
            if (v == null) {
                throw protocol("a group lacks the metric " + metric.wireName());
            }
            return money(v);
        }

        /** A request over the window at its granularity, asking for the billed and the effective metric (free together). */
        GetCostAndUsageRequest.Builder base(Windows.Window w) {
            return base(w, w.monthly() ? software.amazon.awssdk.services.costexplorer.model.Granularity.MONTHLY
                    : software.amazon.awssdk.services.costexplorer.model.Granularity.DAILY);
        }

        GetCostAndUsageRequest.Builder base(Windows.Window w,
                software.amazon.awssdk.services.costexplorer.model.Granularity granularity) {
            return GetCostAndUsageRequest.builder()
                    .timePeriod(DateInterval.builder().start(w.period().start().toString()).end(w.period().end().toString()).build())
                    .granularity(granularity)
                    .metrics(metrics());
        }

        /** Reads each group of a window's results dated inside the window; the others are dropped and counted. */
        void pageAll(GetCostAndUsageRequest.Builder req, String what, Windows.Window w, BiConsumer<LocalDate, Group> each) {
            pageAll(req, what, r -> {
                LocalDate day = date(r.timePeriod() == null ? null : r.timePeriod().start());
                if (!w.period().contains(day)) {
                    dropped += r.groups().size();
                    return;
                }
                if (Boolean.TRUE.equals(r.estimated())) {
                    estimated++;
                }
                r.groups().forEach(g -> each.accept(day, g));
            });
        }

        void pageAll(GetCostAndUsageRequest.Builder req, String what, java.util.function.Consumer<ResultByTime> each) {
            Set<String> seen = new HashSet<>();
            String token = null;
            for (int page = 1; page <= MAX_PAGES_PER_QUERY; page++) {
                if (counter.get() >= settings.maxRequestsPerFetch()) {
                    throw overCap(counter.get(), "more than ");
                }
                GetCostAndUsageRequest r = req.nextPageToken(token).build();
                GetCostAndUsageResponse resp;
                try {
                    resp = call(account, () -> ce.getCostAndUsage(r), cancelled);
                } catch (NoData e) {
                    LOG.debug("{}: no data for {} (DataUnavailableException)", account.name(), what);
                    return;
                }
                pages++;
                LOG.debug("{}: page {} of {}: {} result(s)", account.name(), page, what, resp.resultsByTime().size());
                resp.resultsByTime().forEach(each);
                token = resp.nextPageToken();
                if (token == null || token.isEmpty()) {
                    return;
                }
                if (!seen.add(token)) {
                    throw protocol("Cost Explorer repeated a NextPageToken (page " + page + " of " + what + ")");
                }
            }
            throw protocol("more than " + MAX_PAGES_PER_QUERY + " pages for " + what);
        }

        private <T> T call(ServiceAccount a, Supplier<T> c, BooleanSupplier cancel) {
            RetryPolicy retries = settings.http().retryPolicy();
            return Calls.run(threads, () -> CostExplorerFetcher.this.call(a, c, cancel), cancel,
                    settings.http().requestTimeout().toMillis() * (retries.maxAttempts() + 1)
                            + retries.maxBackoff().toMillis() * retries.maxAttempts(),
                    onCancel, () -> new ProviderUnavailableException(PROVIDER + " did not answer in time for service account '"
                            + a.name() + "'", a.name(), null));
        }

        BillingException overCap(int needed, String qualifier) {
            return new InvalidRequestException("fetching " + account.name() + " needs " + qualifier + needed
                    + " Cost Explorer requests (USD 0.01 each), more than maxRequestsPerFetch=" + settings.maxRequestsPerFetch()
                    + "; fetch a shorter period, set linkedAccount, or raise the provider setting maxRequestsPerFetch",
                    account.name(), null);
        }

        ProviderProtocolException protocol(String message) {
            return new ProviderProtocolException(message + " for service account '" + account.name() + "'", account.name(), 200, null);
        }

        Money money(MetricValue v) {
            if (v.amount() == null || v.unit() == null) {
                throw protocol("a metric value lacks Amount or Unit");
            }
            try {
                return Money.of(Bounds.decimal(v.amount()), Currency.getInstance(v.unit().trim()));
            } catch (NumberFormatException e) {
                throw protocol("malformed amount " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw protocol("malformed unit '" + Bounds.echo(v.unit()) + "'");
            }
        }

        LocalDate date(String s) {
            try {
                return LocalDate.parse(s);
            } catch (RuntimeException e) {
                throw protocol("malformed TimePeriod.Start '" + Bounds.echo(s) + "'");
            }
        }
    }

    /** Thrown inside for {@code DataUnavailableException}: no data for that query. */
    private static final class NoData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoData() {
            super(null, null, false, false);
        }
    }

    /** Runs one SDK call (the SDK retries) and maps its failure. */
    private <T> T call(ServiceAccount account, Supplier<T> c, BooleanSupplier cancelled) {
        try {
            return c.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
            if (code.equals("DataUnavailableException")) {
                throw new NoData();
            }
            throw Errors.map(account.name(), e.statusCode(), code, e);
        } catch (ApiCallAttemptTimeoutException e) {
            throw new ProviderUnavailableException(PROVIDER + " timed out for service account '" + account.name()
                    + "' after the retries", account.name(), null);
        } catch (SdkClientException e) {
            if (cancelled.getAsBoolean()) {
                throw e;
            }
            throw Errors.client(account.name(), e);
        } catch (SdkException e) {
            throw Errors.client(account.name(), e);
        }
    }

    private static Expression dimension(String key, String value) {
        return Expression.builder().dimensions(DimensionValues.builder().key(key).values(value).build()).build();
    }

    /** @return the billed metric and the effective one, once each */
    private List<String> metrics() {
        return List.copyOf(new LinkedHashSet<>(List.of(settings.costMetric().wireName(), settings.effectiveMetric().wireName())));
    }

    private static Expression all(List<Expression> conditions) {
        return conditions.size() == 1 ? conditions.get(0) : Expression.builder().and(conditions).build();
    }

    /** A tag's value, or for {@code ""} the lines without the tag ({@code MatchOptions ABSENT}). */
    private static Expression tag(String key, String value) {
        TagValues.Builder t = TagValues.builder().key(key);
        if (value.isEmpty()) {
            t.matchOptions(MatchOption.ABSENT);
        } else {
            t.values(value).matchOptions(MatchOption.EQUALS);
        }
        return Expression.builder().tags(t.build()).build();
    }

    /** @return the tags with one more ({@code ""}: the lines without that tag, left out of the records' tags) */
    private static Map<String, String> with(Map<String, String> tags, String key, String value) {
        Map<String, String> out = new LinkedHashMap<>(tags);
        out.put(key, value);
        return out;
    }

    private static GroupDefinition group(String key) {
        return GroupDefinition.builder().type(GroupDefinitionType.DIMENSION).key(key).build();
    }

    static String region(String key) {
        String k = key == null ? "" : key.trim();
        return k.isEmpty() || k.equalsIgnoreCase("NoRegion") || k.equalsIgnoreCase("No Region") ? "global" : k;
    }

    static String accountOfArn(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length >= 5 ? parts[4] : "";
    }

    /**
     * Validates the credentials' fields and their shape: {@code accessKeyId} and {@code secretAccessKey} both or neither
     * (neither: the default chain), {@code sessionToken} only with them.
     */
    private static AwsClients.Keys keys(ServiceAccount account) {
        SCHEMA.validate(account.credentials(), account.name(), PROVIDER);
        var c = account.credentials();
        Optional<String> id = c.get("accessKeyId").map(String::trim).filter(s -> !s.isEmpty());
        Optional<String> secret = c.get("secretAccessKey").filter(s -> !s.isBlank());
        Optional<String> token = c.get("sessionToken").filter(s -> !s.isBlank());
        String missing = id.isPresent() && secret.isEmpty() ? "secretAccessKey"
                : id.isEmpty() && secret.isPresent() ? "accessKeyId"
                : id.isEmpty() && token.isPresent() ? "accessKeyId" : null;
        if (missing != null) {
            throw new InvalidCredentialsException("service account '" + account.name() + "': credential '" + missing
                    + "' is missing; " + PROVIDER + " takes accessKeyId and secretAccessKey (and sessionToken) together, or"
                    + " none of them to use the AWS SDK's default credential chain", account.name(), missing);
        }
        return new AwsClients.Keys(account.name(), id, secret, token, c.get("roleArn").filter(s -> !s.isBlank()),
                c.get("externalId").filter(s -> !s.isBlank()));
    }

    @Override
    public void close() {
        clients.close();
        threads.shutdownNow();
    }

    /** @return used by the error mapper only */
    static RateLimitedException rateLimited(String account) {
        return new RateLimitedException(PROVIDER + " kept throttling service account '" + account
                + "' (LimitExceededException) after the retries; try again later", account, null);
    }
}
