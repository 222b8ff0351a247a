package dev.billing.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.hyperbilling.HyperBillingProvider;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Benchmark 5: the January 2026 costs of 1,000 accounts, one page each, from the HyperBilling
 * simulator on loopback. Contenders, each with at most {@value #IN_FLIGHT} requests in flight:
 * ours ({@code CostAggregator.domainTotal} through the HyperBilling provider); the ceiling, a raw
 * {@code HttpClient.sendAsync} loop that only scans each body for its costs; and ours sequentially
 * (one account at a time). On loopback the answers take no time to travel; {@code -p latencyMs=20}
 * adds the simulator's latency to each answer, as a real network would.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class FetchBenchmark {
    static final int IN_FLIGHT = 32;
    static final BillingPeriod JANUARY = BillingPeriod.month(YearMonth.of(2026, 1));
    private static final JsonFactory FACTORY = new JsonFactory();

    /** The simulator, our SDK configured for it, and a raw client. */
    @State(Scope.Benchmark)
    public static class Setting {
        /** The number of accounts, one page each. */
        @Param("1000")
        public int accountCount;
        /** The simulator's added latency per answer, in milliseconds: 0 is pure loopback. */
        @Param("0")
        public int latencyMs;

        HyperBillingSimulator simulator;
        Billing concurrent;
        Billing sequential;
        HttpClient http;
        List<String> accounts;

        /** Starts the simulator, registers the accounts and checks the three contenders agree. */
        @Setup(Level.Trial)
        public void setUp() {
            simulator = HyperBillingSimulator.builder().data(data(accountCount))
                    .threads(IN_FLIGHT).latency(Duration.ofMillis(latencyMs)).start();
            accounts = simulator.data().accounts();
            concurrent = billing(IN_FLIGHT);
            sequential = billing(1);
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Agreement.check("fetch", KernelBenchmark.entry("ours", Map.of("USD", total(concurrent))), Map.of(
                    "raw sendAsync", Map.of("USD", rawTotal(this)),
                    "sequential", Map.of("USD", total(sequential)),
                    "simulator", Map.of("USD", simulator.data().totals(accounts, JANUARY).get(0).amount())));
        }

        private Billing billing(int inFlight) {
            Billing billing = Billing.builder()
                    .providerSettings(HyperBillingProvider.ID, Map.of("endpoint", simulator.endpoint(),
                            "maxConcurrentRequests", Integer.toString(inFlight)))
                    .maxConcurrentFetches(inFlight)
                    .build();
            for (String account : accounts) {
                billing.serviceAccounts().register("sa-" + account, HyperBillingProvider.ID,
                        Credentials.of(Map.of("account", account, "email", SimulatorData.DEFAULT_EMAIL,
                                "key", SimulatorData.DEFAULT_KEY)),
                        "project-" + account.charAt(account.length() - 1));
            }
            return billing;
        }

        private static SimulatorData data(int accountCount) {
            SplittableRandom random = new SplittableRandom(5);
            Map<String, String> currencies = new LinkedHashMap<>();
            List<SimulatorData.Row> rows = new ArrayList<>();
            String[] services = {"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda"};
            for (int a = 0; a < accountCount; a++) {
                String account = Long.toString(200_000_000_000L + a);
                currencies.put(account, "USD");
                for (int d = 0; d < 31; d++) {
                    rows.add(new SimulatorData.Row(account, LocalDate.of(2026, 1, 1 + d), "APN2",
                            services[random.nextInt(services.length)], "APN2-BoxUsage:t3.micro", "t3.micro",
                            BigDecimal.valueOf(random.nextLong(-1_000_000, 10_000_000_000L), 8), BigDecimal.ONE));
                }
            }
            return SimulatorData.of(currencies, List.of(), rows);
        }

        /** Stops everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            concurrent.close();
            sequential.close();
            simulator.close();
        }
    }

    /** Ours: the domain total of every account, {@value #IN_FLIGHT} at a time. */
    @Benchmark
    public BigDecimal ours(Setting s) {
        return total(s.concurrent);
    }

    /** Ours, one account after another. */
    @Benchmark
    public BigDecimal sequential(Setting s) {
        return total(s.sequential);
    }

    /** The ceiling: raw {@code sendAsync} of the same requests, bodies scanned for their costs. */
    @Benchmark
    public BigDecimal raw(Setting s) {
        return rawTotal(s);
    }

    static BigDecimal rawTotal(Setting s) {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<BigDecimal>> pages = new ArrayList<>(s.accounts.size());
        for (String account : s.accounts) {
            inFlight.acquireUninterruptibly();
            HttpRequest request = HttpRequest.newBuilder(URI.create(s.simulator.endpoint() + "/v1/search/billing"))
                    .header("X-Client-Id", SimulatorData.DEFAULT_EMAIL)
                    .header("X-Client-Secret", SimulatorData.DEFAULT_KEY)
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(account)))
                    .build();
            pages.add(s.http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> inFlight.release())
                    .thenApply(r -> costs(r.body())));
        }
        BigDecimal total = BigDecimal.ZERO;
        for (CompletableFuture<BigDecimal> page : pages) {
            total = total.add(page.join());
        }
        return total;
    }

    static BigDecimal total(Billing billing) {
        CostReport report = billing.costs().domainTotal(JANUARY);
        if (!report.isComplete()) {
            throw new IllegalStateException("incomplete report: " + report);
        }
        return report.totals().get(0).amount();
    }

    private static String body(String account) {
        return "{\"Filter\":{\"LinkedAccount\":[\"" + account + "\"],\"Granularity\":\"DAILY\","
                + "\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-02-01\"}},"
                + "\"GroupBy\":[\"USAGE_DATE\",\"REGION\",\"SERVICE_CODE\",\"USAGE_TYPE\",\"INSTANCE_TYPE\"],"
                + "\"Result\":[\"USAGE_COST\",\"USAGE_QUANTITY\"]}";
    }

    private static BigDecimal costs(byte[] body) {
        BigDecimal total = BigDecimal.ZERO;
        try (JsonParser p = FACTORY.createParser(body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && "USAGE_COST".equals(p.currentName())) {
                    p.nextToken();
                    total = total.add(p.getDecimalValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }
}
