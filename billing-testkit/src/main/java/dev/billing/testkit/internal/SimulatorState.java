package dev.billing.testkit.internal;

import dev.billing.testkit.Fault;
import dev.billing.testkit.SimulatorData;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
    private final FaultBook faults = new FaultBook("HyperBillingSimulator",
            Set.of(Fault.RowsOutsidePeriod.class, Fault.NullCosts.class));
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

    /** @return the faults, per AWS account id */
    public FaultBook faults() {
        return faults;
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
