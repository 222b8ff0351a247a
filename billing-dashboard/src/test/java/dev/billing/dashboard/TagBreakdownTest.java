package dev.billing.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pages' breakdown by a tag key ({@code ?tag=KEY}) over real HTTP: exact per value, escaped, with its JSON. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TagBreakdownTest {
    private static final String RANGE = "from=2026-01&to=2026-04";
    private static final Pattern ROW = Pattern.compile("<tr data-value=\"([^\"]*)\"><td class=\"value\">.*?"
            + "<data class=\"amount\" data-currency=\"([A-Z]{3})\" value=\"([^\"]+)\"");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TaggedFixture fixture;
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        fixture = new TaggedFixture(7);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", DashboardHandler.builder(fixture.billing.costs()::report)
                .renderer(DashboardRenderer.builder().jsonLink(true).tagKeys(List.of("team", "env")).build()).build());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
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

    /** @return per currency, each value listed in the page's breakdown and its exact amount */
    static Map<String, Map<String, BigDecimal>> breakdown(String html) {
        int at = html.indexOf("<section id=\"tags\"");
        assertThat(at).as("the page has the breakdown by tag").isNotNegative();
        String section = html.substring(at, html.indexOf("</section>", at));
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            out.computeIfAbsent(m.group(2), c -> new TreeMap<>()).put(unescape(m.group(1)), new BigDecimal(m.group(3)).stripTrailingZeros());
        }
        return out;
    }

    private static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    @ParameterizedTest
    @ValueSource(strings = {"team", "tag:team", "tag%3Ateam"})
    void theDomainPage_breaksDownByTheTag_exactlyPerValue_aliasesApplied(String tag) throws Exception {
        HttpResponse<String> page = get("?" + RANGE + "&tag=" + tag);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(breakdown(page.body())).isEqualTo(fixture.expected(null));
        assertThat(page.body()).contains("<section id=\"tags\" data-tag-key=\"team\"", "&lt;b&gt;ops&lt;/b&gt;",
                "<span class=\"muted\">(untagged)</span>", "name=\"tag\" list=\"tag-keys\"", "value=\"team\">")
                .doesNotContain("<b>ops</b>");
    }

    @Test
    void aProjectPage_breaksDownItsOwnCosts_andTheLinksKeepTheTag() throws Exception {
        HttpResponse<String> domain = get("?" + RANGE + "&tag=team");
        assertThat(domain.body()).contains("href=\"projects/project-web?from=2026-01-01&amp;to=2026-04-01"
                + "&amp;granularity=MONTHLY&amp;tag=team\"");

        HttpResponse<String> page = get("projects/project-web?" + RANGE + "&tag=team");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(breakdown(page.body())).isEqualTo(fixture.expected("project-web"));
        assertThat(page.body()).contains("<a href=\"../?from=2026-01-01&amp;to=2026-04-01&amp;granularity=MONTHLY"
                + "&amp;tag=team\">");
    }

    @Test
    void theJsonLink_givesTheSameBreakdown_asRowsKeyedByTheTag() throws Exception {
        HttpResponse<String> page = get("projects/project-data?" + RANGE + "&tag=team");
        Matcher link = Pattern.compile("id=\"json-link\" href=\"\\.\\./([^\"]+)\"").matcher(page.body());
        assertThat(link.find()).isTrue();
        String href = link.group(1).replace("&amp;", "&");
        assertThat(href).isEqualTo("api/report?from=2026-01-01&to=2026-04-01&granularity=MONTHLY&project=project-data"
                + "&groupBy=tag%3Ateam");

        HttpResponse<String> json = get(href);
        assertThat(json.statusCode()).isEqualTo(200);
        Map<String, Map<String, BigDecimal>> sums = new TreeMap<>();
        for (JsonNode row : new ObjectMapper().readTree(json.body()).get("rows")) {
            assertThat(row.get("keys").properties()).extracting(Map.Entry::getKey).containsExactly("tag:team");
            sums.computeIfAbsent(row.get("currency").asText(), c -> new TreeMap<>())
                    .merge(row.get("keys").get("tag:team").asText(), new BigDecimal(row.get("amount").asText()),
                            BigDecimal::add);
        }
        sums.values().forEach(values -> values.replaceAll((k, v) -> v.stripTrailingZeros()));
        assertThat(sums).isEqualTo(fixture.expected("project-data"));
    }

    @Test
    void withoutATag_thereIsNoBreakdown_andAnEmptyKeyIsRefused() throws Exception {
        assertThat(get("?" + RANGE).body()).doesNotContain("<section id=\"tags\"");
        assertThat(get("?" + RANGE + "&tag=").body()).doesNotContain("<section id=\"tags\"");
        HttpResponse<String> bad = get("?" + RANGE + "&tag=tag:");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("a tag dimension needs a key");
    }

    @Test
    void theOfferedKeys_areEscaped() {
        String html = DashboardRenderer.builder().tagKeys(List.of("team", "\"><script>")).build()
                .domain(fixture.billing.costs().report(DashboardRenderer.domainQuery(TaggedFixture.PERIOD,
                        dev.billing.core.Granularity.MONTHLY)));
        assertThat(html).contains("<option value=\"&quot;&gt;&lt;script&gt;\"></option><option value=\"team\"></option>")
                .doesNotContain("<script>");
    }
}
