package dev.billing.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.CostReport;
import dev.billing.core.CostSummary;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboards in a real browser: Debian's headless Chromium driven by Selenium through
 * {@code /usr/bin/chromedriver} (never a downloaded driver). Skipped, with one message, where
 * {@code chromium} and {@code chromedriver} are not on the PATH.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserIT {
    private static final String SKIPPED = "Browser tests skipped: chromium and chromedriver are not on the PATH"
            + " (on Debian: apt-get install -y chromium chromium-driver)";
    private static final int WIDTH = 1280;

    private static Fixture fixture;
    private static HttpServer server;
    private static String base;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws IOException {
        Optional<Path> chromium = onPath("chromium");
        Optional<Path> chromedriver = Files.isExecutable(Path.of("/usr/bin/chromedriver"))
                ? Optional.of(Path.of("/usr/bin/chromedriver")) : onPath("chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            System.err.println(SKIPPED);
        }
        Assumptions.assumeTrue(chromium.isPresent() && chromedriver.isPresent(), SKIPPED);
        fixture = Fixture.hostile();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", DashboardHandler.builder(fixture::report).defaultPeriod(Fixture.PERIOD)
                .renderer(DashboardRenderer.builder().jsonLink(true).topServices(10).build()).build());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--hide-scrollbars",
                "--window-size=" + WIDTH + ",900", "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL", LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.stop(0);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void desktop() {
        viewport(WIDTH, 900, false);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }

    private static void viewport(int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", mobile));
    }

    private static CostReport domainReport() {
        return fixture.report(DashboardRenderer.domainQuery(Fixture.PERIOD, Granularity.MONTHLY));
    }

    private static List<String> texts(List<WebElement> elements) {
        return elements.stream().map(WebElement::getText).toList();
    }

    @Test
    void domainTotals_andEveryProjectsTotals_readFromThePage_equalTheReport() {
        CostReport report = domainReport();
        driver.get(base);

        assertThat(texts(driver.findElements(By.cssSelector("#totals data.total"))))
                .containsExactlyElementsOf(report.totals().stream().map(Money::format).toList());
        assertThat(driver.findElements(By.cssSelector("#totals data.total"))).extracting(e -> e.getAttribute("value"))
                .containsExactlyElementsOf(report.totals().stream().map(m -> m.amount().stripTrailingZeros()
                        .toPlainString()).toList());
        List<String> projects = report.projects().keySet().stream().map(ProjectId::value).toList();
        assertThat(projects).containsExactly("project-data", "project-web");
        for (String project : projects) {
            CostSummary expected = report.projects().get(ProjectId.of(project));
            driver.get(base);
            WebElement row = driver.findElement(By.cssSelector("#projects tr[data-project='" + project + "']"));
            assertThat(texts(row.findElements(By.cssSelector("data.total"))))
                    .containsExactlyElementsOf(expected.totals().stream().map(Money::format).toList());
            row.findElement(By.tagName("a")).click();

            assertThat(driver.getCurrentUrl()).startsWith(base + "projects/" + project + "?");
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(project);
            assertThat(texts(driver.findElements(By.cssSelector("#totals data.total"))))
                    .containsExactlyElementsOf(expected.totals().stream().map(Money::format).toList());
        }
    }

    @Test
    void eachCurrencysChart_hasOneBarPerMonth_andItsTableTheSameValues() {
        CostReport report = domainReport();
        driver.get(base);

        List<WebElement> charts = driver.findElements(By.cssSelector("#series figure.chart-box"));
        assertThat(charts).extracting(c -> c.getAttribute("data-currency"))
                .containsExactly("EUR", "KRW", "USD");
        for (WebElement chart : charts) {
            String currency = chart.getAttribute("data-currency");
            List<WebElement> bars = chart.findElements(By.cssSelector("svg rect.bar"));
            assertThat(bars).extracting(b -> b.getAttribute("data-period"))
                    .containsExactly("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06");
            List<String> expected = report.domain().series().stream()
                    .filter(p -> p.amount().currency().getCurrencyCode().equals(currency))
                    .map(SeriesPoint::amount).map(Money::format).toList();
            assertThat(texts(chart.findElements(By.cssSelector("table.series-table td data")))).isEqualTo(expected);
            assertThat(bars).allSatisfy(b -> assertThat(Double.parseDouble(b.getAttribute("height"))).isPositive());
        }
    }

    @Test
    void theFailedAccountsRow_saysWhy() {
        driver.get(base);

        WebElement banner = driver.findElement(By.id("completeness"));
        assertThat(banner.getText()).startsWith("Incomplete: 1 of 4 service accounts");
        List<WebElement> failed = driver.findElements(By.cssSelector("#coverage tr.st-failed"));
        assertThat(failed).singleElement().satisfies(row -> {
            assertThat(row.findElement(By.cssSelector("td.name")).getText()).isEqualTo(Fixture.FAILED);
            assertThat(row.findElement(By.cssSelector("td.reason")).getText())
                    .contains("credentials of service account 'web-staging' rejected");
            assertThat(row.findElement(By.cssSelector(".badge")).getText()).isEqualTo("FAILED");
            assertThat(row.findElement(By.cssSelector(".badge")).getCssValue("background-color"))
                    .as("the FAILED badge stands out in red").isEqualTo("rgba(179, 38, 30, 1)");
        });
        assertThat(driver.findElements(By.cssSelector("#coverage tr.st-ok"))).hasSize(3);
    }

    @Test
    void markupInProviderDataAndErrors_rendersAsText_andNoDialogOpens() {
        driver.get(base);

        assertThat(texts(driver.findElements(By.cssSelector("#services td.service")))).contains(Fixture.HOSTILE);
        assertThat(driver.findElement(By.cssSelector("#coverage tr.st-failed td.reason")).getText())
                .contains(Fixture.HOSTILE, "<img src=x onerror=alert(2)>");
        assertThat(driver.findElements(By.tagName("script"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("img"))).isEmpty();
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void noRequestLeavesLoopback_andThePolicyBlocksNothingThePageNeeds() {
        driver.manage().logs().get(LogType.PERFORMANCE);   // drop what earlier tests logged
        driver.manage().logs().get(LogType.BROWSER);
        driver.get(base);
        driver.findElement(By.cssSelector("#projects a")).click();
        driver.navigate().back();

        List<String> urls = new ArrayList<>();
        Json json = new Json();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            Map<String, Object> message = json.toType(entry.getMessage(), Json.MAP_TYPE);
            @SuppressWarnings("unchecked")
            Map<String, Object> inner = (Map<String, Object>) message.get("message");
            if ("Network.requestWillBeSent".equals(inner.get("method"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> request = (Map<String, Object>) ((Map<String, Object>) inner.get("params")).get("request");
                urls.add((String) request.get("url"));
            }
        }
        assertThat(urls).as("requests the pages made").isNotEmpty()
                .allSatisfy(u -> assertThat(u).matches("(http://127\\.0\\.0\\.1:\\d+/.*|data:.*)"));
        assertThat(driver.manage().logs().get(LogType.BROWSER).getAll()).extracting(LogEntry::getMessage)
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused"));
        assertThat(driver.findElement(By.tagName("body")).getCssValue("background-color"))
                .as("the style sheet applies under the policy").isEqualTo("rgba(243, 245, 248, 1)");
    }

    @Test
    void at375PixelsWide_thereIsNoHorizontalScroll() throws IOException {
        viewport(375, 812, true);
        driver.get(base);

        Number scrollWidth = (Number) driver.executeScript("return document.documentElement.scrollWidth");
        Number innerWidth = (Number) driver.executeScript("return window.innerWidth");
        assertThat(innerWidth.intValue()).isEqualTo(375);
        assertThat(scrollWidth.intValue()).isLessThanOrEqualTo(375);
        assertThat(driver.findElement(By.cssSelector("#totals data.total")).isDisplayed()).isTrue();
        screenshot("dashboard-375.png", 375, true);
    }

    @Test
    void screenshotOfTheDomainDashboard_isSavedUnderTarget() throws IOException {
        try (Fixture plain = Fixture.plain()) {
            server.createContext("/plain/", DashboardHandler.builder(plain::report).defaultPeriod(Fixture.PERIOD).build());
            driver.get(base + "plain/");

            assertThat(driver.findElement(By.id("completeness")).getText()).startsWith("Incomplete: 1 of 4");
            Path png = screenshot("dashboard.png", WIDTH, false);
            Files.writeString(Path.of("target", "dashboard.html"), driver.getPageSource());
            assertThat(Files.size(png)).isGreaterThan(20_000);
        } finally {
            server.removeContext("/plain/");
        }
    }

    @Test
    void aTagKeyChosenOnThePage_addsItsBreakdown_exactPerValue_keptAcrossLinks_andInItsJson() throws IOException {
        try (TaggedFixture tagged = new TaggedFixture(11)) {
            server.createContext("/tagged/", DashboardHandler.builder(tagged.billing.costs()::report)
                    .defaultPeriod(TaggedFixture.PERIOD)
                    .renderer(DashboardRenderer.builder().jsonLink(true).tagKeys(List.of("team", "env")).build()).build());
            driver.get(base + "tagged/");
            assertThat(driver.findElements(By.id("tags"))).as("no breakdown before a key is chosen").isEmpty();
            assertThat(driver.findElements(By.cssSelector("datalist#tag-keys option")))
                    .extracting(o -> o.getAttribute("value")).containsExactly("env", "team");

            WebElement input = driver.findElement(By.cssSelector("input[name='tag']"));
            input.sendKeys("team");
            driver.findElement(By.cssSelector("form.filters button[type='submit']")).click();

            assertThat(driver.getCurrentUrl()).contains("tag=team");
            assertThat(shownBreakdown()).isEqualTo(tagged.expected(null));
            assertThat(driver.findElements(By.cssSelector("#tags tr[data-value=''] td.value")))
                    .extracting(WebElement::getText).containsOnly("(untagged)");
            assertThat(driver.findElements(By.cssSelector("#tags tr[data-value='<b>ops</b>'] td.value")))
                    .extracting(WebElement::getText).isNotEmpty().containsOnly("<b>ops</b>");

            driver.findElement(By.cssSelector("#projects tr[data-project='project-web'] a")).click();
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("project-web");
            assertThat(driver.findElement(By.cssSelector("input[name='tag']")).getAttribute("value")).isEqualTo("team");
            assertThat(shownBreakdown()).isEqualTo(tagged.expected("project-web"));

            driver.findElement(By.id("json-link")).click();
            Map<String, Object> report = new Json().toType(driver.findElement(By.tagName("body")).getText(), Json.MAP_TYPE);
            Map<String, Map<String, BigDecimal>> sums = new TreeMap<>();
            for (Object o : (List<?>) report.get("rows")) {
                Map<?, ?> row = (Map<?, ?>) o;
                sums.computeIfAbsent((String) row.get("currency"), c -> new TreeMap<>()).merge(
                        (String) ((Map<?, ?>) row.get("keys")).get("tag:team"), new BigDecimal((String) row.get("amount")),
                        BigDecimal::add);
            }
            sums.values().forEach(values -> values.replaceAll((k, v) -> v.stripTrailingZeros()));
            assertThat(sums).isEqualTo(tagged.expected("project-web"));
        } finally {
            server.removeContext("/tagged/");
        }
    }

    /** @return per currency, each value of the page's breakdown by tag and its exact amount */
    private static Map<String, Map<String, BigDecimal>> shownBreakdown() {
        Map<String, Map<String, BigDecimal>> shown = new TreeMap<>();
        for (WebElement table : driver.findElements(By.cssSelector("#tags table.tags-table"))) {
            for (WebElement row : table.findElements(By.cssSelector("tbody tr[data-value]"))) {
                shown.computeIfAbsent(table.getAttribute("data-currency"), c -> new TreeMap<>()).put(
                        row.getAttribute("data-value"), new BigDecimal(row.findElement(By.cssSelector("data.amount"))
                                .getAttribute("value")).stripTrailingZeros());
            }
        }
        return shown;
    }

    /** Saves the whole page, as tall as it is, under target/. */
    private static Path screenshot(String name, int width, boolean mobile) throws IOException {
        Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
        viewport(width, height.intValue(), mobile);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true));
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Path tmp = Files.createTempFile(out.getParent(), name, ".tmp");
        Files.write(tmp, Base64.getDecoder().decode((String) shot.get("data")));
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }
}
