package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.ProviderProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class HyperBillingVerifyTest extends HyperBillingTestSupport {

    @Test
    void verify_whenAccountIsLinked_sendsTheCredentialsAndSucceeds() {
        server.stubFor(get(urlEqualTo(LINKED)).willReturn(ok("{\"Results\":[\"222222222222\",\"111111111111\"]}")));

        assertThatCode(() -> provider().verify(account("prod-aws"))).doesNotThrowAnyException();

        server.verify(1, getRequestedFor(urlEqualTo(LINKED))
                .withHeader("X-Client-Id", equalTo("ops@example.com"))
                .withHeader("X-Client-Secret", equalTo(KEY))
                .withHeader("Accept", equalTo("application/json"))
                // the real clients send it on GET too
                .withHeader("Content-Type", equalTo("application/json")));
    }

    @Test
    void verify_whenAccountIsNotLinked_namesTheServiceAccountAndAccountId() {
        server.stubFor(get(urlEqualTo(LINKED)).willReturn(ok("{\"Results\":[\"222222222222\"]}")));

        assertThatThrownBy(() -> provider().verify(account("old-aws")))
                .isExactlyInstanceOf(CredentialsRejectedException.class)
                .hasMessage("hyperbilling-aws accepted the credentials of service account 'old-aws', but AWS account"
                        + " 111111111111 is not among its linked accounts; check the credential 'account'")
                .satisfies(e -> assertThat(((CredentialsRejectedException) e).serviceAccount()).hasValue("old-aws"));
    }

    @Test
    void verify_when401_throwsCredentialsRejectedWithoutRetry() {
        server.stubFor(get(urlEqualTo(LINKED)).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> provider().verify(account("old-aws")))
                .isExactlyInstanceOf(CredentialsRejectedException.class)
                .hasMessage("credentials rejected by hyperbilling-aws (HTTP 401) for service account 'old-aws';"
                        + " check the credentials 'email' and 'key'");
        server.verify(1, getRequestedFor(urlEqualTo(LINKED)));
    }

    @Test
    void verify_whenConnectionResetThenOk_retriesAndSucceeds() {
        server.stubFor(get(urlEqualTo(LINKED)).inScenario("v").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("up"));
        server.stubFor(get(urlEqualTo(LINKED)).inScenario("v").whenScenarioStateIs("up")
                .willReturn(ok("{\"Results\":[\"111111111111\"]}")));

        assertThatCode(() -> provider().verify(account("prod-aws"))).doesNotThrowAnyException();
        server.verify(2, getRequestedFor(urlEqualTo(LINKED)));
    }

    @Test
    void verify_whenAnswerIsNotJson_throwsProtocolError() {
        server.stubFor(get(urlEqualTo(LINKED)).willReturn(ok("<html>maintenance</html>")));

        assertThatThrownBy(() -> provider().verify(account("prod-aws")))
                .isExactlyInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("GET /v1/search/linkedaccount (HTTP 200)")
                .hasMessageContaining("malformed JSON");
    }
}
