package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input exits 2 with one line that names the file, field or flag and what to fix. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final String GOOD_ACCOUNT = "{\"name\": \"prod-aws\", \"provider\": \"hyperbilling-aws\","
            + " \"project\": \"project-web\", \"credentials\": {\"account\": \"111111111111\","
            + " \"email\": \"ops@example.com\", \"key\": \"${env:HB_KEY}\"}}";
    private static final Map<String, String> ENV = Map.of("HB_KEY", "k-123456");

    @TempDir
    Path dir;

    private Path file(String content) throws Exception {
        Path f = dir.resolve("billing.json");
        Files.writeString(f, content);
        return f;
    }

    private static String config(String providers, String account) {
        return "{\n  \"providers\": " + providers + ",\n  \"serviceAccounts\": [\n    " + account + "\n  ]\n}\n";
    }

    private static final String LOCAL = "{\"hyperbilling-aws\": {\"endpoint\": \"http://127.0.0.1:9\"}}";

    private Cli report(Path config, String... more) {
        List<String> args = new ArrayList<>(List.of("report", "--config", config.toString(), "--from", "2026-01",
                "--to", "2026-02"));
        args.addAll(List.of(more));
        return Cli.run(ENV, args.toArray(String[]::new));
    }

    private static void assertUsageError(Cli r, String... mentions) {
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.out).as(r.toString()).isEmpty();
        assertThat(r.err.lines()).as(r.toString()).hasSize(1);
        assertThat(r.err).startsWith("error: ").contains(mentions)
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("k-123456");
    }

    Path good;

    @BeforeEach
    void goodConfig() throws Exception {
        good = file(config(LOCAL, GOOD_ACCOUNT));
    }

    @Test
    void missingConfigFile() {
        assertUsageError(report(dir.resolve("nope.json")), "nope.json", "not found", "--config");
    }

    @Test
    void invalidJson_namesLineAndColumn() throws Exception {
        Path f = file("{\n  \"providers\": {},\n  \"serviceAccounts\": [\n    {\"name\": \"a\",, }\n  ]\n}\n");
        assertUsageError(report(f), "billing.json", "invalid JSON", "line 4", "column 18");
    }

    @Test
    void unknownProviderInProviders() throws Exception {
        Path f = file(config("{\"aws-ce\": {}}", GOOD_ACCOUNT));
        assertUsageError(report(f), "billing.json", "providers", "unknown provider 'aws-ce'", "hyperbilling-aws");
    }

    @Test
    void unknownProviderOfAServiceAccount() throws Exception {
        Path f = file(config(LOCAL, GOOD_ACCOUNT.replace("\"provider\": \"hyperbilling-aws\"", "\"provider\": \"gcp\"")));
        assertUsageError(report(f), "billing.json", "serviceAccounts[0] ('prod-aws').provider", "'gcp'",
                "hyperbilling-aws");
    }

    @Test
    void serviceAccountWithoutProject() throws Exception {
        Path f = file(config(LOCAL, GOOD_ACCOUNT.replace(" \"project\": \"project-web\",", "")));
        assertUsageError(report(f), "billing.json", "serviceAccounts[0] ('prod-aws')", "\"project\" is missing",
                "add \"project\"");
    }

    @Test
    void unsetEnvironmentVariable() {
        Cli r = Cli.run(Map.of(), "report", "--config", good.toString(), "--from", "2026-01", "--to", "2026-02");
        assertUsageError(r, "billing.json", "serviceAccounts[0].credentials.key", "HB_KEY", "is not set");
    }

    @Test
    void malformedDate() {
        Cli r = Cli.run(ENV, "report", "--config", good.toString(), "--from", "2026-13-01", "--to", "2026-02");
        assertUsageError(r, "--from", "2026-13-01", "YYYY-MM-DD");
    }

    @Test
    void toNotAfterFrom() {
        Cli r = Cli.run(ENV, "report", "--config", good.toString(), "--from", "2026-02", "--to", "2026-02-01");
        assertUsageError(r, "--to 2026-02-01 must be after --from 2026-02-01");
    }

    @Test
    void unknownGroupByDimension() {
        assertUsageError(report(good, "--group-by", "service,colour"), "--group-by", "colour", "serviceAccount");
    }

    @Test
    void httpEndpointThatIsNotLoopback() throws Exception {
        Path f = file(config("{\"hyperbilling-aws\": {\"endpoint\": \"http://billing.example.com\"}}", GOOD_ACCOUNT));
        assertUsageError(report(f), "billing.json: providers: provider setting 'endpoint' of hyperbilling-aws must use"
                + " https:// (http:// is allowed only for loopback hosts: localhost, 127.0.0.0/8, [::1]),"
                + " got 'http://billing.example.com'");
    }

    @Test
    void httpEndpointOnAHostThatOnlyLooksLikeLoopback() throws Exception {
        Path f = file(config("{\"hyperbilling-aws\": {\"endpoint\": \"http://127.999.0.1:9\"}}", GOOD_ACCOUNT));
        assertUsageError(report(f), "billing.json: providers: provider setting 'endpoint' of hyperbilling-aws has no"
                + " valid host name or address in '127.999.0.1:9'", "got 'http://127.999.0.1:9'");
    }

    @Test
    void providerWithoutEndpoint() throws Exception {
        Path f = file(config("{}", GOOD_ACCOUNT));
        assertUsageError(report(f), "billing.json", "providers.hyperbilling-aws.endpoint is missing",
                "serviceAccounts[0] ('prod-aws')", "\"endpoint\"");
    }

    @Test
    void unknownFieldIsNamedWithItsPath() throws Exception {
        Path f = file(config(LOCAL, GOOD_ACCOUNT.replace("\"credentials\"", "\"credentails\"")));
        assertUsageError(report(f), "billing.json", "serviceAccounts[0].credentails", "unknown field");
    }

    @Test
    void labelsAreRefused_noCommandUsesThem() throws Exception {
        Path f = file(config(LOCAL, GOOD_ACCOUNT.replace("\"credentials\"", "\"labels\": {\"team\": \"web\"}, \"credentials\"")));
        assertUsageError(report(f), "billing.json", "serviceAccounts[0].labels", "remove \"labels\"");
    }

    @Test
    void malformedCredential() throws Exception {
        Path f = file(config(LOCAL, GOOD_ACCOUNT.replace("111111111111", "1234")));
        assertUsageError(report(f), "billing.json", "serviceAccounts[0] ('prod-aws')", "account", "12 digits");
    }

    @Test
    void unknownFormatAndGranularity() {
        assertUsageError(report(good, "--format", "xml"), "--format", "xml", "json");
        assertUsageError(report(good, "--granularity", "HOURLY"), "--granularity", "HOURLY", "DAILY");
    }

    @Test
    void unknownProject() {
        assertUsageError(report(good, "--project", "project-x"), "--project project-x", "project-web");
    }

    @Test
    void missingRequiredOption() {
        assertUsageError(Cli.run(ENV, "report", "--from", "2026-01", "--to", "2026-02"), "--config",
                "billing report --help");
    }

    @Test
    void storeUnderARegularFile_syncAndReportFromStore() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        String bad = blocker.resolve("costs").toString();
        assertUsageError(Cli.run(ENV, "sync", "--config", good.toString(), "--store", bad), "--store " + bad,
                "cannot create the directory", "writable directory");
        assertUsageError(report(good, "--from-store", "--store", bad), "--store " + bad, "no cost store",
                "billing sync");
    }

    @Test
    void storeFileThatIsNotACostStore() throws Exception {
        Files.writeString(dir.resolve("costs.mv.db"), "not an H2 database");
        String path = dir.resolve("costs").toString();
        Cli r = report(good, "--from-store", "--store", path);
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err.lines()).as(r.toString()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("error: --store " + path + ": ").contains("costs.mv.db is not a cost store",
                        "move the file away").doesNotContain("\tat "));
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".trace.db"));
        }
    }

    @Test
    void storeOptionsWithoutFromStore() {
        assertUsageError(report(good, "--store", "x"), "--store", "add --from-store");
        assertUsageError(report(good, "--stale-after", "PT1H"), "--stale-after", "add --from-store");
        assertUsageError(report(good, "--from-store", "--stale-after", "1 day"), "--stale-after", "PT24H");
        assertUsageError(Cli.run(ENV, "sync", "--config", good.toString(), "--months-back", "-1"), "--months-back");
    }
}
