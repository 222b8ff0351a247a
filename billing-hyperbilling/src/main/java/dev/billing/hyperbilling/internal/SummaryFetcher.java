package dev.billing.hyperbilling.internal;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hyperbilling-mzc} provider's work: one {@code GET /summary} per month of the period for
 * the one kind the fetch needs, turning the nested answer into {@link CostRecord}s.
 *
 * <p>Kinds: {@code daily_cost} (rows per project and {@code date}) when the caller needs DAILY data
 * or the period does not start and end on a month's first day; otherwise {@code cost_by_service}
 * (rows per project and {@code service_name} for the whole month). Only one kind is ever summed:
 * the kinds are different breakdowns of the same costs. Every {@code costs} entry of a row, in its
 * {@code currency}, is a usage record of its {@code cost} and, when its {@code credit} is not zero, a
 * CREDIT record of {@code final_cost - cost} (so the two add up to {@code final_cost} whatever sign the
 * answer gives {@code credit}; a {@code credit} of another magnitude is a protocol error). An entry
 * without {@code cost} is one record of its {@code final_cost}; a {@code null} {@code final_cost} is
 * zero and counted in {@link FetchStats#nullCosts()}. Items of a kind or month that was not asked for,
 * rows whose {@code invoice_month} is another month, and rows dated outside the asked month or
 * period are dropped and counted in {@link FetchStats#droppedRows()}.
 */
public final class SummaryFetcher implements Fetcher {
    /** The provider id. */
    public static final String PROVIDER = "hyperbilling-mzc";
    /** The platforms the summary API serves. */
    public static final List<String> PLATFORMS = List.of("gcp", "alibaba", "tencent", "akamai");
    /** The credential schema: {@code platform}, {@code accountId}, {@code clientEmail}, {@code privateKey}. */
    public static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.text("platform", "Platform").satisfying(PLATFORMS::contains,
                    "be one of " + String.join(", ", PLATFORMS)),
            CredentialField.text("accountId", "Billing account id"),
            CredentialField.text("clientEmail", "Client e-mail"),
            CredentialField.secret("privateKey", "Private key (PEM, PKCS#8)").satisfying(RsaJwt::looksLikePkcs8,
                    "be a PEM PKCS#8 private key ('-----BEGIN PRIVATE KEY-----'); a PKCS#1 key ('BEGIN RSA PRIVATE KEY')"
                            + " converts with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem"));

    static final String PATH = "/summary";
    static final String DAILY_COST = "daily_cost";
    static final String COST_BY_SERVICE = "cost_by_service";
    private static final DateTimeFormatter YYYYMM = DateTimeFormatter.ofPattern("uuuuMM", Locale.ROOT);
    /** errorCode words that mean the credentials were refused, not that the answer is broken. */
    private static final List<String> CREDENTIAL_WORDS = List.of("AUTH", "TOKEN", "JWT", "SIGNATURE", "CREDENTIAL",
            "FORBIDDEN", "PERMISSION", "DENIED", "KEY");

    private static final Logger log = LoggerFactory.getLogger(SummaryFetcher.class);
    private static final ProviderId PROVIDER_ID = ProviderId.of(PROVIDER);

    private final URI endpoint;
    private final Clock clock;
    private final HyperBillingClient client;

    /**
     * @param endpoint the checked endpoint, or null when the host gave none (verify and fetch then fail)
     * @param settings timeouts, retries, concurrency, and the clock tokens are dated with
     */
    public SummaryFetcher(URI endpoint, HttpSettings settings) {
        this.endpoint = endpoint;
        this.clock = settings.clock();
        this.client = endpoint == null ? null : new HyperBillingClient(PROVIDER, endpoint, settings);
    }

    /**
     * Asks for the current month's {@code cost_by_service} (a kind fetches use, so every server serving
     * fetches answers it): the token is accepted and the account known.
     *
     * @param account the service account
     * @throws dev.billing.core.BillingException as documented on the provider
     */
    @Override
    public void verify(ServiceAccount account) {
        SummaryCaller caller = caller(account);
        YearMonth month = YearMonth.now(clock.withZone(java.time.ZoneOffset.UTC));
        client().send(call(caller, month, COST_BY_SERVICE, Cancellation.NONE), new AtomicInteger());
        log.debug("verified service account {}: {} account {} answered", caller.serviceAccount(), caller.platform(),
                caller.account());
    }

    /**
     * @param request what to fetch
     * @param sink where the records go, on the calling thread
     * @return the stats
     * @throws dev.billing.core.BillingException as documented on the provider
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        SummaryCaller caller = caller(request.account());
        FetchProgress progress = new FetchProgress();
        String kind = kind(request);
        for (YearMonth month : months(request.period())) {
            SummaryJson.Answer answer = client().send(call(caller, month, kind, request.cancellation()),
                    progress.requests);
            accept(answer, month, kind, caller, request, sink, progress);
        }
        return finish(progress, caller, request.period(), kind);
    }

    /**
     * @param request what to fetch
     * @param sink where the records go, one thread at a time
     * @param executor where answers are read and records passed on
     * @return completes with the stats or exceptionally with a {@link dev.billing.core.BillingException}
     */
    @Override
    public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
        SummaryCaller caller;
        try {
            caller = caller(request.account());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        FetchProgress progress = new FetchProgress();
        String kind = kind(request);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (YearMonth month : months(request.period())) {
            chain = chain.thenCompose(v -> client.sendAsync(call(caller, month, kind, request.cancellation()),
                            progress.requests, executor))
                    .thenAccept(answer -> accept(answer, month, kind, caller, request, sink, progress));
        }
        return chain.thenApply(v -> finish(progress, caller, request.period(), kind));
    }

    /** DAILY rows unless the caller needs no finer than months and the period is whole months. */
    static String kind(FetchRequest request) {
        BillingPeriod p = request.period();
        boolean monthly = request.granularity() != Granularity.DAILY
                && p.start().getDayOfMonth() == 1 && p.end().getDayOfMonth() == 1;
        return monthly ? COST_BY_SERVICE : DAILY_COST;
    }

    /** @return every month the period touches, in order */
    static List<YearMonth> months(BillingPeriod period) {
        List<YearMonth> months = new ArrayList<>();
        YearMonth last = YearMonth.from(period.end().minusDays(1));
        for (YearMonth m = YearMonth.from(period.start()); !m.isAfter(last); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    private HyperBillingClient.Call<SummaryJson.Answer> call(SummaryCaller caller, YearMonth month, String kind,
                                                             Cancellation cancellation) {
        String path = PATH + "?platform=" + query(caller.platform()) + "&account_id=" + query(caller.account())
                + "&month=" + month.format(YYYYMM) + "&kind=" + kind;
        return new HyperBillingClient.Call<>(caller, "GET", path, null, body -> read(body, caller), cancellation);
    }

    /** Reads a 200 (or 204) answer; an {@code errorCode} is the credential error when its words say so. */
    private static SummaryJson.Answer read(byte[] body, SummaryCaller caller) {
        if (body == null) {
            return new SummaryJson.Answer(List.of(), null);
        }
        SummaryJson.Answer answer = SummaryJson.parse(body);
        Json.ErrorBody error = answer.error();
        if (error == null) {
            return answer;
        }
        String code = error.code() == null ? "" : error.code().toUpperCase(Locale.ROOT);
        String detail = error.scrubbed(caller::scrub).describe();
        if (CREDENTIAL_WORDS.stream().anyMatch(code::contains)) {
            throw new CredentialsRejectedException("credentials rejected by " + PROVIDER + " (HTTP 200 with errorCode"
                    + detail + ") for service account '" + caller.serviceAccount() + "'; " + caller.rejectedHint(),
                    caller.serviceAccount(), 200);
        }
        throw new ReplyException("the answer carries an error" + detail, null);
    }

    /** Passes the rows of the asked kind and month on, dropping and counting the others. */
    private static void accept(SummaryJson.Answer answer, YearMonth month, String kind, SummaryCaller caller,
                               FetchRequest request, CostSink sink, FetchProgress progress) {
        BillingPeriod period = request.period();
        long records = 0;
        long dropped = 0;
        long nullCosts = 0;
        for (SummaryJson.Item item : answer.items()) {
            if (!kind.equals(item.kind()) || !month.equals(month(item.month(), "month", caller))) {
                dropped += item.rows().size();
                log.debug("service account {}: dropped {} rows of kind {} for month {}, asked {} for {}",
                        caller.serviceAccount(), item.rows().size(), item.kind(), item.month(), kind, month);
                continue;
            }
            for (SummaryJson.Row row : item.rows()) {
                LocalDate day = day(row, month, kind, caller);
                if (day == null || !period.contains(day)
                        || row.invoiceMonth() != null && !month.equals(month(row.invoiceMonth(), "invoice_month", caller))) {
                    dropped++;
                    continue;
                }
                for (SummaryJson.Cost cost : row.costs()) {
                    BigDecimal amount = cost.finalCost();
                    Currency currency = currency(cost.currency(), caller);
                    if (amount == null) {
                        nullCosts++;
                        amount = BigDecimal.ZERO;
                    }
                    BigDecimal usage = cost.finalCost() == null || cost.cost() == null ? amount : cost.cost();
                    BigDecimal credit = amount.subtract(usage);
                    if (cost.credit() != null && credit.compareTo(cost.credit()) != 0
                            && credit.compareTo(cost.credit().negate()) != 0) {
                        throw protocol(caller, "sent a costs entry whose credit " + cost.credit().toPlainString()
                                + " is not final_cost - cost = " + credit.toPlainString() + " (project '"
                                + caller.scrub(Json.shorten(row.projectId())) + "', " + month + ")");
                    }
                    sink.accept(record(row, day, usage, currency, caller, request.account(), null));
                    records++;
                    if (credit.signum() != 0) {
                        sink.accept(record(row, day, credit, currency, caller, request.account(), ChargeCategory.CREDIT));
                        records++;
                    }
                }
            }
        }
        progress.pages.incrementAndGet();
        progress.records.addAndGet(records);
        progress.dropped.addAndGet(dropped);
        progress.nullCosts.addAndGet(nullCosts);
        log.debug("service account {}: {} {}: {} items, {} records, {} rows dropped, {} null costs",
                caller.serviceAccount(), kind, month, answer.items().size(), records, dropped, nullCosts);
    }

    /** @return the row's charge day: its {@code date} (daily kinds), the month's first day otherwise; null when outside the month */
    private static LocalDate day(SummaryJson.Row row, YearMonth month, String kind, SummaryCaller caller) {
        if (row.date() == null) {
            if (DAILY_COST.equals(kind)) {
                throw protocol(caller, "sent a " + kind + " row without a date for " + month);
            }
            return month.atDay(1);
        }
        LocalDate date = date(row.date().trim(), caller);
        if (!YearMonth.from(date).equals(month)) {
            return null;
        }
        return DAILY_COST.equals(kind) ? date : month.atDay(1);
    }

    /** {@code YYYY-MM-DD}, also {@code YYYYMMDD} or an ISO date-time (its date). */
    private static LocalDate date(String text, SummaryCaller caller) {
        try {
            if (text.length() == 8 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE);
            }
            return LocalDate.parse(text.length() > 10 && text.charAt(10) == 'T' ? text.substring(0, 10) : text);
        } catch (DateTimeException e) {
            throw protocol(caller, "sent a row with date '" + caller.scrub(Json.shorten(text)) + "', expected YYYY-MM-DD");
        }
    }

    /** {@code yyyymm} (or {@code yyyy-mm}). */
    private static YearMonth month(String text, String field, SummaryCaller caller) {
        if (text == null) {
            throw protocol(caller, "sent an answer without '" + field + "'");
        }
        String t = text.trim();
        try {
            if (t.length() == 6 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return YearMonth.of(Integer.parseInt(t.substring(0, 4)), Integer.parseInt(t.substring(4)));
            }
            return YearMonth.parse(t);
        } catch (DateTimeException e) {
            throw protocol(caller, "sent " + field + " '" + caller.scrub(Json.shorten(text)) + "', expected yyyymm");
        }
    }

    private static Currency currency(String code, SummaryCaller caller) {
        try {
            return Currency.getInstance(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw protocol(caller, "sent the unknown currency '" + caller.scrub(Json.shorten(code)) + "'");
        }
    }

    /** @param category the charge category, or null for the one the service name implies (usage, tax, support...) */
    private static CostRecord record(SummaryJson.Row row, LocalDate day, BigDecimal amount, Currency currency,
                                     SummaryCaller caller, ServiceAccount account, ChargeCategory category) {
        String service = row.service() == null ? "" : row.service();
        String region = row.region() == null ? "" : row.region();
        return CostRecord.builder().chargeDate(day).provider(PROVIDER_ID).billingAccountId(caller.account())
                .subAccountId(row.projectId()).serviceAccount(account.id()).project(account.project())
                .service(service).region(region).chargeCategory(category != null ? category : CostFetcher.category(service, ""))
                .billedCost(Money.of(amount, currency)).build();
    }

    private static ProviderProtocolException protocol(SummaryCaller caller, String what) {
        return new ProviderProtocolException(PROVIDER + " " + what + " (service account '" + caller.serviceAccount()
                + "')", caller.serviceAccount(), 200, null);
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HyperBillingClient client() {
        if (client == null) {
            throw Settings.missingEndpoint(PROVIDER);
        }
        return client;
    }

    private SummaryCaller caller(ServiceAccount account) {
        client();
        SCHEMA.validate(account.credentials(), account.name(), PROVIDER);
        var c = account.credentials();
        PrivateKey key;
        try {
            key = RsaJwt.privateKey(c.get("privateKey").orElseThrow());
        } catch (RsaJwt.KeyProblem e) {
            throw new InvalidCredentialsException("service account '" + account.name() + "': credential 'privateKey' "
                    + e.getMessage(), account.name(), "privateKey");
        }
        return new SummaryCaller(account.name(), c.get("platform").orElseThrow(), c.get("accountId").orElseThrow(),
                c.get("clientEmail").orElseThrow(), key, endpoint.getHost(), clock);
    }

    private static FetchStats finish(FetchProgress progress, SummaryCaller caller, BillingPeriod period, String kind) {
        FetchStats stats = progress.stats();
        log.debug("service account {}: fetched {} records of {} for {} in {} answers, {} requests, {} rows dropped,"
                        + " {} null costs counted as zero", caller.serviceAccount(), stats.records(), kind, period,
                stats.pages(), stats.requests(), stats.droppedRows(), stats.nullCosts());
        return stats;
    }
}
