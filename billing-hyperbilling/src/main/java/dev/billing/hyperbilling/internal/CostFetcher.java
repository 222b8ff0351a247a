package dev.billing.hyperbilling.internal;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.DateTimeException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HyperBilling provider's work: verifies accounts and fetches costs, window by window and page
 * by page, turning rows into {@link CostRecord}s. Each page is read whole before its rows are passed
 * on, so a retried request never passes a row on twice.
 *
 * <p>Charge category rule: a row whose {@code SERVICE_CODE} or {@code USAGE_TYPE} is {@code Tax},
 * {@code Credit} or {@code Refund} (any case) is TAX, CREDIT or CREDIT; every other row is USAGE,
 * whatever its sign.
 */
public final class CostFetcher implements Fetcher {
    /** The credential schema: {@code account}, {@code email}, {@code key}. */
    public static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.text("account", "AWS account id").matching("\\d{12}", "be exactly 12 digits"),
            // the HyperBilling login id: often an e-mail address, but not necessarily one
            CredentialField.text("email", "Email"),
            CredentialField.secret("key", "HyperBilling API key"));

    static final String PROVIDER = "hyperbilling-aws";
    static final String BILLING_PATH = "/v1/search/billing";
    static final String LINKED_ACCOUNTS_PATH = "/v1/search/linkedaccount";
    /** Bounds the pages of one window, so a server that keeps sending new tokens cannot loop us forever. */
    static final int MAX_PAGES_PER_WINDOW = 10_000;

    private static final Logger log = LoggerFactory.getLogger(CostFetcher.class);
    private static final ProviderId PROVIDER_ID = ProviderId.of(PROVIDER);

    private final HyperBillingClient client;

    /**
     * @param endpoint the checked endpoint, or null when the host gave none (verify and fetch then fail)
     * @param settings timeouts, retries, concurrency, clock
     */
    public CostFetcher(URI endpoint, HttpSettings settings) {
        this.client = endpoint == null ? null : new HyperBillingClient(PROVIDER, endpoint, settings);
    }

    /**
     * @param account the service account
     * @throws dev.billing.core.BillingException as documented on the provider
     */
    @Override
    public void verify(ServiceAccount account) {
        Caller caller = caller(account);
        List<String> linked = client().send(new HyperBillingClient.Call<>(caller, "GET", LINKED_ACCOUNTS_PATH, null,
                body -> body == null ? List.<String>of() : Json.parseLinkedAccounts(body), Cancellation.NONE),
                new AtomicInteger());
        if (!linked.contains(caller.account())) {
            throw new CredentialsRejectedException(PROVIDER + " accepted the credentials of service account '"
                    + caller.serviceAccount() + "', but AWS account " + caller.account()
                    + " is not among its linked accounts; check the credential 'account'", caller.serviceAccount());
        }
        log.debug("verified service account {}: account {} is linked", caller.serviceAccount(), caller.account());
    }

    /**
     * @param request what to fetch
     * @param sink where the records go, on the calling thread
     * @return the stats
     * @throws dev.billing.core.BillingException as documented on the provider
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        Caller caller = caller(request.account());
        FetchProgress progress = new FetchProgress();
        for (Window window : Window.plan(request.period(), request.granularity())) {
            Set<String> seen = new HashSet<>();
            String token = null;
            do {
                Page page = client().send(billingCall(caller, window, token, request), progress.requests);
                token = accept(page, window, seen, caller, request, sink, progress);
            } while (token != null);
        }
        return finish(progress, caller, request.period());
    }

    /**
     * @param request what to fetch
     * @param sink where the records go, one thread at a time
     * @param executor where answers are read and records passed on
     * @return completes with the stats or exceptionally with a {@link dev.billing.core.BillingException}
     */
    @Override
    public CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
        Caller caller;
        try {
            caller = caller(request.account());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        FetchProgress progress = new FetchProgress();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Window window : Window.plan(request.period(), request.granularity())) {
            chain = chain.thenCompose(v -> windowAsync(caller, window, null, new HashSet<>(), request, sink, progress,
                    executor));
        }
        return chain.thenApply(v -> finish(progress, caller, request.period()));
    }

    private CompletableFuture<Void> windowAsync(Caller caller, Window window, String token, Set<String> seen,
                                                FetchRequest request, CostSink sink, FetchProgress progress, Executor executor) {
        return client.sendAsync(billingCall(caller, window, token, request), progress.requests, executor).thenCompose(page -> {
            String next = accept(page, window, seen, caller, request, sink, progress);
            return next == null ? CompletableFuture.<Void>completedFuture(null)
                    : windowAsync(caller, window, next, seen, request, sink, progress, executor);
        });
    }

    private static HyperBillingClient.Call<Page> billingCall(Caller caller, Window window, String token,
                                                             FetchRequest request) {
        return new HyperBillingClient.Call<>(caller, "POST", BILLING_PATH, Json.billingRequest(caller.account(), window, token),
                body -> body == null ? Page.EMPTY : Json.parsePage(body), request.cancellation());
    }

    /** Checks the page's token, passes its rows inside the window on, and returns the next token or null. */
    private static String accept(Page page, Window window, Set<String> seen, Caller caller, FetchRequest request,
                                 CostSink sink, FetchProgress progress) {
        int pages = progress.pages.incrementAndGet();
        String next = page.nextDataToken();
        if (next != null && !seen.add(next)) {
            throw protocol(caller, "sent the NextDataToken '" + caller.scrub(Json.shorten(next))
                    + "' again for " + window + "; paging stopped instead of looping");
        }
        if (seen.size() >= MAX_PAGES_PER_WINDOW) {
            throw protocol(caller, "sent more than " + MAX_PAGES_PER_WINDOW + " pages for " + window);
        }
        long dropped = 0;
        long nullCosts = 0;
        // a page repeats a few dates over many rows: parse each once
        Map<String, LocalDate> days = new HashMap<>();
        for (Row row : page.rows()) {
            LocalDate day = days.computeIfAbsent(row.usageDate(), text -> usageDate(text, window.monthly(), caller));
            if (!window.contains(day)) {
                dropped++;
                continue;
            }
            if (row.nullCost()) {
                nullCosts++;
            }
            sink.accept(record(row, day, page, caller, request.account()));
            progress.records.incrementAndGet();
        }
        progress.dropped.addAndGet(dropped);
        progress.nullCosts.addAndGet(nullCosts);
        log.debug("service account {}: page {} of {}: {} rows, {} dropped outside the period, {} with a null cost{}",
                caller.serviceAccount(), pages, window, page.rows().size(), dropped, nullCosts,
                next == null ? "" : ", more pages follow");
        return next;
    }

    private static CostRecord record(Row row, LocalDate day, Page page, Caller caller, ServiceAccount account) {
        String service = row.serviceCode() == null ? "" : row.serviceCode();
        String usageType = row.usageType() == null ? "" : row.usageType();
        return CostRecord.builder().chargeDate(day).provider(PROVIDER_ID).billingAccountId(caller.account())
                .subAccountId(caller.account()).serviceAccount(account.id()).project(account.project())
                .service(Services.name(service)).region(Regions.map(row.region())).usageType(usageType)
                .chargeCategory(category(service, usageType))
                .billedCost(Money.of(row.usageCost(), page.currency())).usageQuantity(row.usageQuantity()).build();
    }

    static ChargeCategory category(String service, String usageType) {
        for (String value : List.of(service, usageType)) {
            if (value.length() > "credit".length()) {
                continue; // longer than every special word, and lower-casing never shortens: spare the copy
            }
            switch (value.toLowerCase(Locale.ROOT)) {
                case "tax" -> {
                    return ChargeCategory.TAX;
                }
                case "credit", "refund" -> {
                    return ChargeCategory.CREDIT;
                }
                default -> {
                    // not a special row
                }
            }
        }
        return ChargeCategory.USAGE;
    }

    /**
     * {@code YYYY-MM-DD}, or {@code YYYY-MM} meaning the month's first day; in a MONTHLY answer also
     * {@code YYYYMM}, and a full date stands for its month (the month's first day).
     */
    static LocalDate usageDate(String text, boolean monthly, Caller caller) {
        try {
            if (text.length() == 7) {
                return YearMonth.parse(text).atDay(1);
            }
            if (monthly && text.length() == 6 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return YearMonth.of(Integer.parseInt(text.substring(0, 4)), Integer.parseInt(text.substring(4))).atDay(1);
            }
            LocalDate day = LocalDate.parse(text);
            return monthly ? day.withDayOfMonth(1) : day;
        } catch (DateTimeException e) {
            throw protocol(caller, "sent a row with USAGE_DATE '" + caller.scrub(Json.shorten(text))
                    + (monthly ? "', expected YYYY-MM, YYYYMM or YYYY-MM-DD" : "', expected YYYY-MM-DD or YYYY-MM"));
        }
    }

    private static ProviderProtocolException protocol(Caller caller, String what) {
        return new ProviderProtocolException(PROVIDER + " " + what + " (service account '"
                + caller.serviceAccount() + "')", caller.serviceAccount(), 200, null);
    }

    private HyperBillingClient client() {
        if (client == null) {
            throw Settings.missingEndpoint(PROVIDER);
        }
        return client;
    }

    private Caller caller(ServiceAccount account) {
        client();
        SCHEMA.validate(account.credentials(), account.name(), PROVIDER);
        var c = account.credentials();
        return new Caller(account.name(), c.get("account").orElseThrow(), c.get("email").orElseThrow(),
                c.get("key").orElseThrow());
    }

    private static FetchStats finish(FetchProgress progress, Caller caller, BillingPeriod period) {
        FetchStats stats = progress.stats();
        log.debug("service account {}: fetched {} records for {} in {} pages, {} requests, {} rows dropped,"
                        + " {} null costs counted as zero", caller.serviceAccount(), stats.records(), period,
                stats.pages(), stats.requests(), stats.droppedRows(), stats.nullCosts());
        return stats;
    }
}
