package dev.billing.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.AccountCoverage;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CostSummary;
import dev.billing.core.AccountStatus;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.SeriesPoint;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DashboardRendererTest {
    private static final Instant NOW = Instant.parse("2026-07-02T08:30:00Z");
    private static final DashboardRenderer RENDERER = DashboardRenderer.builder()
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    private static final BillingPeriod Q1 = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
    private static final CostQuery BY_SERVICE = CostQuery.builder(Q1).groupBy(Dimension.SERVICE).build();

    static AccountCoverage ok(String name, String project) {
        return new AccountCoverage(ServiceAccountId.of(name), ProviderId.of("hyperbilling-aws"), ProjectId.of(project),
                AccountStatus.Ok.INSTANCE, NOW, FetchStats.EMPTY);
    }

    static AccountCoverage failed(String name, String project, String error) {
        return new AccountCoverage(ServiceAccountId.of(name), ProviderId.of("hyperbilling-aws"), ProjectId.of(project),
                new AccountStatus.Failed(new CredentialsRejectedException(error, name, 401)), NOW, FetchStats.EMPTY);
    }

    static SeriesPoint point(String month, String amount, String currency) {
        return new SeriesPoint(YearMonth.parse(month).atDay(1), month, Money.of(amount, currency));
    }

    static CostRow row(String month, String service, String amount, String currency) {
        return new CostRow(YearMonth.parse(month).atDay(1), month, Map.of(Dimension.SERVICE, service),
                Money.of(amount, currency));
    }

    /** A report in USD and KRW over January to March, February without cost. */
    static CostReport twoCurrencies(List<AccountCoverage> coverage) {
        CostSummary domain = new CostSummary(List.of(Money.of("98765.5", "KRW"), Money.of("1234.565", "USD")),
                List.of(point("2026-01", "1000.005", "USD"), point("2026-01", "98765.5", "KRW"),
                        point("2026-03", "234.56", "USD")));
        CostSummary web = new CostSummary(List.of(Money.of("1234.565", "USD")),
                List.of(point("2026-01", "1000.005", "USD"), point("2026-03", "234.56", "USD")));
        CostSummary data = new CostSummary(List.of(Money.of("98765.5", "KRW")), List.of(point("2026-01", "98765.5", "KRW")));
        List<CostRow> rows = List.of(row("2026-01", "AmazonEC2", "900", "USD"), row("2026-01", "AmazonS3", "100.005", "USD"),
                row("2026-01", "AmazonEC2", "98765.5", "KRW"), row("2026-03", "AmazonEC2", "234.56", "USD"));
        return new CostReport(BY_SERVICE, domain, Map.of(ProjectId.of("project-web"), web,
                ProjectId.of("project-data"), data), rows, coverage);
    }

    private static List<String> all(String regex, String html) {
        Matcher m = Pattern.compile(regex).matcher(html);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.groupCount() > 0 ? m.group(1) : m.group());
        }
        return out;
    }

    @Test
    void domain_severalCurrencies_showsEachTotalRoundedAsTheTableFormatAndOneBarPerMonthPerCurrency() {
        String html = RENDERER.domain(twoCurrencies(List.of(ok("web-prod", "project-web"), ok("data-seoul", "project-data"))));

        assertThat(all("<data class=\"amount total\" data-currency=\"[A-Z]+\" value=\"[^\"]+\">([^<]+)</data>", html))
                .startsWith("98766 KRW", "1234.56 USD");   // HALF_EVEN to 0 and 2 digits, as Money.format
        assertThat(html).contains("value=\"1234.565\"", "value=\"98765.5\"");
        assertThat(all("<figure class=\"chart-box\" id=\"(chart-[A-Z]+)\"", html)).containsExactly("chart-KRW", "chart-USD");
        for (String chart : html.split("<figure ")) {
            if (chart.startsWith("class=\"chart-box\"")) {
                assertThat(all("<rect class=\"bar", chart)).as("one bar per month").hasSize(3);
                assertThat(all("<tr><th scope=\"row\">(\\d{4}-\\d\\d)</th>", chart))
                        .containsExactly("2026-01", "2026-02", "2026-03");
            }
        }
        assertThat(html).contains("data-period=\"2026-02\" data-amount=\"0\"", "2026-02: 0.00 USD", "2026-02: 0 KRW");
        assertThat(html).contains("<a href=\"projects/project-web?from=2026-01-01&amp;to=2026-04-01&amp;granularity=MONTHLY\">");
        assertThat(html).contains("id=\"completeness\" data-complete=\"true\"");
        assertThat(html).contains("<td class=\"service\">AmazonEC2</td>", "1134.56 USD", "91.9 %", "8.1 %");
    }

    @Test
    void anyValueFromProvidersOrConfiguration_isEscaped_andThePageHasNoScriptNoInlineStyleNoHandler() {
        String hostile = "<script>alert(1)</script>";
        String reason = "rejected " + hostile + " <img src=x onerror=alert(2)> \"quoted\" & 'single'";
        CostReport report = new CostReport(BY_SERVICE,
                new CostSummary(List.of(Money.of("5", "USD")), List.of(point("2026-01", "5", "USD"))),
                Map.of(ProjectId.of("p1"), CostSummary.EMPTY),
                List.of(row("2026-01", hostile, "5", "USD")), List.of(failed("sa-1", "p1", reason)));

        String html = DashboardRenderer.builder().title("Acme \"<b>\" billing").build().domain(report);

        assertThat(html).doesNotContain("<script", "<img", "<b>", "style=\"")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;",
                        "&quot;quoted&quot; &amp; &#39;single&#39;", "Acme &quot;&lt;b&gt;&quot; billing");
        assertThat(all("<[^>]*\\son[a-z]+=", html)).as("event handler attributes").isEmpty();
        assertThat(all("<style>", html)).hasSize(1);
    }

    @Test
    void theStyleSheet_isExactlyWhatThePolicyAllows() throws Exception {
        String html = RENDERER.domain(twoCurrencies(List.of()));
        String css = html.substring(html.indexOf("<style>") + 7, html.indexOf("</style>"));
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(css.getBytes(StandardCharsets.UTF_8)));

        assertThat(DashboardRenderer.contentSecurityPolicy())
                .startsWith("default-src 'none'; style-src 'sha256-" + hash + "';")
                .doesNotContain("script-src", "unsafe");
    }

    @Test
    void emptyReport_noAccountNoCost_saysSoWithoutChartsOrTables() {
        CostReport report = new CostReport(BY_SERVICE, CostSummary.EMPTY, Map.of(), List.of(), List.of());

        String html = RENDERER.domain(report);

        assertThat(html).contains("No service account is in this report", "No cost in this period.",
                "No project has a service account.").doesNotContain("<svg", "<rect");
        assertThat(html).endsWith("</html>\n");
    }

    @Test
    void incompleteReport_failedAccount_standsOutWithItsReasonAndAsOf() {
        String reason = "credentials rejected by hyperbilling-aws for service account web-staging (HTTP 401)";
        String html = RENDERER.domain(twoCurrencies(List.of(ok("web-prod", "project-web"),
                failed("web-staging", "project-web", reason), ok("data-seoul", "project-data"))));

        assertThat(html).contains("id=\"completeness\" data-complete=\"false\">Incomplete: 1 of 3 service accounts");
        String row = html.substring(html.indexOf("<tr class=\"st-failed\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("data-status=\"FAILED\"", ">web-staging<", ">hyperbilling-aws<", ">project-web<",
                "<span class=\"badge b-failed\">FAILED</span>", reason,
                "<time datetime=\"2026-07-02T08:30:00Z\">2026-07-02 08:30 UTC</time>");
        assertThat(html).contains("<span class=\"badge b-failed\">1 failed</span>");
    }

    @Test
    void staleAccount_isMarkedAndExplained() {
        AccountCoverage stale = new AccountCoverage(ServiceAccountId.of("old"), ProviderId.of("hyperbilling-aws"),
                ProjectId.of("project-web"), new AccountStatus.Stale(Instant.parse("2026-06-01T00:00:00Z")),
                Instant.parse("2026-06-01T00:00:00Z"), FetchStats.EMPTY);

        String html = RENDERER.domain(twoCurrencies(List.of(stale)));

        assertThat(html).contains("<tr class=\"st-stale\" data-status=\"STALE\">", "badge b-stale",
                "data last synced 2026-06-01T00:00:00Z", "1 service account has stale data",
                "data-complete=\"true\"");
    }

    @Test
    void projectPage_showsOnlyThatProjectsTotalsServicesAndAccounts() {
        CostReport report = twoCurrencies(List.of(ok("web-prod", "project-web"), ok("data-seoul", "project-data")));
        CostReport webOnly = new CostReport(CostQuery.builder(Q1).project("project-web").groupBy(Dimension.SERVICE).build(),
                report.projects().get(ProjectId.of("project-web")),
                Map.of(ProjectId.of("project-web"), report.projects().get(ProjectId.of("project-web"))),
                report.rows().stream().filter(r -> r.amount().currency().getCurrencyCode().equals("USD")).toList(),
                List.of(ok("web-prod", "project-web")));

        String html = RENDERER.project(webOnly, "project-web");

        assertThat(html).contains("<h1>project-web</h1>", "1234.56 USD", "<a href=\"../?from=2026-01-01")
                .contains(">web-prod<").doesNotContain("KRW", "data-seoul", "id=\"projects\"");
        assertThat(all("<rect class=\"bar", html)).hasSize(3);
        assertThatThrownBy(() -> RENDERER.project(webOnly, "project-data"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project-data");
    }

    @Test
    void projectPage_fromADomainReportWithoutProjectRows_doesNotPretendToKnowItsServices() {
        CostReport report = twoCurrencies(List.of(ok("web-prod", "project-web"), ok("data-seoul", "project-data")));

        String html = RENDERER.project(report, "project-data");

        assertThat(html).contains("98766 KRW", "This report is not grouped by service.").doesNotContain("AmazonEC2");
    }

    @Test
    void topServices_beyondTheLimit_areSummedInOneLine() {
        CostReport report = new CostReport(BY_SERVICE,
                new CostSummary(List.of(Money.of("21", "USD")), List.of(point("2026-01", "21", "USD"))),
                Map.of(), List.of(row("2026-01", "a", "1", "USD"), row("2026-01", "b", "2", "USD"),
                row("2026-01", "c", "3", "USD"), row("2026-01", "d", "15", "USD")), List.of());

        String html = DashboardRenderer.builder().topServices(2).build().domain(report);

        assertThat(all("<td class=\"service\">([^<]+)</td>", html)).containsExactly("d", "c");
        assertThat(html).contains("2 other services</td><td class=\"num\"><data class=\"amount\" data-currency=\"USD\""
                + " value=\"3\">3.00 USD</data></td><td class=\"num\">14.3 %</td>");
    }

    @Test
    void dailyAndYearly_oneBarPerBucketOfThePeriod() {
        BillingPeriod period = BillingPeriod.of(LocalDate.of(2026, 1, 30), LocalDate.of(2026, 2, 3));
        CostReport daily = new CostReport(CostQuery.builder(period).granularity(Granularity.DAILY).build(),
                new CostSummary(List.of(Money.of("-2.5", "EUR")),
                        List.of(new SeriesPoint(LocalDate.of(2026, 1, 31), "2026-01-31", Money.of("-2.5", "EUR")))),
                Map.of(), List.of(), List.of());
        CostReport yearly = new CostReport(CostQuery.builder(BillingPeriod.of(LocalDate.of(2025, 6, 1),
                LocalDate.of(2027, 1, 1))).granularity(Granularity.YEARLY).build(),
                new CostSummary(List.of(Money.of("1", "USD")), List.of(point("2026-01", "1", "USD"))), Map.of(), List.of(),
                List.of());

        String d = RENDERER.domain(daily);
        String y = RENDERER.domain(yearly);

        assertThat(all("data-period=\"([^\"]+)\"", d)).containsExactly("2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02");
        assertThat(d).contains("<rect class=\"bar neg\"", "-2.50 EUR", "By day");
        assertThat(all("data-period=\"([^\"]+)\"", y)).containsExactly("2025", "2026");
    }
}
