package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each exit code and message tells the truth: the cases a hostile operator probed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TruthfulExitsTest {
    private static final SimulatorData DATA = SimulatorData.generator().seed(26).accounts(1).currencies("USD")
            .days(LocalDate.of(2026, 1, 1), 40).build();
    /** A PKCS#8 block whose DER is cut short. */
    private static final String CORRUPT_KEY = "-----BEGIN PRIVATE KEY-----\\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA"
            + "\\n-----END PRIVATE KEY-----";

    @TempDir
    Path dir;
    private HyperBillingSimulator hb;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        hb = HyperBillingSimulator.builder().data(DATA).start();
        env = Map.of("HB_KEY", DATA.userFor(DATA.accounts().get(0)).orElseThrow().key());
    }

    @AfterEach
    void stop() {
        hb.close();
    }

    private String healthy(String name) {
        String account = DATA.accounts().get(0);
        return "{\"name\": \"" + name + "\", \"provider\": \"hyperbilling-aws\", \"project\": \"project-web\","
                + " \"credentials\": {\"account\": \"" + account + "\", \"email\": \""
                + DATA.userFor(account).orElseThrow().email() + "\", \"key\": \"${env:HB_KEY}\"}}";
    }

    private Path config(String hbSettings, String... accounts) throws Exception {
        return Files.writeString(dir.resolve("billing.json"), "{\"providers\": {\"hyperbilling-aws\": {\"endpoint\": \""
                + hb.endpoint() + "\"" + hbSettings + "}, \"hyperbilling-mzc\": {\"endpoint\": \"http://127.0.0.1:9\"}},"
                + " \"serviceAccounts\": [" + String.join(", ", accounts) + "]}");
    }

    private Cli report(Path config) {
        return Cli.run(env, "report", "--config", config.toString(), "--from", "2026-01", "--to", "2026-02");
    }

    private static void assertConfigurationError(Cli r, String... mentions) {
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err.lines()).as(r.toString()).hasSize(1);
        assertThat(r.err).contains(mentions).doesNotContain("Exception").hasSizeLessThan(1_200);
    }

    @Test
    void verify_withACorruptPkcs8Key_printsALinePerAccount_theHealthyOneOk_andExits3() throws Exception {
        String mzc = "{\"name\": \"gcp-billing\", \"provider\": \"hyperbilling-mzc\", \"project\": \"project-web\","
                + " \"credentials\": {\"platform\": \"gcp\", \"accountId\": \"01A2B3-C4D5E6-F7A8B9\","
                + " \"clientEmail\": \"r@example.com\", \"privateKey\": \"" + CORRUPT_KEY + "\"}}";
        Cli r = Cli.run(env, "verify", "--config", config("", healthy("prod-aws"), mzc).toString());

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out).contains("prod-aws").contains("OK").contains("gcp-billing").contains("FAILED")
                .doesNotContain("MIIBVg");
    }

    @Test
    void anEnormousTimeout_isAConfigurationError() throws Exception {
        assertConfigurationError(report(config(", \"timeout\": \"PT99999999999999H\"", healthy("prod-aws"))),
                "timeout", "PT99999999999999H");
    }

    @Test
    void anEndpointPortOutOfRange_isAConfigurationError() throws Exception {
        Files.writeString(dir.resolve("billing.json"), "{\"providers\": {\"hyperbilling-aws\": {\"endpoint\":"
                + " \"http://127.0.0.1:99999\"}}, \"serviceAccounts\": [" + healthy("prod-aws") + "]}");
        assertConfigurationError(report(dir.resolve("billing.json")), "endpoint", "port 99999", "1 to 65535");
    }

    @Test
    void aRatesFileThatIsNotUtf8_isAConfigurationErrorSayingSo() throws Exception {
        Path rates = Files.write(dir.resolve("rates.csv"), new byte[] {'d', 'a', 't', 'e', ',', 'f', 'r', 'o', 'm', ',',
                't', 'o', ',', 'r', 'a', 't', 'e', '\n', '2', '0', (byte) 0xff, (byte) 0xfe, '\n'});
        Cli r = Cli.run(env, "report", "--config", config("", healthy("prod-aws")).toString(), "--from", "2026-01",
                "--to", "2026-02", "--currency", "KRW", "--rates", rates.toString());
        assertConfigurationError(r, "rates.csv", "not UTF-8");
    }

    @Test
    void aConfigFileThatIsNotUtf8_saysSo() throws Exception {
        Path f = Files.write(dir.resolve("billing.json"), "{\"providers\": {}, \"serviceAccounts\": [\"\u00e9\"]}"
                .getBytes(StandardCharsets.ISO_8859_1));
        Cli r = report(f);
        assertConfigurationError(r, "billing.json", "is not UTF-8");
        assertThat(r.err).doesNotContain("permissions");
    }

    @Test
    void aConfigFileWithAByteOrderMark_isRead() throws Exception {
        Path f = config("", healthy("prod-aws"));
        Files.writeString(f, "\uFEFF" + Files.readString(f));
        Cli r = report(f);
        assertThat(r.exitCode).as(r.toString()).isZero();
    }

    @Test
    void aCorruptGzipFocusFile_saysWhereWithoutLineZero() throws Exception {
        Path focus = Files.createDirectory(dir.resolve("focus"));
        Files.write(focus.resolve("costs.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4});
        Path f = Files.writeString(dir.resolve("focus.json"), "{\"providers\": {\"focus-files\": {\"directory\": \""
                + focus + "\"}}, \"serviceAccounts\": [{\"name\": \"f\", \"provider\": \"focus-files\","
                + " \"project\": \"p\", \"credentials\": {}}]}");
        Cli r = report(f);
        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out + r.err).contains("costs.csv.gz", "gzip data is corrupt").doesNotContain("line 0");
    }

    @Test
    void aMegabyteAccountName_isNotEchoedInFull_andControlCharactersAreEscaped() throws Exception {
        String name = "x".repeat(1_000_000);
        Cli r = report(config("", healthy(name)));
        assertConfigurationError(r, "billing.json", "more characters");

        Cli bell = report(config("", healthy("prod\\u001b[31m\\u0007")));
        assertConfigurationError(bell, "\\u001b[31m\\u0007");
        assertThat(bell.err).doesNotContain("\u001b").doesNotContain("\u0007");
    }
}
