package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.HyperBillingSimulatorExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process serves the dashboard from the cost store and keeps it fresh ({@code serve --from-store --sync-every}),
 * while {@code report --from-store} reads the same store: an H2 file, and a PostgreSQL database (embedded PostgreSQL
 * on loopback, as billing-jdbc's tests start it) named by {@code --store jdbc:postgresql://...}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeSyncStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FROM = StoreCommandsTest.FIRST.toString();
    private static final String TO = StoreCommandsTest.NOW.plusMonths(1).toString();

    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(StoreCommandsTest.DATA).pageSize(100));

    static EmbeddedPostgres postgres;

    @TempDir
    Path dir;
    Path config;
    Map<String, String> env;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("billing.json");
        Files.writeString(config, ReportCommandTest.config(HB.simulator().endpoint(), StoreCommandsTest.DATA,
                StoreCommandsTest.ACCOUNTS));
        env = new LinkedHashMap<>();
        for (int i = 0; i < StoreCommandsTest.ACCOUNTS.length; i++) {
            env.put("HB_KEY_" + i, StoreCommandsTest.DATA.userFor(StoreCommandsTest.ACCOUNTS[i][1]).orElseThrow().key());
        }
    }

    private void serveSyncs_whileReportReadsTheSameStore(String store) throws Exception {
        Cli live = Cli.run(env, "report", "--config", config.toString(), "--from", FROM, "--to", TO, "--format", "json");
        assertThat(live.exitCode).as(live.toString()).isZero();
        try (BackgroundCommand serve = new BackgroundCommand(env, "serve", "--config", config.toString(),
                "--from-store", "--store", store, "--sync-every", "PT1H", "--port", "0")) {
            String url = serve.awaitLine("dashboard on (http://127\\.0\\.0\\.1:\\d+/)").group(1);
            assertThat(serve.err()).as("the first sync ran before the dashboard opened")
                    .contains("synced 3 service accounts into ").contains(" line items, complete");

            Cli fromStore = Cli.run(env, "report", "--config", config.toString(), "--from", FROM, "--to", TO,
                    "--format", "json", "--from-store", "--store", store);
            assertThat(fromStore.exitCode).as(fromStore.toString()).isZero();
            JsonNode stored = JSON.readTree(fromStore.out);
            assertThat(stored.get("domain")).isEqualTo(JSON.readTree(live.out).get("domain"));
            assertThat(stored.get("serviceAccounts")).allSatisfy(a -> assertThat(a.has("asOf")).isTrue());

            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "api/report?from=" + FROM + "&to=" + TO)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            assertThat(JSON.readTree(page.body()).get("domain")).isEqualTo(stored.get("domain"));
        }
    }

    @Test
    void h2File() throws Exception {
        serveSyncs_whileReportReadsTheSameStore(dir.resolve("data").resolve("costs").toString());
    }

    @Test
    void postgresql_userFromTheEnvironment() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE billing_cli");
        }
        env.put("BILLING_STORE_USER", "postgres");
        serveSyncs_whileReportReadsTheSameStore("jdbc:postgresql://localhost:" + postgres.getPort() + "/billing_cli");
    }

    @Test
    void aPasswordInTheUrl_isRefusedWithoutEchoingIt() {
        Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", FROM, "--to", TO, "--from-store",
                "--store", "jdbc:postgresql://localhost:" + postgres.getPort() + "/x?user=postgres&password=Hunter2Secret");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).contains("BILLING_STORE_PASSWORD").doesNotContain("Hunter2Secret");
    }

    @Test
    void syncEveryWithoutFromStore_isAUsageError() {
        Cli r = Cli.run(env, "serve", "--config", config.toString(), "--sync-every", "PT1H", "--port", "0");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).contains("--sync-every", "add --from-store");
    }

    /** Root reads every directory: the permission check runs only as another user. */
    @Test
    void anUnreadableStoreDirectory_saysSo() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root can read any directory");
        Path data = Files.createDirectories(dir.resolve("locked"));
        Cli synced = Cli.run(env, "sync", "--config", config.toString(), "--store", data.resolve("costs").toString(),
                "--months-back", "0");
        assertThat(synced.exitCode).as(synced.toString()).isZero();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("---------"));
        try {
            Cli r = Cli.run(env, "report", "--config", config.toString(), "--from", FROM, "--to", TO, "--from-store",
                    "--store", data.resolve("costs").toString());
            assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
            assertThat(r.err).contains("cannot be read (permission denied)").doesNotContain("run 'billing sync");
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
