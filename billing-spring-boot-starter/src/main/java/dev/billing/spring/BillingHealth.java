package dev.billing.spring;

import dev.billing.core.AccountSyncResult;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.SyncSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each service account's last verification or sync, kept so that a health request never asks a provider.
 * Thread-safe.
 */
public final class BillingHealth {
    private static final Logger LOG = LoggerFactory.getLogger(BillingHealth.class);

    private final Billing billing;
    private final Clock clock;
    private final Duration staleAfter;
    private final Map<String, Result> results = new ConcurrentHashMap<>();

    /**
     * @param billing the accounts
     * @param clock the clock results are dated with
     * @param staleAfter how old an account's last successful sync may be; {@code null} when nothing syncs
     */
    public BillingHealth(Billing billing, Clock clock, Duration staleAfter) {
        this.billing = billing;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** Verifies every account's credentials with its provider, concurrently, and keeps the results. */
    public void verifyAll() {
        List<ServiceAccount> accounts = billing.serviceAccounts().list();
        if (accounts.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(accounts.size(), 4), r -> {
            Thread t = new Thread(r, "billing-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture.allOf(accounts.stream().map(a -> CompletableFuture.runAsync(() -> verify(a), pool))
                    .toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
    }

    private void verify(ServiceAccount account) {
        String reason = null;
        try {
            billing.serviceAccounts().verify(account.name());
        } catch (BillingException e) {
            reason = "verification failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "verification failed (" + e.getClass().getSimpleName() + ")";
            LOG.warn("verifying service account {} failed", account.name(), e);
        }
        Result previous = results.get(account.name());
        results.put(account.name(), new Result(reason, previous == null ? null : previous.lastSync()));
    }

    /**
     * Keeps what a sync found for each account.
     *
     * @param summary the sync's summary
     */
    public void recordSync(SyncSummary summary) {
        for (AccountSyncResult r : summary.accounts()) {
            Result previous = results.get(r.account().value());
            Instant lastSync = r.succeeded() ? summary.startedAt() : previous == null ? null : previous.lastSync();
            results.put(r.account().value(), new Result(r.succeeded() ? null : "sync failed: " + r.error(), lastSync));
        }
    }

    /**
     * Keeps a sync that failed as a whole (the store failed).
     *
     * @param failure why
     */
    public void recordSyncFailure(RuntimeException failure) {
        String reason = "sync failed: " + (failure instanceof BillingException ? failure.getMessage()
                : failure.getClass().getSimpleName());
        for (ServiceAccount a : billing.serviceAccounts().list()) {
            Result previous = results.get(a.name());
            results.put(a.name(), new Result(reason, previous == null ? null : previous.lastSync()));
        }
    }

    /**
     * @return each account's state, by name, in registration order: {@code status} ({@code OK}, {@code FAILED},
     *     {@code STALE} or {@code UNVERIFIED}), {@code provider}, {@code project}, and {@code reason} when not OK
     */
    public Map<String, Map<String, String>> accounts() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (ServiceAccount a : billing.serviceAccounts().list()) {
            Result r = results.get(a.name());
            Map<String, String> d = new LinkedHashMap<>();
            d.put("provider", a.provider().value());
            d.put("project", a.project().value());
            if (r == null) {
                d.put("status", "UNVERIFIED");
            } else if (r.reason() != null) {
                d.put("status", "FAILED");
                d.put("reason", r.reason());
            } else if (staleAfter != null && r.lastSync() != null && r.lastSync().plus(staleAfter).isBefore(now)) {
                d.put("status", "STALE");
                d.put("reason", "last successful sync at " + r.lastSync() + ", more than " + staleAfter + " ago");
            } else {
                d.put("status", "OK");
            }
            out.put(a.name(), d);
        }
        return out;
    }

    /** @return whether no account failed or is stale */
    public boolean healthy() {
        return accounts().values().stream().noneMatch(d -> d.get("status").equals("FAILED")
                || d.get("status").equals("STALE"));
    }

    private record Result(String reason, Instant lastSync) {
    }
}
