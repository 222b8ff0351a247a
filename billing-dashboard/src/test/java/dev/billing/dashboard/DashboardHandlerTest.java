package dev.billing.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The handler over real HTTP on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardHandlerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-15T12:00:00Z"), ZoneOffset.UTC);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<CostQuery> asked = new CopyOnWriteArrayList<>();
    private Fixture fixture;
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        fixture = Fixture.start();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        DashboardRenderer renderer = DashboardRenderer.builder().jsonLink(true).topServices(10).build();
        server.createContext("/", DashboardHandler.builder(q -> {
            asked.add(q);
            return fixture.report(q);
        }).renderer(renderer).clock(CLOCK).build());
        server.createContext("/billing", DashboardHandler.builder(fixture::report).clock(CLOCK).build());
        server.createContext("/broken/", DashboardHandler.builder(q -> {
            throw new ProviderUnavailableException("hyperbilling-aws is down for web-prod (HTTP 503)", "web-prod", 503, null);
        }).build());
        server.createContext("/refusing/", DashboardHandler.builder(q -> {
            throw new InvalidRequestException("DAILY over 10 years is too many buckets");
        }).build());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        fixture.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(DashboardRenderer.contentSecurityPolicy());
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, no-store");
    }

    @Test
    void domainPage_defaultsToTheSixMonthsEndingWithTheCurrentOne_monthly() throws Exception {
        HttpResponse<String> r = get("/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertSecurityHeaders(r);
        assertThat(asked).singleElement().satisfies(q -> {
            assertThat(q.period()).isEqualTo(BillingPeriod.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 7, 1)));
            assertThat(q.granularity()).isEqualTo(Granularity.MONTHLY);
            assertThat(q.groupBy()).containsExactly(Dimension.SERVICE);
        });
        CostReport report = fixture.report(asked.get(0));
        assertThat(r.body()).contains("<h1>Domain billing</h1>");
        report.totals().forEach(m -> assertThat(r.body()).contains(m.format()));
        assertThat(r.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script");
    }

    @Test
    void projectPage_asksForThatProjectOnly() throws Exception {
        HttpResponse<String> r = get("/projects/project-data?from=2026-02&to=2026-04&granularity=daily");

        assertThat(r.statusCode()).isEqualTo(200);
        assertSecurityHeaders(r);
        CostQuery q = asked.get(0);
        assertThat(q.period()).isEqualTo(BillingPeriod.of(LocalDate.of(2026, 2, 1), LocalDate.of(2026, 4, 1)));
        assertThat(q.granularity()).isEqualTo(Granularity.DAILY);
        assertThat(q.filters().get(Dimension.PROJECT)).containsExactly("project-data");
        assertThat(r.body()).contains("<h1>project-data</h1>", "data-seoul").doesNotContain(">web-prod<");
        assertThat(r.body().split("<rect class=\"bar").length - 1).isEqualTo(2 * 59);   // KRW and EUR, 59 days each
    }

    @ParameterizedTest
    @CsvSource({"/projects/no-such-project", "/projects/%3Cscript%3E", "/projects/a/b", "/nothing-here",
            "/api/report?project=no-such-project"})
    void unknownProjectOrPath_is404(String path) throws Exception {
        HttpResponse<String> r = get(path);

        assertThat(r.statusCode()).isEqualTo(404);
        assertSecurityHeaders(r);
        assertThat(r.body()).doesNotContain("<script");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/?from=2026-13|from='2026-13' is not a date: write YYYY-MM-DD",
            "/?from=2026-05&to=2026-04|to=2026-04-01 must be after from=2026-05-01",
            "/?granularity=HOURLY|unknown granularity 'HOURLY'; use one of DAILY, MONTHLY, YEARLY",
            "/?form=2026-01|unknown parameter 'form': use from, granularity, tag, to",
            "/?from=2026-01&from=2026-02|parameter 'from' is given twice",
            "/projects/project-web?to=nope|to='nope' is not a date",
            "/api/report?groupBy=service,color|color",
            "/api/report?groupBy=service,service|groupBy names service twice",
            "/refusing/|DAILY over 10 years is too many buckets"})
    void badParameters_are400WithAMessage(String path, String message) throws Exception {
        HttpResponse<String> r = get(path);

        assertThat(r.statusCode()).isEqualTo(400);
        assertSecurityHeaders(r);
        assertThat(r.body()).contains(message.replace("'", path.startsWith("/api") ? "'" : "&#39;"));
        if (path.startsWith("/api")) {
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(r.body()).startsWith("{\n  \"error\": ");
        }
    }

    @Test
    void apiReport_isTheReportJsonDocument_withProjectAndGroupBy() throws Exception {
        HttpResponse<String> r = get("/api/report?from=2026-01&to=2026-03&project=project-web&groupBy=service,region");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertSecurityHeaders(r);
        CostQuery q = asked.get(0);
        assertThat(q.groupBy()).containsExactly(Dimension.SERVICE, Dimension.REGION);
        assertThat(q.filters().get(Dimension.PROJECT)).containsExactly("project-web");
        assertThat(r.body()).isEqualTo(ReportJson.toString(fixture.report(q), false) + "\n")
                .contains("\"rows\": [", "\"status\": \"FAILED\"");
    }

    @Test
    void apiReport_fromStore_addsAsOf() throws Exception {
        server.createContext("/store/", DashboardHandler.builder(fixture::report).fromStore(true).build());

        HttpResponse<String> r = get("/store/api/report?from=2026-01&to=2026-02");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"asOf\": \"");
    }

    @Test
    void mountedBelowAPath_redirectsTheBarePathAndLinksStayRelative() throws Exception {
        HttpResponse<String> bare = get("/billing?from=2026-01");
        HttpResponse<String> page = get("/billing/?from=2026-01&to=2026-03");
        HttpResponse<String> project = get("/billing/projects/project-web?from=2026-01&to=2026-03");

        assertThat(bare.statusCode()).isEqualTo(308);
        assertThat(bare.headers().firstValue("Location")).hasValue("/billing/?from=2026-01");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"projects/project-web?from=2026-01-01&amp;to=2026-03-01",
                "href=\"api/report?from=2026-01-01");
        assertThat(project.statusCode()).isEqualTo(200);
        assertThat(project.body()).contains("href=\"../?from=2026-01-01", "href=\"../api/report?from=2026-01-01");
    }

    @Test
    void otherMethods_are405_headHasNoBody() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertSecurityHeaders(head);
    }

    @Test
    void aSourceThatFails_is502WithItsMessage() throws Exception {
        HttpResponse<String> r = get("/broken/");

        assertThat(r.statusCode()).isEqualTo(502);
        assertSecurityHeaders(r);
        assertThat(r.body()).contains("hyperbilling-aws is down for web-prod (HTTP 503)");
    }

    @Test
    void noPageAndNoJsonHoldsASecret() throws Exception {
        for (String path : List.of("/", "/projects/project-web", "/projects/project-data", "/api/report",
                "/api/report?groupBy=serviceAccount,account")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            for (String account : Fixture.DATA.accounts()) {
                assertThat(r.body()).as(path).doesNotContain(Fixture.DATA.userFor(account).orElseThrow().key());
            }
        }
    }
}
