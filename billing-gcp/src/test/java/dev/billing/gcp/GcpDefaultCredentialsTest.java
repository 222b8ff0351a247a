package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.testkit.BigQueryBillingExportSimulator;
import dev.billing.testkit.BigQueryBillingExportSimulator.ExportRow;
import dev.billing.testkit.BigQueryBillingExportSimulator.WorkloadIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application Default Credentials (no {@code serviceAccountKey}), each mode through a real fetch against the
 * BigQuery simulator and its token endpoints, with every logger at TRACE (tag trace-logging): nothing secret in
 * the log, in an exception or in a {@code toString}. The ADC variables are pointed at the simulator and a temporary
 * directory through the system properties {@code dev.billing.gcp.GOOGLE_APPLICATION_CREDENTIALS},
 * {@code dev.billing.gcp.CLOUDSDK_CONFIG} and {@code dev.billing.gcp.GCE_METADATA_HOST}.
 */
@Tag("trace-logging")
@Timeout(60)
class GcpDefaultCredentialsTest {
    private static final String ACCOUNT = "0123AB-4567CD-89EF01";
    private static final String CREDENTIALS = "dev.billing.gcp.GOOGLE_APPLICATION_CREDENTIALS";
    private static final String CONFIG = "dev.billing.gcp.CLOUDSDK_CONFIG";
    private static final String METADATA = "dev.billing.gcp.GCE_METADATA_HOST";
    private static final BillingPeriod JANUARY = BillingPeriod.month(YearMonth.of(2026, 1));

    @TempDir
    Path dir;
    BigQueryBillingExportSimulator sim;
    List<ExportRow> rows;
    ByteArrayOutputStream captured;
    PrintStream originalErr;

    @BeforeEach
    void start() {
        rows = BigQueryBillingExportSimulator.sampleRows(7, ACCOUNT, "USD", List.of("web-prod"), LocalDate.of(2026, 1, 1), 31);
        sim = BigQueryBillingExportSimulator.builder().rows(rows).start();
        // nothing from this machine: no credentials file, an empty gcloud directory, the simulator's metadata server
        System.setProperty(CREDENTIALS, "");
        System.setProperty(CONFIG, dir.resolve("gcloud").toString());
        System.setProperty(METADATA, sim.metadataHost());
        captured = new ByteArrayOutputStream();
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        System.clearProperty(CREDENTIALS);
        System.clearProperty(CONFIG);
        System.clearProperty(METADATA);
        sim.close();
    }

    private BigDecimal expected() {
        return rows.stream().filter(r -> JANUARY.contains(r.usageStartTime().atOffset(ZoneOffset.UTC).toLocalDate()))
                .map(ExportRow::total).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private ServiceAccount account() {
        return new ServiceAccount(ServiceAccountId.of("gcp-adc"), ProviderId.of("gcp-billing-export"),
                ProjectId.of("project-web"), Credentials.of(Map.of("table", sim.table())), Map.of());
    }

    private GcpBillingExportProvider provider() {
        return GcpBillingExportProvider.builder().endpoint(URI.create(sim.endpoint())).build();
    }

    /** Verifies, fetches January and checks the total to the last digit. */
    private FetchStats fetchExactly(GcpBillingExportProvider provider) {
        provider.verify(account());
        List<CostRecord> records = new ArrayList<>();
        FetchStats stats = provider.fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY), records::add);
        assertThat(records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualTo(expected());
        return stats;
    }

    private String log() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    private void assertNoSecret(List<String> secrets, Object... shown) {
        String log = log();
        assertThat(log).contains("Application Default Credentials from");
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            for (Object o : shown) {
                assertThat(String.valueOf(o)).doesNotContain(secret);
            }
        }
        assertThat(log).doesNotContain("ya29.").doesNotContain("Authorization").doesNotContain("subject_token=");
    }

    @Test
    void credentialsFile_serviceAccountKey_signsAJwt() throws IOException {
        String key = sim.serviceAccountKey("reader@billing-admin-project.iam.gserviceaccount.com");
        Path file = Files.writeString(dir.resolve("key.json"), key);
        System.setProperty(CREDENTIALS, file.toString());

        fetchExactly(provider());

        assertThat(sim.tokenRequests()).isEqualTo(1); // cached across verify and fetch
        assertThat(sim.metadataRequests()).isZero();
        String pem = key.substring(key.indexOf("BEGIN PRIVATE KEY-----") + 30, key.indexOf("BEGIN PRIVATE KEY-----") + 90);
        assertNoSecret(List.of(pem), provider());
    }

    @Test
    void credentialsFile_externalAccount_exchangesTheSubjectTokenAtSts_thenImpersonates() throws IOException {
        Path tokenFile = dir.resolve("oidc-token");
        WorkloadIdentity wif = sim.workloadIdentity(tokenFile,
                "billing-reader@billing-admin-project.iam.gserviceaccount.com");
        Files.writeString(tokenFile, wif.subjectToken() + "\n");
        Path config = Files.writeString(dir.resolve("wif.json"), wif.configuration());
        System.setProperty(CREDENTIALS, config.toString());

        FetchStats stats = provider().toBuilder().queryProject("billing-admin-project").build().fetch(
                FetchRequest.of(account(), JANUARY, Granularity.DAILY), r -> { });
        fetchExactly(provider().toBuilder().queryProject("billing-admin-project").build());

        assertThat(stats.records()).isPositive();
        assertThat(sim.stsRequests()).isEqualTo(2); // one per provider: each caches its own tokens
        assertThat(sim.impersonationRequests()).isEqualTo(2);
        assertNoSecret(List.of(wif.subjectToken()), wif);
    }

    @Test
    void credentialsFile_externalAccount_withoutImpersonation_usesTheFederatedToken() throws IOException {
        Path tokenFile = dir.resolve("oidc-token");
        WorkloadIdentity wif = sim.workloadIdentity(tokenFile, null);
        Files.writeString(tokenFile, wif.subjectToken());
        System.setProperty(CREDENTIALS, Files.writeString(dir.resolve("wif.json"), wif.configuration()).toString());

        fetchExactly(provider().toBuilder().queryProject("billing-admin-project").build());

        assertThat(sim.stsRequests()).isEqualTo(1);
        assertThat(sim.impersonationRequests()).isZero();
        assertNoSecret(List.of(wif.subjectToken()));
    }

    @Test
    void credentialsFile_externalAccount_readsAJsonSubjectTokenFromAUrl_withItsHeaders() throws IOException {
        WorkloadIdentity wif = sim.workloadIdentity(dir.resolve("unused"), null);
        // a local token service, as Azure's IMDS answers: JSON, only with the header the configuration names
        com.github.tomakehurst.wiremock.WireMockServer tokens = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        tokens.start();
        try {
            tokens.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                            com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/token?api-version=2018-02-01"))
                    .withHeader("Metadata", com.github.tomakehurst.wiremock.client.WireMock.equalTo("True"))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                            "{\"access_token\":\"" + wif.subjectToken() + "\",\"expires_in\":\"3599\"}")));
            String url = "http://127.0.0.1:" + tokens.port() + "/token?api-version=2018-02-01";
            String config = wif.configuration().replaceFirst("\"credential_source\" : \\{[^}]*}",
                    "\"credential_source\" : {\"url\": \"" + url + "\", \"headers\": {\"Metadata\": \"True\"},"
                            + " \"format\": {\"type\": \"json\", \"subject_token_field_name\": \"access_token\"}}");
            assertThat(config).contains(url);
            System.setProperty(CREDENTIALS, Files.writeString(dir.resolve("wif.json"), config).toString());

            fetchExactly(provider().toBuilder().queryProject("billing-admin-project").build());

            tokens.verify(1, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/token")));
            assertThat(sim.stsRequests()).isEqualTo(1);
            assertNoSecret(List.of(wif.subjectToken()));
        } finally {
            tokens.stop();
        }
    }

    @Test
    void externalAccount_anUntrustedSubjectToken_isRejected_withoutQuotingIt() throws IOException {
        Path tokenFile = dir.resolve("oidc-token");
        WorkloadIdentity wif = sim.workloadIdentity(tokenFile, null);
        String forged = "eyJhbGciOiJSUzI1NiJ9.forged-" + "x".repeat(80);
        Files.writeString(tokenFile, forged);
        System.setProperty(CREDENTIALS, Files.writeString(dir.resolve("wif.json"), wif.configuration()).toString());

        Throwable e = catchThrowable(() -> provider().toBuilder().queryProject("billing-admin-project").build()
                .fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY), r -> { }));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("gcp-adc")
                .hasMessageContaining(Path.of(dir.resolve("wif.json").toString()).toString());
        assertThat(e.getMessage()).doesNotContain(forged);
        assertThat(sim.queryRequests()).isZero();
        assertNoSecret(List.of(forged, wif.subjectToken()), e);
    }

    @Test
    void gcloudFile_authorizedUser_refreshesItsToken_andItsQuotaProjectRunsTheQuery() throws IOException {
        String user = sim.authorizedUserCredentials("finops@example.com");
        Files.createDirectories(dir.resolve("gcloud"));
        Files.writeString(dir.resolve("gcloud").resolve("application_default_credentials.json"), user);

        fetchExactly(provider());

        assertThat(sim.tokenRequests()).isEqualTo(1);
        assertThat(sim.lastQueryRequest()).isNotNull();
        String refresh = user.replaceAll("(?s).*\"refresh_token\" : \"([^\"]+)\".*", "$1");
        String secret = user.replaceAll("(?s).*\"client_secret\" : \"([^\"]+)\".*", "$1");
        assertThat(refresh).startsWith("1//sim-");
        assertNoSecret(List.of(refresh, secret));
    }

    @Test
    void metadataServer_whenNoFile_givesTheAttachedServiceAccountsToken_andTheProject() {
        sim.attachServiceAccount("workload@billing-admin-project.iam.gserviceaccount.com");

        fetchExactly(provider());

        assertThat(sim.metadataRequests()).isEqualTo(2); // one project id (cached), one token (cached)
        assertNoSecret(List.of());
    }

    @Test
    void metadataServer_theProjectIdIsAskedOncePerProviderInstance_notAtEveryFetch() {
        sim.attachServiceAccount("workload@billing-admin-project.iam.gserviceaccount.com");
        GcpBillingExportProvider provider = provider();

        FetchStats first = fetchExactly(provider); // verify, then fetch: token + project id
        int afterFirst = sim.metadataRequests();
        FetchStats second = provider.fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY), r -> { });
        provider.fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY), r -> { });

        assertThat(afterFirst).isEqualTo(2);
        assertThat(sim.metadataRequests()).isEqualTo(2);
        // after verify, each fetch sends jobs.query only: no token request, no project id request
        assertThat(first.requests()).isEqualTo(1);
        assertThat(second.requests()).isEqualTo(1);
        // another provider instance asks again (its token is cached per credential, shared by neither)
        provider().fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY), r -> { });
        assertThat(sim.metadataRequests()).isEqualTo(4);
    }

    @Test
    void metadataServer_withoutAnAttachedServiceAccount_isRejected_naming_theSearch() {
        Throwable e = catchThrowable(() -> provider().fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY),
                r -> { }));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("metadata server")
                .hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS");
    }

    @Test
    void noMetadataServer_isInvalidCredentials_atOnce_notRetried() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        System.setProperty(METADATA, "127.0.0.1:" + closedPort);

        Throwable e = catchThrowable(() -> provider().fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY),
                r -> { }));

        assertThat(e).isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("Application Default Credentials found none")
                .hasMessageContaining("127.0.0.1:" + closedPort);
        assertThat(log()).containsOnlyOnce("GET /computeMetadata/v1/project/project-id -> ");
    }

    @Test
    void aMalformedCredentialsFile_isInvalidCredentials_namingTheFile_neverQuotingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"type\":\"external_account\",\"audience\":\"a\","
                + "\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"token_url\":\"http://sts.example.com/v1/token\","
                + "\"credential_source\":{\"file\":\"/t\"},\"client_secret\":\"s3cr3t-never-shown\"}");
        System.setProperty(CREDENTIALS, file.toString());

        Throwable e = catchThrowable(() -> provider().fetch(FetchRequest.of(account(), JANUARY, Granularity.DAILY),
                r -> { }));

        assertThat(e).isInstanceOf(InvalidCredentialsException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("token_url");
        assertThat(e.getMessage()).doesNotContain("s3cr3t-never-shown");
    }

    @Test
    void simulator_metadataServer_refusesARequestWithoutMetadataFlavor_asGoogleDocumentsIt() throws Exception {
        sim.attachServiceAccount("workload@billing-admin-project.iam.gserviceaccount.com");
        HttpClient http = HttpClient.newHttpClient();
        URI token = URI.create("http://" + sim.metadataHost() + "/computeMetadata/v1/instance/service-accounts/default/token");

        HttpResponse<String> without = http.send(HttpRequest.newBuilder(token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forwarded = http.send(HttpRequest.newBuilder(token).header("Metadata-Flavor", "Google")
                .header("X-Forwarded-For", "10.0.0.1").GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> with = http.send(HttpRequest.newBuilder(token).header("Metadata-Flavor", "Google").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(without.body()).contains("Missing Metadata-Flavor:Google header");
        assertThat(forwarded.statusCode()).isEqualTo(403);
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(with.body()).contains("\"access_token\"").contains("\"expires_in\"");
    }

    @Test
    void simulator_sts_refusesWhatTheTokenApiRefuses() throws Exception {
        WorkloadIdentity wif = sim.workloadIdentity(dir.resolve("t"), null);
        String audience = wif.configuration().replaceAll("(?s).*\"audience\" : \"([^\"]+)\".*", "$1");
        HttpClient http = HttpClient.newHttpClient();
        String good = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&audience=" + enc(audience)
                + "&scope=" + enc("https://www.googleapis.com/auth/cloud-platform") + "&requested_token_type="
                + enc("urn:ietf:params:oauth:token-type:access_token") + "&subject_token=" + enc(wif.subjectToken())
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt");

        assertThat(sts(http, good, false).statusCode()).isEqualTo(200);
        assertThat(sts(http, good, true).statusCode()).isEqualTo(400); // "do not send the Authorization header"
        assertThat(sts(http, good.replace("token-exchange", "jwt-bearer"), false).body()).contains("unsupported_grant_type");
        assertThat(sts(http, good.replace(enc("urn:ietf:params:oauth:token-type:jwt"), enc("urn:x:saml")), false)
                .statusCode()).isEqualTo(400);
        assertThat(sts(http, good.replace("&scope=" + enc("https://www.googleapis.com/auth/cloud-platform"), ""), false)
                .body()).contains("invalid_scope");
        assertThat(sts(http, good.replace(enc(audience), enc(audience + "x")), false).body()).contains("invalid_target");
    }

    private HttpResponse<String> sts(HttpClient http, String form, boolean authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.endpoint() + "/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (authorization) {
            b.header("Authorization", "Bearer ya29.anything");
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
