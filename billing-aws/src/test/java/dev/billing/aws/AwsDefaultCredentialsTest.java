package dev.billing.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AwsCostExplorerSimulator.Account;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Without {@code accessKeyId}/{@code secretAccessKey}, the provider takes the AWS SDK's default chain: container
 * credentials from a local endpoint, web identity against the simulator's STS, each through a real fetch, with
 * {@code roleArn} assumed on top; environment variables cannot be set in the JVM, so the SDK's system properties stand
 * in for them (and are restored). Runs with every logger at TRACE (tag trace-logging) and checks that no key or token
 * is logged.
 */
@Tag("trace-logging")
@Timeout(60)
class AwsDefaultCredentialsTest extends AwsTestSupport {
    private static final String TEMP_KEY = "ASIACONTAINERKEY0001";
    private static final String TEMP_SECRET = "containerSecretKeyEXAMPLE/0123456789abcd";
    private static final String TEMP_TOKEN = "IQoJContainerSessionTokenEXAMPLE0123456789";
    private static final String AUTH_TOKEN = "eks-pod-identity-authorization-token-EXAMPLE";
    private static final String WEB_KEY = "ASIAWEBIDENTITYKEY01";
    private static final String WEB_SECRET = "webIdentitySecretKeyEXAMPLE/0123456789ab";
    private static final String WEB_SESSION = "IQoJWebIdentitySessionTokenEXAMPLE012345";
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlRVhBTVBMRQ";
    private static final String WEB_ROLE = "arn:aws:iam::111111111111:role/billing-irsa";
    private static final String ROLE_KEY = "ASIAASSUMEDROLEKEY01";
    private static final String ROLE_SECRET = "assumedRoleSecretKeyEXAMPLE/0123456789ab";
    private static final String ROLE_TOKEN = "IQoJAssumedRoleSessionTokenEXAMPLE012345";
    private static final List<SdkSystemSetting> SETTINGS = List.of(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI,
            SdkSystemSetting.AWS_CONTAINER_AUTHORIZATION_TOKEN, SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE,
            SdkSystemSetting.AWS_ROLE_ARN, SdkSystemSetting.AWS_ROLE_SESSION_NAME);

    private final Map<String, String> saved = new HashMap<>();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private WireMockServer endpoint;
    private AwsCostExplorerSimulator sim;

    @BeforeEach
    void start() {
        SETTINGS.forEach(s -> saved.put(s.property(), System.getProperty(s.property())));
        endpoint = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        endpoint.start();
        sim = AwsCostExplorerSimulator.builder()
                .account(new Account(PAYER, TEMP_KEY, TEMP_SECRET, TEMP_TOKEN))
                .account(new Account(PAYER, ROLE_KEY, ROLE_SECRET, ROLE_TOKEN))
                .webIdentityRole(WEB_ROLE, JWT, new Account(PAYER, WEB_KEY, WEB_SECRET, WEB_SESSION))
                .row(new Row(PAYER, LocalDate.of(2026, 1, 3), LINKED_A, "AWS Lambda", "us-east-1", "Usage", "USD",
                        new BigDecimal("12.345")))
                .row(new Row(PAYER, LocalDate.of(2026, 1, 9), LINKED_B, "Tax", "global", "Tax", "USD", new BigDecimal("1.2")))
                .start();
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        endpoint.stop();
        sim.close();
        String log = captured.toString(StandardCharsets.UTF_8);
        for (String secret : List.of(TEMP_SECRET, WEB_SECRET, ROLE_SECRET, AUTH_TOKEN, JWT)) {
            assertThat(log).doesNotContain(secret);
        }
        // The SDK's SigV4 signer prints the canonical request at DEBUG, session token included (see AwsLoggingTest and
        // the docs' Secrets section); nothing else may show a session token.
        for (String token : List.of(TEMP_TOKEN, WEB_SESSION, ROLE_TOKEN)) {
            assertThat(log.lines().filter(l -> l.contains(token))).allSatisfy(l -> assertThat(l).startsWith("x-amz-security-token:"));
        }
    }

    private static ServiceAccount noKeys(String... extra) {
        Map<String, String> c = new HashMap<>();
        for (int i = 0; i + 1 < extra.length; i += 2) {
            c.put(extra[i], extra[i + 1]);
        }
        return new ServiceAccount(ServiceAccountId.of("aws-default"), ProviderId.of(AwsCostExplorerProvider.ID),
                ProjectId.of("project-web"), Credentials.of(c), Map.of());
    }

    private int credentialRequests() {
        return endpoint.findAll(getRequestedFor(urlEqualTo("/v2/credentials/pod"))).size();
    }

    private void serveContainerCredentials() {
        endpoint.stubFor(get(urlEqualTo("/v2/credentials/pod")).withHeader("Authorization", equalTo(AUTH_TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"AccessKeyId\":\"" + TEMP_KEY
                        + "\",\"SecretAccessKey\":\"" + TEMP_SECRET + "\",\"Token\":\"" + TEMP_TOKEN + "\",\"Expiration\":\""
                        + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}")));
        System.setProperty(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI.property(),
                "http://127.0.0.1:" + endpoint.port() + "/v2/credentials/pod");
        System.setProperty(SdkSystemSetting.AWS_CONTAINER_AUTHORIZATION_TOKEN.property(), AUTH_TOKEN);
    }

    @Test
    void withoutKeys_containerCredentials_signAFetch() {
        serveContainerCredentials();
        try (AwsCostExplorerProvider provider = provider(sim.endpoint()).build()) {
            Result r = fetch(provider, request(noKeys(), month(2026, 1), Granularity.DAILY));
            int afterFirst = credentialRequests();
            fetch(provider, request(noKeys(), month(2026, 1), Granularity.MONTHLY));

            assertThat(r.total()).isEqualByComparingTo("13.545");
            assertThat(sim.costRequests(PAYER)).isEqualTo(r.stats().requests() * 2);
            // the SDK retries the credentials endpoint when an answer is slow (ContainerCredentialsRetryPolicy),
            // so the first fetch may ask more than once on a loaded machine; the second reuses what it got
            assertThat(afterFirst).isPositive();
            assertThat(credentialRequests()).as("requests to the credentials endpoint after the second fetch")
                    .isEqualTo(afterFirst);
        }
        assertThat(endpoint.findAll(getRequestedFor(urlEqualTo("/v2/credentials/pod"))
                .withHeader("Authorization", equalTo(AUTH_TOKEN)))).as("every request carries the authorization token")
                .hasSize(credentialRequests());
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("TRACE software.amazon.awssdk");
    }

    @Test
    void withoutKeys_containerCredentials_withRoleArn_assumeTheRoleOnTop() {
        serveContainerCredentials();
        endpoint.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole&"))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody("<AssumeRoleResponse"
                        + " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>"
                        + ROLE_KEY + "</AccessKeyId><SecretAccessKey>" + ROLE_SECRET + "</SecretAccessKey><SessionToken>"
                        + ROLE_TOKEN + "</SessionToken><Expiration>" + Instant.now().plus(1, ChronoUnit.HOURS)
                        .truncatedTo(ChronoUnit.SECONDS) + "</Expiration></Credentials><AssumedRoleUser><Arn>"
                        + "arn:aws:sts::999999999999:assumed-role/billing-reader/billing-sdk</Arn><AssumedRoleId>AROAX:billing-sdk"
                        + "</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>")));
        try (AwsCostExplorerProvider provider = provider(sim.endpoint())
                .stsEndpoint(URI.create("http://127.0.0.1:" + endpoint.port())).build()) {
            Result r = fetch(provider, request(noKeys("roleArn", "arn:aws:iam::999999999999:role/billing-reader"), month(2026, 1),
                    Granularity.MONTHLY));

            assertThat(r.total()).isEqualByComparingTo("13.545");
            assertThat(r.records()).allSatisfy(c -> assertThat(c.billingAccountId()).isEqualTo("999999999999"));
        }
        // the role is assumed with the container's keys, and Cost Explorer is signed with the role's
        endpoint.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("Authorization", containing("Credential=" + TEMP_KEY + "/"))
                .withHeader("X-Amz-Security-Token", equalTo(TEMP_TOKEN)));
        assertThat(sim.costRequests(PAYER)).isPositive();
    }

    @Test
    void withoutKeys_webIdentity_assumesTheRoleAtTheSimulatorsSts_andSignsAFetch(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), JWT);
        System.setProperty(SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE.property(), tokenFile.toString());
        System.setProperty(SdkSystemSetting.AWS_ROLE_ARN.property(), WEB_ROLE);
        System.setProperty(SdkSystemSetting.AWS_ROLE_SESSION_NAME.property(), "billing-sdk-test");
        try (AwsCostExplorerProvider provider = provider(sim.endpoint()).stsEndpoint(URI.create(sim.stsEndpoint())).build()) {
            Result r = fetch(provider, request(noKeys(), month(2026, 1), Granularity.DAILY));

            assertThat(r.total()).isEqualByComparingTo("13.545");
            provider.verify(noKeys());
        }
        assertThat(sim.stsRequests()).isEqualTo(1);
        assertThat(sim.costRequests(PAYER)).isPositive();
    }

    /** The simulator's STS refuses what the STS API reference refuses. */
    @Test
    void theSimulatorsSts_refusesAnUnknownTokenAndAMalformedSessionName() {
        try (StsClient sts = StsClient.builder().endpointOverride(URI.create(sim.stsEndpoint())).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).httpClient(UrlConnectionHttpClient.create()).build()) {
            StsException unknown = catchThrowableOfType(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(WEB_ROLE)
                    .roleSessionName("s1").webIdentityToken("not-the-token")), StsException.class);
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken");
            StsException session = catchThrowableOfType(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(WEB_ROLE)
                    .roleSessionName("has space").webIdentityToken(JWT)), StsException.class);
            assertThat(session.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            StsException duration = catchThrowableOfType(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(WEB_ROLE)
                    .roleSessionName("s1").webIdentityToken(JWT).durationSeconds(600)), StsException.class);
            assertThat(duration.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            assertThat(sts.assumeRoleWithWebIdentity(r -> r.roleArn(WEB_ROLE).roleSessionName("s1").webIdentityToken(JWT))
                    .credentials().accessKeyId()).isEqualTo(WEB_KEY);
        }
    }

    @Test
    void credentialShape_bothKeysOrNeither_andASessionTokenOnlyWithKeys() {
        try (AwsCostExplorerProvider provider = provider(sim.endpoint()).build()) {
            assertThatThrownBy(() -> provider.verify(noKeys("accessKeyId", KEY_ID))).isInstanceOf(InvalidCredentialsException.class)
                    .hasMessageContaining("'secretAccessKey' is missing").hasMessageContaining("default credential chain");
            assertThatThrownBy(() -> provider.verify(noKeys("secretAccessKey", SECRET))).isInstanceOf(InvalidCredentialsException.class)
                    .hasMessageContaining("'accessKeyId' is missing").hasMessageNotContaining(SECRET);
            assertThatThrownBy(() -> provider.verify(noKeys("sessionToken", TEMP_TOKEN))).isInstanceOf(InvalidCredentialsException.class)
                    .hasMessageContaining("'accessKeyId' is missing").hasMessageNotContaining(TEMP_TOKEN);
        }
        assertThat(sim.costRequests(PAYER)).isZero();
    }
}
