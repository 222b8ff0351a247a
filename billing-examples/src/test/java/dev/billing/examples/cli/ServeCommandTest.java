package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code billing serve} and {@code billing demo --serve}, in process, over loopback HTTP. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    private static final Pattern URL = Pattern.compile("dashboard on (http://127\\.0\\.0\\.1:(\\d+)/)");

    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(ReportCommandTest.DATA).pageSize(100));

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    Path config;
    Map<String, String> env;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("billing.json");
        Files.writeString(config, ReportCommandTest.config(HB.simulator().endpoint()));
        env = new LinkedHashMap<>();
        for (int i = 0; i < ReportCommandTest.ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, ReportCommandTest.DATA.userFor(ReportCommandTest.ACCOUNTS[i][1]).orElseThrow().key());
        }
    }

    /** The command running in a thread until {@link #close()} interrupts it. */
    private final class Running implements AutoCloseable {
        /** The URL once stdout shows it; null when the command ended without printing it. */
        final CompletableFuture<String> printed = new CompletableFuture<>();
        final StringWriter out = new StringWriter() {
            @Override
            public void flush() {
                Matcher m = URL.matcher(toString());
                if (m.find()) {
                    printed.complete(m.group(1));
                }
            }
        };
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread thread;
        final String url;

        Running(String... args) throws Exception {
            thread = new Thread(() -> {
                exit.set(BillingCli.run(new BillingCli.Console(new PrintWriter(out, true),
                        new PrintWriter(err, true), env, false), args));
                printed.complete(null);
            }, "billing-serve-test");
            thread.start();
            url = printed.get(60, TimeUnit.SECONDS); // a guard against a hang; the URL comes as soon as it is printed
            assertThat(url).as("printed the URL; stdout:%n%s%nstderr:%n%s", out, err).isNotNull();
        }

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
            assertThat(thread.isAlive()).as("stopped when interrupted").isFalse();
        }
    }

    @Test
    void serve_printsItsLoopbackUrl_andServesThePagesAndTheSameJsonAsReport() throws Exception {
        Cli report = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-04",
                "--format", "json");
        Cli byService = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-04",
                "--project", "project-web", "--group-by", "service", "--format", "json");

        try (Running serve = new Running("serve", "--config", config.toString(), "--port", "0")) {
            assertThat(serve.out.toString()).matches("dashboard on http://127\\.0\\.0\\.1:\\d+/\\R");
            HttpResponse<String> json = serve.get("api/report?from=2026-01&to=2026-04");
            HttpResponse<String> projectJson = serve.get("api/report?from=2026-01&to=2026-04&project=project-web"
                    + "&groupBy=service");
            HttpResponse<String> domain = serve.get("?from=2026-01&to=2026-04");
            HttpResponse<String> project = serve.get("projects/project-web?from=2026-01&to=2026-04");
            HttpResponse<String> unknown = serve.get("projects/project-nope");
            HttpResponse<String> bad = serve.get("?granularity=WEEKLY");

            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body()).isEqualTo(report.out);
            assertThat(projectJson.body()).isEqualTo(byService.out);
            assertThat(domain.statusCode()).isEqualTo(200);
            assertThat(domain.headers().firstValue("Cache-Control")).hasValue("private, no-store");
            assertThat(domain.headers().firstValue("Content-Security-Policy")).get().asString()
                    .startsWith("default-src 'none'; style-src 'sha256-");
            assertThat(domain.body()).contains("<h1>Domain billing</h1>", "project-data", "project-ops", "web-prod");
            assertThat(project.statusCode()).isEqualTo(200);
            assertThat(project.body()).contains("<h1>project-web</h1>");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("unknown granularity");
        }
    }

    @Test
    void serveWithCurrency_showsTheConvertedTotalAndServesTheSameJsonAsReport() throws Exception {
        Path rates = dir.resolve("rates.csv");
        Files.writeString(rates, "date,from,to,rate\n2026-02-01,USD,KRW,1350.25\n2026-02-15,USD,KRW,1371\n");
        Cli report = Cli.run(env, "report", "--config", config.toString(), "--from", "2026-02", "--to", "2026-04",
                "--format", "json", "--currency", "KRW", "--rates", rates.toString());
        assertThat(report.exitCode).as(report.toString()).isZero();

        try (Running serve = new Running("serve", "--config", config.toString(), "--port", "0", "--currency", "KRW",
                "--rates", rates.toString())) {
            HttpResponse<String> json = serve.get("api/report?from=2026-02&to=2026-04");
            HttpResponse<String> domain = serve.get("?from=2026-02&to=2026-04");
            HttpResponse<String> tooEarly = serve.get("?from=2026-01&to=2026-02");

            assertThat(json.body()).isEqualTo(report.out).contains("\"converted\"", "\"rates\"");
            assertThat(domain.statusCode()).isEqualTo(200);
            assertThat(domain.body()).contains("converted-total", "All currencies in KRW");
            assertThat(tooEarly.statusCode()).as("a day before the first rate").isEqualTo(400);
            assertThat(tooEarly.body()).contains("no exchange rate from USD to KRW");
        }
    }

    @Test
    void demoServe_servesTheDemoDomainsDashboard() throws Exception {
        try (Running demo = new Running("demo", "--serve")) {
            HttpResponse<String> page = demo.get("");
            HttpResponse<String> json = demo.get("api/report");

            assertThat(demo.out.toString()).contains("registered service account web-prod", "dashboard on http://127.0.0.1:");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("2026-01-01 to 2026-06-30", "project-web", "project-data", "KRW", "EUR",
                    "data-complete=\"true\"");
            assertThat(json.body()).contains("\"start\": \"2026-01-01\"", "\"end\": \"2026-07-01\"");
        }
    }

    @Test
    void serve_badUsage_exits2WithAMessage() throws Exception {
        Cli port = Cli.run(env, "serve", "--config", config.toString(), "--port", "70000");
        Cli store = Cli.run(env, "serve", "--config", config.toString(), "--store", dir.resolve("s").toString());
        Cli currency = Cli.run(env, "serve", "--config", config.toString(), "--currency", "KRW");
        Cli missingStore = Cli.run(env, "serve", "--config", config.toString(), "--from-store", "--store",
                dir.resolve("none").toString());
        Cli taken;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            taken = Cli.run(env, "serve", "--config", config.toString(), "--port", Integer.toString(socket.getLocalPort()));
        }

        assertThat(port.exitCode).isEqualTo(2);
        assertThat(port.err).contains("--port 70000 must be 0 to 65535");
        assertThat(store.exitCode).isEqualTo(2);
        assertThat(store.err).contains("--store reads the cost store: add --from-store");
        assertThat(currency.exitCode).isEqualTo(2);
        assertThat(currency.err).contains("--currency");
        assertThat(missingStore.exitCode).isEqualTo(2);
        assertThat(missingStore.err).contains("no cost store at");
        assertThat(taken.exitCode).as(taken.toString()).isEqualTo(2);
        assertThat(taken.err).contains("is in use");
    }
}
