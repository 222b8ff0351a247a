package dev.billing.testkit.internal.aws;

import dev.billing.testkit.AwsCostExplorerSimulator.Account;
import dev.billing.testkit.Fault;
import dev.billing.testkit.internal.FaultBook;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The live state of an AWS Cost Explorer simulator: keys, rows, faults, counters. Thread-safe. */
public final class CostExplorerState {
    private final String region;
    private final int pageSize;
    private final LocalDate estimatedFrom;
    private final Clock clock;
    private final Map<String, Account> byKey = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final FaultBook faults = new FaultBook("AwsCostExplorerSimulator", Set.of());
    private final Map<String, AtomicInteger> costRequests = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger stsRequests = new AtomicInteger();
    private final Map<String, Account> webIdentities = new ConcurrentHashMap<>();
    private final List<String> bodies = new ArrayList<>();
    private volatile List<Row> rows = List.of();

    /**
     * @param region the signing region
     * @param pageSize groups per page
     * @param estimatedFrom the first estimated day
     * @param clock the clock signatures are checked against
     */
    public CostExplorerState(String region, int pageSize, LocalDate estimatedFrom, Clock clock) {
        this.region = region;
        this.pageSize = pageSize;
        this.estimatedFrom = estimatedFrom;
        this.clock = clock;
    }

    /** @param a an account with its keys */
    public void addAccount(Account a) {
        byKey.put(a.accessKeyId(), a);
    }

    /**
     * @param roleArn a role that trusts the web identity provider
     * @param token the web identity token that provider issued
     * @param temporary the keys {@code AssumeRoleWithWebIdentity} hands out for that pair
     */
    public void addWebIdentity(String roleArn, String token, Account temporary) {
        webIdentities.put(roleArn + "\n" + token, temporary);
    }

    Account webIdentity(String roleArn, String token) {
        return webIdentities.get(roleArn + "\n" + token);
    }

    void countStsRequest() {
        stsRequests.incrementAndGet();
    }

    /** @return the STS requests received so far */
    public int stsRequests() {
        return stsRequests.get();
    }

    Account byKey(String accessKeyId) {
        return byKey.get(accessKeyId);
    }

    /**
     * @param linked a linked account
     * @param name its name
     */
    public void name(String linked, String name) {
        names.put(linked, name);
    }

    String name(String linked) {
        return names.getOrDefault(linked, "account " + linked);
    }

    /** @param all every row */
    public void rows(List<Row> all) {
        this.rows = List.copyOf(all);
    }

    /** @return every row */
    public List<Row> rows() {
        return rows;
    }

    /**
     * @param account an account id
     * @param f a fault for its cost requests
     */
    public void addFault(String account, Fault f) {
        faults.add(account, f);
    }

    /** Removes every fault, releasing waiting requests. */
    public void clearFaults() {
        faults.clear();
    }

    FaultBook faults() {
        return faults;
    }

    void countCost(String account, String body) {
        costRequests.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet();
        synchronized (bodies) {
            if (bodies.size() < 10_000) {
                bodies.add(body);
            }
        }
    }

    /**
     * @param account an account id
     * @return its cost requests so far
     */
    public int costRequests(String account) {
        AtomicInteger n = costRequests.get(account);
        return n == null ? 0 : n.get();
    }

    /** @return the bodies of the cost requests so far */
    public List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    int countRequest() {
        return requests.incrementAndGet();
    }

    /** @return every request so far */
    public int requestCount() {
        return requests.get();
    }

    String region() {
        return region;
    }

    int pageSize() {
        return pageSize;
    }

    LocalDate estimatedFrom() {
        return estimatedFrom;
    }

    Clock clock() {
        return clock;
    }

    /** Releases hanging requests for good. */
    public void close() {
        faults.close();
    }
}
