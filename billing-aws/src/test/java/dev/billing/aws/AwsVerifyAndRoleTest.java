package dev.billing.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.Granularity;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** verify's single request, and roleArn assumed with STS (AWS Query protocol) and refreshed before it expires. */
@Timeout(30)
class AwsVerifyAndRoleTest extends AwsWireMockSupport {
    private static final String ROLE = "arn:aws:iam::999999999999:role/billing-reader";
    private WireMockServer sts;

    @BeforeEach
    void startSts() {
        sts = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
        provider.close();
        provider = provider("http://127.0.0.1:" + server.port()).stsEndpoint(URI.create("http://127.0.0.1:" + sts.port()))
                .http(http().clock(Clock.fixed(Instant.parse("2026-03-15T10:00:00Z"), ZoneOffset.UTC)).build()).build();
    }

    @AfterEach
    void stopSts() {
        sts.stop();
    }

    private static String assumeRoleXml(Instant expiration) {
        return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                + "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:billing-sdk</AssumedRoleId>"
                + "<Arn>arn:aws:sts::999999999999:assumed-role/billing-reader/billing-sdk</Arn></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>ASIATEMPORARYKEY0001</AccessKeyId><SecretAccessKey>tempSecretFromSts0000</SecretAccessKey>"
                + "<SessionToken>TEMPSESSIONTOKEN</SessionToken><Expiration>" + expiration + "</Expiration></Credentials>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
                + "</ResponseMetadata></AssumeRoleResponse>";
    }

    private void stubCe() {
        server.stubFor(discovery().willReturn(ok(discoveryPage("2026-01-01", "2026-02-01", LINKED_A, "Usage"))));
        server.stubFor(detail().willReturn(ok(page(null, result("2026-01-01", "2026-02-01", false, group("7", "S", "us-east-1"))))));
    }

    @Test
    void verify_withoutLinkedAccount_sendsOneUngroupedRequestOverTheLast30Days() {
        server.stubFor(post(urlEqualTo("/")).willReturn(ok("{\"ResultsByTime\":[" + result("2026-02-13", "2026-03-01", false, "")
                + "," + result("2026-03-01", "2026-03-15", true, "") + "],\"DimensionValueAttributes\":[]}")));

        provider.verify(account("prod-aws"));

        assertThat(costRequests()).singleElement().satisfies(q -> assertThat(q.getBodyAsString())
                .isEqualTo("{\"TimePeriod\":{\"Start\":\"2026-02-13\",\"End\":\"2026-03-15\"},\"Granularity\":\"MONTHLY\","
                        + "\"Metrics\":[\"UnblendedCost\",\"AmortizedCost\"]}"));
    }

    @Test
    void verify_withAVisibleLinkedAccount_passes_andAnInvisibleOneIsRejected() {
        server.stubFor(post(urlEqualTo("/")).withRequestBody(containing(LINKED_A)).willReturn(ok("{\"ResultsByTime\":["
                + result("2026-02-13", "2026-03-01", false, "{\"Keys\":[\"" + LINKED_A + "\"],\"Metrics\":{\"UnblendedCost\":"
                + "{\"Amount\":\"1\",\"Unit\":\"USD\"}}}") + "],\"DimensionValueAttributes\":[{\"Value\":\"" + LINKED_A
                + "\",\"Attributes\":{\"description\":\"dev\"}}]}")));
        server.stubFor(post(urlEqualTo("/")).withRequestBody(containing(LINKED_B)).willReturn(ok("{\"ResultsByTime\":["
                + result("2026-02-13", "2026-03-01", false, "") + "],\"DimensionValueAttributes\":[]}")));

        provider.verify(account("dev", "linkedAccount", LINKED_A));
        assertThatThrownBy(() -> provider.verify(account("other", "linkedAccount", LINKED_B)))
                .isInstanceOf(CredentialsRejectedException.class).hasMessageContaining(LINKED_B).hasMessageContaining("other");
        server.verify(2, postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matching(".*\"Filter\":\\{\"Dimensions\":\\{\"Key\":\"LINKED_ACCOUNT\",\"Values\":\\[\"\\d{12}\"\\]\\}\\}.*"))
                .withRequestBody(containing("\"GroupBy\":[{\"Type\":\"DIMENSION\",\"Key\":\"LINKED_ACCOUNT\"}]")));
    }

    @Test
    void verify_withRefusedKeys_isRejectedAfterOneRequest() {
        server.stubFor(post(urlEqualTo("/")).willReturn(error(400, "UnrecognizedClientException",
                "The security token included in the request is invalid.")));
        assertThatThrownBy(() -> provider.verify(account("prod-aws"))).isInstanceOf(CredentialsRejectedException.class);
        assertThat(costRequests()).hasSize(1);
    }

    @Test
    void fetch_withRoleArn_assumesTheRoleOnce_signsWithItsKeys_andNamesItsAccountAsBillingAccount() {
        sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody(assumeRoleXml(Instant.now().plusSeconds(3600)))));
        stubCe();
        var a = account("prod-aws", "roleArn", ROLE, "externalId", "ext-42");

        Result first = fetch(provider, request(a, month(2026, 1), Granularity.MONTHLY));
        fetch(provider, request(a, month(2026, 1), Granularity.MONTHLY));

        assertThat(first.records()).singleElement().satisfies(c -> {
            assertThat(c.billingAccountId()).isEqualTo("999999999999");
            assertThat(c.subAccountId()).isEqualTo(LINKED_A);
            assertThat(c.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 1));
        });
        sts.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                .withRequestBody(containing("RoleArn=arn%3Aaws%3Aiam%3A%3A999999999999%3Arole%2Fbilling-reader"))
                .withRequestBody(containing("ExternalId=ext-42"))
                .withHeader("Authorization", containing("Credential=" + KEY_ID + "/")));
        assertThat(costRequests()).hasSize(4).allSatisfy(q -> {
            assertThat(q.getHeader("Authorization")).contains("Credential=ASIATEMPORARYKEY0001/");
            assertThat(q.getHeader("X-Amz-Security-Token")).isEqualTo("TEMPSESSIONTOKEN");
        });
    }

    @Test
    void fetch_withRoleArn_refreshesTheRoleBeforeItExpires() {
        sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody(assumeRoleXml(Instant.now().plusSeconds(120)))));
        stubCe();
        var a = account("prod-aws", "roleArn", ROLE);

        fetch(provider, request(a, month(2026, 1), Granularity.MONTHLY));
        int afterFirst = sts.getAllServeEvents().size();
        fetch(provider, request(a, month(2026, 1), Granularity.MONTHLY));

        assertThat(afterFirst).isGreaterThanOrEqualTo(1);
        assertThat(sts.getAllServeEvents().size()).isGreaterThan(afterFirst);
    }

    @Test
    void fetch_whenTheRoleCannotBeAssumed_isRejectedWithoutRetry() {
        sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                        + "<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error>"
                        + "<RequestId>x</RequestId></ErrorResponse>")));
        var a = account("prod-aws", "roleArn", ROLE);

        assertThatThrownBy(() -> fetch(provider, request(a, month(2026, 1), Granularity.MONTHLY)))
                .isInstanceOf(CredentialsRejectedException.class).hasMessageContaining("AccessDenied").hasMessageContaining("prod-aws");
        assertThat(sts.getAllServeEvents()).hasSize(1);
        assertThat(costRequests()).isEmpty();
    }
}
