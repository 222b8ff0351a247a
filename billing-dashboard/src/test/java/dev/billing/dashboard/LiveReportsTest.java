package dev.billing.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.Billing;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CredentialSchema;
import dev.billing.core.Credentials;
import dev.billing.core.Dimension;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.FakeBillingProvider;
import dev.billing.testkit.SimulatorData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LiveReports} behind {@link DashboardHandler} over real HTTP: a hung account (its provider blocks on a
 * latch) is PENDING at the page's deadline and never delays a page without it; identical requests share one
 * fetch per account; the merged report equals the core's report to the last digit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveReportsTest {
    private static final SimulatorData DATA = SimulatorData.generator().seed(26).accounts(3).currencies("USD", "KRW", "USD")
            .days(LocalDate.of(2026, 1, 1), 120).rowsPerDay(3).build();
    /** name, project: the third one hangs until released. */
    private static final String[][] ACCOUNTS = {{"web-prod", "project-web"}, {"data-krw", "project-data"},
            {"ops-hung", "project-ops"}};
    private static final String HUNG = "ops-hung";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
    private Billing billing;
    private HttpServer server;
    private ExecutorService threads;
    private String base;

    /** The fake provider, counting fetches per service account and holding HUNG's until released. */
    private final class Latched implements BillingProvider {
        private final FakeBillingProvider fake = FakeBillingProvider.builder().data(DATA).build();

        @Override
        public ProviderId id() {
            return fake.id();
        }

        @Override
        public String displayName() {
            return fake.displayName();
        }

        @Override
        public CredentialSchema credentialSchema() {
            return fake.credentialSchema();
        }

        @Override
        public Set<Capability> capabilities() {
            return fake.capabilities();
        }

        @Override
        public void verify(ServiceAccount account) {
            fake.verify(account);
        }

        @Override
        public FetchStats fetch(FetchRequest request, CostSink sink) {
            fetches.computeIfAbsent(request.account().name(), n -> new AtomicInteger()).incrementAndGet();
            if (request.account().name().equals(HUNG)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return fake.fetch(request, sink);
        }
    }

    @BeforeEach
    void start() throws Exception {
        billing = Billing.builder().discoverProviders(false).addProvider(new Latched()).maxConcurrentFetches(64).build();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            String account = DATA.accounts().get(i);
            SimulatorData.ApiUser user = DATA.userFor(account).orElseThrow();
            billing.serviceAccounts().register(ACCOUNTS[i][0], FakeBillingProvider.DEFAULT_ID, Credentials.of(Map.of(
                    "account", account, "email", user.email(), "key", user.key())), ACCOUNTS[i][1]);
        }
        // the deadline is what the hung account's page waits: short, and nothing asserts on time
        LiveReports live = LiveReports.builder(billing).deadline(Duration.ofMillis(300)).build();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", DashboardHandler.builder(live).defaultPeriod(Fixture.PERIOD).build());
        threads = Executors.newFixedThreadPool(50);
        server.setExecutor(threads);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
        billing.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(String json, String account) {
        Matcher m = Pattern.compile("\"name\":\\s*\"" + account + "\"[^}]*\"status\":\\s*\"([A-Z]+)\"").matcher(json);
        return m.find() ? m.group(1) : "absent";
    }

    @Test
    void pageWithAHungAccount_answersAtItsDeadline_withThatAccountPending_thenTheReloadAfterItAnswered_isComplete()
            throws Exception {
        HttpResponse<String> json = get("api/report?from=2026-01&to=2026-04");

        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).contains("\"complete\": false");
        assertThat(status(json.body(), HUNG)).isEqualTo("PENDING");
        assertThat(status(json.body(), "web-prod")).isEqualTo("OK");
        HttpResponse<String> page = get("");
        assertThat(page.body()).contains("data-complete=\"false\"", "have not answered yet", "PENDING");

        release.countDown();
        CostQuery q = CostQuery.builder(dev.billing.core.BillingPeriod.of(LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 4, 1))).build();
        CostReport expected = billing.costs().report(q);
        HttpResponse<String> after;
        do { // the background fetch fills the cache; the next load is complete once it has
            after = get("api/report?from=2026-01&to=2026-04");
        } while (after.body().contains("PENDING"));
        assertThat(after.body()).isEqualTo(ReportJson.toString(expected, false) + "\n");
    }

    @Test
    void projectPageWithoutTheHungAccount_isCompleteAndNeverAsksIt() throws Exception {
        HttpResponse<String> json = get("api/report?project=project-web&from=2026-01&to=2026-04&groupBy=service");

        assertThat(json.body()).contains("\"complete\": true").doesNotContain(HUNG);
        assertThat(fetches).doesNotContainKey(HUNG);
        CostReport expected = billing.costs().report(CostQuery.builder(dev.billing.core.BillingPeriod.of(
                LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 1))).project("project-web")
                .groupBy(Dimension.SERVICE).build());
        assertThat(json.body()).isEqualTo(ReportJson.toString(expected, false) + "\n");
        assertThat(get("projects/project-data").body()).contains("data-complete=\"true\"");
    }

    @Test
    void fiftyConcurrentIdenticalRequests_costOneFetchPerAccount() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(clients.submit(() -> {
                    go.await();
                    return get("api/report?from=2026-01&to=2026-07&granularity=DAILY");
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> a : answers) {
                assertThat(a.get().statusCode()).isEqualTo(200);
                assertThat(status(a.get().body(), HUNG)).isEqualTo("PENDING");
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(fetches.keySet()).containsExactlyInAnyOrder("web-prod", "data-krw", HUNG);
        fetches.forEach((account, n) -> assertThat(n.get()).as(account).isEqualTo(1));
    }

    @Test
    void anAccountThatAnswered_isNotAskedAgainWithinTheTimeToLive() throws Exception {
        // the domain page and a project page ask the same per-account query (grouped by service)
        get("projects/project-web?from=2026-02&to=2026-03");
        get("?from=2026-02&to=2026-03");
        get("projects/project-data?from=2026-02&to=2026-03");

        assertThat(fetches.get("web-prod").get()).isEqualTo(1);
        assertThat(fetches.get("data-krw").get()).isEqualTo(1);
    }

    @Test
    void docsSnippet_mountsLiveReports() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try {
            // README-BEGIN
            LiveReports live = LiveReports.builder(billing)
                    .deadline(Duration.ofSeconds(10))   // default
                    .timeToLive(Duration.ofMinutes(5))  // default
                    .build();
            server.createContext("/", DashboardHandler.builder(live).build());
            // README-END
            server.start();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/api/report?project=project-web&from=2026-01&to=2026-02"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"complete\": true");
        } finally {
            server.stop(0);
        }
    }
}
