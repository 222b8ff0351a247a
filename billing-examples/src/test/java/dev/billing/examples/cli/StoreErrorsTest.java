package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.billing.jdbc.JdbcCostStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every store error the CLI can meet is one line on stderr naming the store and the fix, exit 2, nothing on stdout. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreErrorsTest {
    private static final Map<String, String> ENV = Map.of("HB_KEY", "k-123456");

    @TempDir
    Path dir;
    Path config;
    Path store;

    @BeforeEach
    void config() throws Exception {
        config = dir.resolve("billing.json");
        Files.writeString(config, "{\"providers\": {\"hyperbilling-aws\": {\"endpoint\": \"http://127.0.0.1:9\"}},"
                + " \"serviceAccounts\": [{\"name\": \"prod-aws\", \"provider\": \"hyperbilling-aws\","
                + " \"project\": \"project-web\", \"credentials\": {\"account\": \"111111111111\","
                + " \"email\": \"ops@example.com\", \"key\": \"${env:HB_KEY}\"}}]}");
        store = dir.resolve("data").resolve("costs");
        Files.createDirectories(store.getParent());
    }

    private static void assertOneLine(Cli r, String... contains) {
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.out).as(r.toString()).isEmpty();
        assertThat(r.err.lines()).as(r.toString()).singleElement().satisfies(l -> assertThat(l).startsWith("error: ")
                .contains(contains).doesNotContain("\tat ", "org.h2", "[9"));
    }

    private Cli sync() {
        return Cli.run(ENV, "sync", "--config", config.toString(), "--store", store.toString());
    }

    private Cli report() {
        return Cli.run(ENV, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02",
                "--from-store", "--store", store.toString(), "--format", "json");
    }

    @Test
    void storeWrittenByANewerVersion_oneLineAskingForAnUpgrade() throws Exception {
        JdbcCostStore.embedded(store).close();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + store.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO billing_schema_version VALUES (99, 'future', CURRENT_TIMESTAMP)");
        }

        assertOneLine(sync(), "costs.mv.db", "schema version 99", "upgrade");
        assertOneLine(report(), "costs.mv.db", "schema version 99", "upgrade");
    }

    @Test
    void storeOpenInAnotherProcess_oneLineNamingItAndTheFix() throws Exception {
        JdbcCostStore.embedded(store).close();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(), store.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder said = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null && !line.equals(HoldStore.OPEN)) { // blocks until the holder speaks
                said.append(line).append('\n');
            }
            assertThat(line).as("the holder opened the store; it said:%n%s", said).isEqualTo(HoldStore.OPEN);

            assertOneLine(sync(), "costs.mv.db", "open in another process", "wait for that process");
            assertOneLine(report(), "costs.mv.db", "open in another process");
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void storeInAReadOnlyDirectory_oneLineNamingThePathAndTheFix() throws Exception {
        Files.setPosixFilePermissions(store.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(store.getParent()), "running as a user who can write anywhere (root)");

            assertOneLine(sync(), "costs.mv.db", "read-only", "writable directory");
        } finally {
            Files.setPosixFilePermissions(store.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (var files = Files.list(store.getParent())) {
            assertThat(files).isEmpty();
        }
    }

    /** Run in a separate JVM: opens the embedded store, says so on stdout, and keeps it open until killed. */
    public static final class HoldStore {
        static final String OPEN = "store open";

        private HoldStore() {
        }

        public static void main(String[] args) throws Exception {
            try (JdbcCostStore held = JdbcCostStore.embedded(Path.of(args[0]))) {
                System.out.println(OPEN);
                System.out.flush();
                while (System.in.read() != -1) { // until the parent closes our stdin or kills us
                    continue;
                }
            }
        }
    }
}
