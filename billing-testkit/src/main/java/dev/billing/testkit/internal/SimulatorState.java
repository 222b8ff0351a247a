package dev.billing.testkit.internal;

import dev.billing.testkit.Fault;
import dev.billing.testkit.SimulatorData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** What a running simulator serves and how it misbehaves; changed at runtime by tests. Thread-safe. */
public final class SimulatorState {
    private volatile SimulatorData data;
    private final int pageSize;
    private final long latencyMillis;
    private final int requestsPerSecond;
    private final LongSupplier nanoTime;
    private final Map<String, ArrayDeque<Long>> recent = new HashMap<>();
    private final Map<String, List<ActiveFault>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> billingRequests = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param data the data served
     * @param pageSize rows per page
     * @param latencyMillis delay before each answer
     * @param requestsPerSecond the most requests one API user may send per second; 0 for no limit
     */
    public SimulatorState(SimulatorData data, int pageSize, long latencyMillis, int requestsPerSecond) {
        this(data, pageSize, latencyMillis, requestsPerSecond, System::nanoTime);
    }

    /**
     * @param data the data served
     * @param pageSize rows per page
     * @param latencyMillis delay before each answer
     * @param requestsPerSecond the most requests one API user may send per second; 0 for no limit
     * @param nanoTime the time source of the rate limit, in nanoseconds ({@code System::nanoTime})
     */
    public SimulatorState(SimulatorData data, int pageSize, long latencyMillis, int requestsPerSecond,
                          LongSupplier nanoTime) {
        this.data = Objects.requireNonNull(data, "data");
        this.pageSize = pageSize;
        this.latencyMillis = latencyMillis;
        this.requestsPerSecond = requestsPerSecond;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Counts a request of an API user against the rate limit.
     *
     * @param email the API user
     * @return whether the request is within the limit
     */
    synchronized boolean admit(String email) {
        if (requestsPerSecond == 0) {
            return true;
        }
        long now = nanoTime.getAsLong();
        ArrayDeque<Long> times = recent.computeIfAbsent(email, e -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() >= 1_000_000_000L) {
            times.removeFirst();
        }
        if (times.size() >= requestsPerSecond) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    /** A fault and how many more requests it applies to. */
    static final class ActiveFault {
        final Fault fault;
        final AtomicInteger remaining;

        ActiveFault(Fault fault) {
            this.fault = fault;
            int times = Integer.MAX_VALUE;
            if (fault instanceof Fault.Throttle t) {
                times = t.times();
            } else if (fault instanceof Fault.ServerError s) {
                times = s.times();
            }
            this.remaining = new AtomicInteger(times);
        }

        /** @return whether the fault applies to this request, counting it */
        boolean take() {
            return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }
    }

    /** @return the data served */
    public SimulatorData data() {
        return data;
    }

    /** @param data the data to serve from now on */
    public void data(SimulatorData data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    public int pageSize() {
        return pageSize;
    }

    long latencyMillis() {
        return latencyMillis;
    }

    /**
     * @param account an AWS account id
     * @param fault a fault to add to it
     */
    public void addFault(String account, Fault fault) {
        faults.computeIfAbsent(account, a -> new CopyOnWriteArrayList<>()).add(new ActiveFault(fault));
    }

    /** Removes every fault. */
    public void clearFaults() {
        faults.clear();
    }

    List<ActiveFault> faults(String account) {
        return faults.getOrDefault(account, List.of());
    }

    boolean has(String account, Class<? extends Fault> type) {
        return faults(account).stream().anyMatch(f -> type.isInstance(f.fault));
    }

    /** @return every active fault of the given accounts, in the order added */
    List<ActiveFault> faults(List<String> accounts) {
        List<ActiveFault> all = new ArrayList<>();
        accounts.forEach(a -> all.addAll(faults(a)));
        return all;
    }

    /**
     * @param account an AWS account id
     * @return whether the account's key is rejected ({@link Fault.RejectedKey})
     */
    public boolean hangs(String account) {
        return has(account, Fault.Hang.class);
    }

    /**
     * @param account an AWS account id
     * @return whether its key is refused
     */
    public boolean rejects(String account) {
        return has(account, Fault.RejectedKey.class);
    }

    /**
     * Uses up the account's pending throttle and server-error faults, as a client that retries would.
     *
     * @param account an AWS account id
     * @return how many failed requests that stands for
     */
    public int absorbTransientFaults(String account) {
        int n = 0;
        for (ActiveFault f : faults(account)) {
            if (f.fault instanceof Fault.Throttle || f.fault instanceof Fault.ServerError) {
                while (f.take()) {
                    n++;
                }
            }
        }
        return n;
    }

    void countRequest() {
        requests.incrementAndGet();
    }

    /** @param account an AWS account id a billing request named */
    public void countBillingRequest(String account) {
        billingRequests.computeIfAbsent(account, a -> new AtomicInteger()).incrementAndGet();
    }

    /** @return the requests answered so far, of any kind */
    public long requests() {
        return requests.get();
    }

    /**
     * @param account an AWS account id
     * @return the billing requests naming that account so far, pages and retries included
     */
    public int billingRequests(String account) {
        AtomicInteger n = billingRequests.get(account);
        return n == null ? 0 : n.get();
    }
}
