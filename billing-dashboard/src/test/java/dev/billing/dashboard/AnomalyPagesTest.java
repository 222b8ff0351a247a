package dev.billing.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.AnomalyReport;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.testkit.FakeBillingProvider;
import dev.billing.testkit.SimulatorData;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Anomalies on the pages: a web project whose service named {@value Fixture#HOSTILE} runs at 10 USD a day and
 * jumps to 90 on March 10 in a new region; an ops project that stays flat.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnomalyPagesTest {
    private static final BillingPeriod MARCH = BillingPeriod.of(LocalDate.parse("2026-03-01"),
            LocalDate.parse("2026-04-01"));
    private static final LocalDate SPIKE = LocalDate.parse("2026-03-10");

    private final Billing billing = billing();
    private HttpServer server;

    private static Billing billing() {
        List<SimulatorData.Row> rows = new ArrayList<>();
        for (LocalDate d = LocalDate.parse("2026-02-01"); d.isBefore(MARCH.end()); d = d.plusDays(1)) {
            rows.add(new SimulatorData.Row("111111111111", d, "APN2", Fixture.HOSTILE, "", null, BigDecimal.TEN, null));
            rows.add(new SimulatorData.Row("222222222222", d, "APN2", "AmazonS3", "", null, BigDecimal.ONE, null));
        }
        rows.add(new SimulatorData.Row("111111111111", SPIKE, "USE1\"<b>", Fixture.HOSTILE, "", null,
                new BigDecimal("80"), null));
        SimulatorData data = SimulatorData.of(Map.of("111111111111", "USD", "222222222222", "USD"), List.of(), rows);
        Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(FakeBillingProvider.builder().data(data).build()).build();
        billing.serviceAccounts().register("web", FakeBillingProvider.DEFAULT_ID, credentials("111111111111"),
                "project-web");
        billing.serviceAccounts().register("ops", FakeBillingProvider.DEFAULT_ID, credentials("222222222222"),
                "project-ops");
        return billing;
    }

    private static Credentials credentials(String account) {
        return Credentials.of(Map.of("account", account, "email", SimulatorData.DEFAULT_EMAIL, "key",
                SimulatorData.DEFAULT_KEY));
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.stop(0);
        }
        billing.close();
    }

    private AnomalyReport anomalies() {
        return AnomalyDetector.builder().build().detect(MARCH, billing.costs()::report);
    }

    private static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void dailyChartsMarkTheAnomalyDay_andTheSectionListsItsDriversEscaped() {
        AnomalyReport found = anomalies();
        assertThat(found.anomalies()).hasSize(2);
        CostReport daily = billing.costs().report(DashboardRenderer.domainQuery(MARCH, Granularity.DAILY));

        String html = DashboardRenderer.create().domain(daily, found);

        assertThat(count(html, "<rect class=\"bar anomaly\"")).isEqualTo(1);
        assertThat(html).contains("data-period=\"" + SPIKE + "\" data-amount=\"91\" data-anomalies=\"2\"")
                .contains("<circle class=\"anomaly-mark\"")
                .contains("<tr class=\"anomaly\"><th scope=\"row\">" + SPIKE + " (2 anomalies)");
        assertThat(html).contains("<section id=\"anomalies\"");
        assertThat(count(html, "<tr data-day=\"" + SPIKE + "\" data-project=\"project-web\"")).isEqualTo(2);
        assertThat(html).doesNotContain(Fixture.HOSTILE).doesNotContain("\"<b>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("region <b>USE1&quot;&lt;b&gt;</b>: <data class=\"amount\" data-currency=\"USD\""
                        + " value=\"80\">80.00 USD</data> (baseline <data class=\"amount\" data-currency=\"USD\""
                        + " value=\"0\">0.00 USD</data>)");
    }

    @Test
    void monthlyChartsMarkTheMonth_andAProjectPageShowsOnlyItsOwnAnomalies() {
        AnomalyReport found = anomalies();
        DashboardRenderer renderer = DashboardRenderer.create();
        String web = renderer.project(billing.costs().report(DashboardRenderer.projectQuery("project-web", MARCH,
                Granularity.MONTHLY)), "project-web", found);
        assertThat(web).contains("data-period=\"2026-03\" data-amount=\"390\" data-anomalies=\"2\"");

        String ops = renderer.project(billing.costs().report(DashboardRenderer.projectQuery("project-ops", MARCH,
                Granularity.MONTHLY)), "project-ops", found);
        assertThat(ops).doesNotContain("bar anomaly").contains("No anomaly in this period");

        String without = renderer.domain(billing.costs().report(DashboardRenderer.domainQuery(MARCH,
                Granularity.MONTHLY)));
        assertThat(without).doesNotContain("id=\"anomalies\"").doesNotContain("bar anomaly");
    }

    @Test
    void theHandlerMarksAnomaliesOnEveryPage_andSaysSoWhenTheyCannotBeJudged() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AnomalyDetector detector = AnomalyDetector.builder().build();
        server.createContext("/", DashboardHandler.builder(billing.costs()::report)
                .anomalies(detector, billing.costs()::report).build());
        server.createContext("/down/", DashboardHandler.builder(billing.costs()::report).anomalies(detector, q -> {
            throw new ProviderUnavailableException("hyperbilling-aws is down <i>now</i>", "web", 503, null);
        }).build());
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        HttpClient client = HttpClient.newHttpClient();
        String query = "?from=2026-03-01&to=2026-04-01&granularity=DAILY";

        HttpResponse<String> domain = client.send(HttpRequest.newBuilder(URI.create(base + "/" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(domain.statusCode()).isEqualTo(200);
        assertThat(count(domain.body(), "<tr data-day=")).isEqualTo(2);
        HttpResponse<String> project = client.send(HttpRequest.newBuilder(URI.create(base + "/projects/project-web"
                + query)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(project.body()).contains("bar anomaly");

        HttpResponse<String> down = client.send(HttpRequest.newBuilder(URI.create(base + "/down/" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).contains("Anomalies could not be judged: hyperbilling-aws is down &lt;i&gt;now&lt;/i&gt;")
                .contains("id=\"chart-USD\"");
        assertThat(Set.of(domain.headers().firstValue("Content-Security-Policy").orElseThrow()))
                .containsExactly(DashboardRenderer.contentSecurityPolicy());
    }
}
