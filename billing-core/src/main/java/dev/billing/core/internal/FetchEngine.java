package dev.billing.core.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.FetchCancelledException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the SDK fetches: every provider fetch of a {@code Billing} (reports and syncs alike)
 * goes through here. At most {@code maxConcurrent} fetches run at once across the whole instance; the
 * others wait in arrival order without holding a thread. Each fetch gets a {@link Cancellation}
 * that fires when its timeout passes or the engine closes; the provider then stops, and records it
 * still passes are dropped. Every record is tagged with its service account and project here (except
 * for {@link #fetchUntagged}, whose sink files records under the account itself). Results
 * complete on the SDK's executor, never on a timer thread.
 */
public final class FetchEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FetchEngine.class);
    /** How long a cancelled provider may take to give back its slot before the next fetch starts anyway. */
    private static final long RELEASE_GRACE_MILLIS = 2_000;

    private final Executor executor;
    private final int maxConcurrent;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final List<Source> running = new ArrayList<>();
    private int inFlight;
    private boolean closed;

    /**
     * @param executor where providers' blocking work and every continuation run
     * @param maxConcurrent the most fetches in flight at once, at least 1
     * @param timeout the longest one fetch may take, positive
     */
    public FetchEngine(Executor executor, int maxConcurrent, Duration timeout) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        this.executor = Objects.requireNonNull(executor, "executor");
        this.maxConcurrent = maxConcurrent;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "billing-fetch-timer");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** @return where blocking work and continuations run */
    public Executor executor() {
        return executor;
    }

    /** @return the timeout of one fetch */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Fetches one service account's records when a slot is free.
     *
     * @param provider the account's provider
     * @param request what to fetch (its cancellation is replaced by the engine's, which reports retries to it)
     * @param sink where the tagged records go, from one thread at a time
     * @return completes on the executor with the stats, or exceptionally with a {@link BillingException}:
     *     the provider's, a {@link FetchCancelledException} when the timeout passed or the engine closed,
     *     or one wrapping an unexpected exception with its message
     */
    public CompletableFuture<FetchStats> fetch(BillingProvider provider, FetchRequest request, CostSink sink) {
        return fetch(provider, request, sink, true);
    }

    /**
     * Like {@link #fetch}, but the records reach the sink as the provider made them, untagged: for a
     * sink that files every record under the request's account and project anyway (a live report's
     * partial sums), so that no record is copied. Batches the provider passes reach the sink as batches.
     *
     * @param provider the account's provider
     * @param request what to fetch (its cancellation is replaced by the engine's, which reports retries to it)
     * @param sink where the records go, from one thread at a time
     * @return as {@link #fetch}
     */
    public CompletableFuture<FetchStats> fetchUntagged(BillingProvider provider, FetchRequest request, CostSink sink) {
        return fetch(provider, request, sink, false);
    }

    private CompletableFuture<FetchStats> fetch(BillingProvider provider, FetchRequest request, CostSink sink,
                                                boolean tag) {
        Pending pending = new Pending(provider, request, sink, tag, new CompletableFuture<>());
        boolean now;
        synchronized (this) {
            now = !closed && inFlight < maxConcurrent;
            if (now) {
                inFlight++;
            } else if (!closed) {
                waiting.add(pending);
            }
        }
        if (now) {
            start(pending);
        } else if (isClosed()) {
            pending.result().completeExceptionally(closedError(request.account()));
        }
        return pending.result();
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void start(Pending pending) {
        BillingProvider provider = pending.provider();
        FetchRequest request = pending.request();
        CostSink sink = pending.sink();
        CompletableFuture<FetchStats> result = pending.result();
        ServiceAccount account = request.account();
        Source cancellation = new Source(request.cancellation());
        synchronized (this) {
            running.add(cancellation);
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                synchronized (this) {
                    running.remove(cancellation);
                }
                releaseSlot();
            }
        };
        Declared declared = Declared.of(provider);
        CostSink tagging = pending.tag() ? new TaggingSink(sink, account, cancellation, declared)
                : new CheckingSink(sink, account, cancellation, declared);
        CompletableFuture<FetchStats> fetch;
        try {
            fetch = Objects.requireNonNull(provider.fetchAsync(request.withCancellation(cancellation), tagging,
                    executor), "fetchAsync returned null");
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        ScheduledFuture<?> timeoutTask = timer.schedule(() -> {
            cancellation.cancel("no answer within " + timeout + " while fetching service account '" + account.name()
                    + "' from " + account.provider() + "; raise Billing.builder().fetchTimeout(...) if the provider"
                    + " is this slow");
            completeOnExecutor(result, null, new FetchCancelledException(cancellation.reason(), account.name()));
            timer.schedule(() -> {
                if (!released.get()) {
                    log.warn("provider {} did not stop within {} ms of cancelling service account {}; its slot is"
                            + " given to the next fetch", account.provider(), RELEASE_GRACE_MILLIS, account.name());
                }
                release.run();
            }, RELEASE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        fetch.whenComplete((stats, error) -> {
            timeoutTask.cancel(false);
            release.run();
            completeOnExecutor(result, stats, error == null ? null : failure(error, provider, account, cancellation));
        });
    }

    private void completeOnExecutor(CompletableFuture<FetchStats> result, FetchStats stats, BillingException error) {
        if (result.isDone()) {
            return;
        }
        Runnable complete = () -> {
            if (error == null) {
                result.complete(stats);
            } else {
                result.completeExceptionally(error);
            }
        };
        try {
            executor.execute(complete);
        } catch (RejectedExecutionException e) {
            complete.run();
        }
    }

    private void releaseSlot() {
        Pending next;
        synchronized (this) {
            next = closed ? null : waiting.poll();
            if (next == null) {
                inFlight--;
                return;
            }
        }
        Pending started = next;
        try {
            executor.execute(() -> start(started));
        } catch (RejectedExecutionException e) {
            start(started);
        }
    }

    private BillingException failure(Throwable error, BillingProvider provider, ServiceAccount account,
                                     Source cancellation) {
        if (cancellation.isCancelled()) {
            return new FetchCancelledException(cancellation.reason(), account.name());
        }
        Throwable e = cause(error);
        if (e instanceof RejectedExecutionException) {
            return isClosed() ? closedError(account) : new BillingException("the fetch executor rejected the fetch of"
                    + " service account '" + account.name() + "'; is the executor given to Billing.builder().executor(...)"
                    + " shut down?", account.name(), false, e);
        }
        if (e instanceof BillingException b) {
            return b;
        }
        String message = scrub(String.valueOf(e.getMessage()), provider, account);
        boolean leaked = !message.equals(String.valueOf(e.getMessage()));
        // a cause whose message held a secret is not kept: its toString and stack trace would print it
        return new BillingException("unexpected " + e.getClass().getSimpleName() + " while fetching service account '"
                + account.name() + "' from " + account.provider() + (e.getMessage() == null ? "" : ": " + message),
                account.name(), false, leaked ? null : e);
    }

    /** Replaces every secret credential value of the account in {@code text} with {@code ***}. */
    private static String scrub(String text, BillingProvider provider, ServiceAccount account) {
        String scrubbed = text;
        try {
            for (CredentialField f : provider.credentialSchema().fields()) {
                if (f.secret()) {
                    String secret = account.credentials().get(f.name()).orElse("");
                    if (!secret.isEmpty()) {
                        scrubbed = scrubbed.replace(secret, "***");
                    }
                }
            }
        } catch (RuntimeException e) {
            return "(message withheld: the provider's credential schema could not be read)";
        }
        return scrubbed;
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * @param error how a fetch (or the work around it) failed
     * @param account the service account
     * @return the error as the SDK's exception: itself when it is one, else wrapped with its message kept
     */
    public static BillingException unwrap(Throwable error, ServiceAccount account) {
        Throwable e = cause(error);
        if (e instanceof BillingException b) {
            return b;
        }
        return new BillingException("unexpected " + e.getClass().getSimpleName() + " while working on service account '"
                + account.name() + "' from " + account.provider() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                account.name(), false, e);
    }

    private static BillingException closedError(ServiceAccount account) {
        return new BillingException("Billing is closed; service account '" + account.name() + "' was not fetched;"
                + " build a new Billing to read costs", account.name(), false, null);
    }

    /** @return the record carrying the account's id and project, whatever the provider put there */
    public static CostRecord tag(CostRecord r, ServiceAccount account) {
        if (r.serviceAccount().equals(account.id()) && r.project().equals(account.project())) {
            return r;
        }
        return r.toBuilder().serviceAccount(account.id()).project(account.project()).build();
    }

    /**
     * Cancels every fetch in flight and fails those waiting: later fetches fail with "Billing is closed".
     */
    @Override
    public void close() {
        List<Pending> dropped;
        List<Source> cancelled;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            cancelled = new ArrayList<>(running);
        }
        cancelled.forEach(c -> c.cancel("Billing was closed while the fetch was running"));
        dropped.forEach(p -> p.result().completeExceptionally(closedError(p.request().account())));
        timer.shutdownNow();
    }

    private record Pending(BillingProvider provider, FetchRequest request, CostSink sink, boolean tag,
                           CompletableFuture<FetchStats> result) {
    }

    /**
     * The costs a provider declares it fills ({@link Capability#EFFECTIVE_COST}, {@link Capability#LIST_COST}):
     * every line item it passes must carry them, so that a report of that metric never reads a missing one as
     * zero. A line item without one fails the fetch as the provider's protocol error.
     */
    private record Declared(String provider, boolean effective, boolean list) {
        static Declared of(BillingProvider provider) {
            Set<Capability> c = provider.capabilities();
            return new Declared(provider.id().value(), c.contains(Capability.EFFECTIVE_COST), c.contains(Capability.LIST_COST));
        }

        boolean any() {
            return effective || list;
        }

        void check(CostRecord r, ServiceAccount account) {
            if ((effective && !r.effectiveCostGiven()) || (list && r.listCost().isEmpty())) {
                throw new ProviderProtocolException("provider '" + provider + "' declares "
                        + (effective && !r.effectiveCostGiven() ? Capability.EFFECTIVE_COST : Capability.LIST_COST)
                        + " but passed a line item of " + r.chargeDate() + " without it", account.name(), null);
            }
        }
    }

    /** Stops the provider once its fetch is cancelled and tags every record with the account and project. */
    private record TaggingSink(CostSink sink, ServiceAccount account, Source cancellation, Declared declared)
            implements CostSink {
        @Override
        public void accept(CostRecord record) {
            cancellation.throwIfCancelled(account.name());
            if (declared.any()) {
                declared.check(record, account);
            }
            sink.accept(tag(record, account));
        }

        @Override
        public void acceptAll(List<CostRecord> records) {
            cancellation.throwIfCancelled(account.name());
            for (int i = 0, n = records.size(); i < n; i++) {
                CostRecord record = records.get(i);
                if (declared.any()) {
                    declared.check(record, account);
                }
                sink.accept(tag(record, account));
            }
        }
    }

    /** Stops the provider once its fetch is cancelled; records and batches pass as they are. */
    private record CheckingSink(CostSink sink, ServiceAccount account, Source cancellation, Declared declared)
            implements CostSink {
        @Override
        public void accept(CostRecord record) {
            cancellation.throwIfCancelled(account.name());
            if (declared.any()) {
                declared.check(record, account);
            }
            sink.accept(record);
        }

        @Override
        public void acceptAll(List<CostRecord> records) {
            cancellation.throwIfCancelled(account.name());
            if (declared.any()) {
                for (int i = 0, n = records.size(); i < n; i++) {
                    declared.check(records.get(i), account);
                }
            }
            sink.acceptAll(records);
        }
    }

    /**
     * The cancellation the engine gives each fetch; the provider's retry waits go on to the cancellation of
     * the request the engine was given.
     */
    private static final class Source implements Cancellation {
        private final List<Runnable> actions = new ArrayList<>();
        private final Cancellation caller;
        private volatile String reason;

        Source(Cancellation caller) {
            this.caller = caller;
        }

        @Override
        public void retrying(Duration wait, boolean throttled) {
            try {
                caller.retrying(wait, throttled);
            } catch (RuntimeException e) {
                log.warn("a retry report failed: {}", e.toString());
            }
        }

        void cancel(String why) {
            List<Runnable> run;
            synchronized (this) {
                if (reason != null) {
                    return;
                }
                reason = why;
                run = new ArrayList<>(actions);
                actions.clear();
            }
            for (Runnable action : run) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.warn("a provider's cancel action failed: {}", e.toString());
                }
            }
        }

        @Override
        public boolean isCancelled() {
            return reason != null;
        }

        @Override
        public String reason() {
            String r = reason;
            return r == null ? "" : r;
        }

        @Override
        public void onCancel(Runnable action) {
            synchronized (this) {
                if (reason == null) {
                    actions.add(action);
                    return;
                }
            }
            action.run();
        }
    }
}
