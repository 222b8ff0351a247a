package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HyperBillingSimulatorExtensionTest {
    @RegisterExtension
    static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
            HyperBillingSimulator.builder().data(SimulatorData.generator().seed(9).accounts(1).build()));

    private static int linkedAccounts(HyperBillingSimulator sim) throws Exception {
        SimulatorData.ApiUser user = sim.data().users().get(0);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/v1/search/linkedaccount"))
                        .timeout(Duration.ofSeconds(5))
                        .header("X-Client-Id", user.email()).header("X-Client-Secret", user.key()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void parameter_isTheRunningSimulator(HyperBillingSimulator sim) {
        assertThat(sim).isSameAs(HB.simulator());
        assertThat(sim.endpoint()).startsWith("http://127.0.0.1:");
    }

    /**
     * The reset every test starts with, called here directly after changing the simulator, so that the test
     * proves it whatever order the tests run in.
     */
    @Test
    void beforeEach_clearsTheFaultsAndRestoresTheInitialData(HyperBillingSimulator sim) throws Exception {
        assertThat(linkedAccounts(sim)).isEqualTo(200);
        sim.fault(sim.data().accounts().get(0), Fault.rejectedKey());
        assertThat(linkedAccounts(sim)).isEqualTo(401);
        sim.data(SimulatorData.generator().seed(10).accounts(2).build());
        assertThat(sim.data().accounts()).hasSize(2);

        HB.beforeEach(null);

        assertThat(sim.data().accounts()).hasSize(1);
        assertThat(linkedAccounts(sim)).isEqualTo(200);
    }
}
