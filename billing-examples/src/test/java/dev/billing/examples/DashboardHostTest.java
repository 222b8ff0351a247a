package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.testkit.FakeBillingProvider;
import dev.billing.testkit.SimulatorData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardHostTest {
    private static final SimulatorData DATA = SimulatorData.generator().seed(3).accounts(2).currencies("USD", "EUR")
            .days(LocalDate.of(2026, 1, 1), 181).build();

    private static Billing billing() {
        Billing billing = Billing.builder().discoverProviders(false)
                .addProvider(FakeBillingProvider.builder().data(DATA).build()).build();
        String[] projects = {"project-web", "project-data"};
        for (int i = 0; i < 2; i++) {
            String account = DATA.accounts().get(i);
            SimulatorData.ApiUser user = DATA.userFor(account).orElseThrow();
            billing.serviceAccounts().register("sa-" + i, FakeBillingProvider.DEFAULT_ID, Credentials.of(Map.of(
                    "account", account, "email", user.email(), "key", user.key())), projects[i]);
        }
        return billing;
    }

    @Test
    void mountedHandler_servesTheDomainAndProjectPagesBelowItsPath() throws Exception {
        BillingPeriod period = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 6));
        try (Billing billing = billing()) {
            HttpServer server = DashboardHost.mount(billing, 0);
            try {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/billing/";
                HttpResponse<String> domain = client.send(HttpRequest.newBuilder(URI.create(base
                        + "?from=2026-01&to=2026-07")).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> project = client.send(HttpRequest.newBuilder(URI.create(base
                        + "projects/project-data?from=2026-01&to=2026-07")).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(domain.statusCode()).isEqualTo(200);
                for (Money m : DATA.totals(DATA.accounts(), period)) {
                    assertThat(domain.body()).contains(m.format());
                }
                assertThat(project.statusCode()).isEqualTo(200);
                assertThat(project.body()).contains(DATA.total(DATA.accounts().get(1), period).format());
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void renderer_drawsAProjectPageAndGivesItsPolicy() {
        try (Billing billing = billing()) {
            DashboardHost.Page page = DashboardHost.projectPage(billing, "project-web");

            BillingPeriod period = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 6));
            assertThat(page.html()).contains("<h1>project-web</h1>", DATA.total(DATA.accounts().get(0), period).format())
                    .doesNotContain("EUR");
            assertThat(page.contentSecurityPolicy()).startsWith("default-src 'none'");
            assertThat(List.of(page.html().split("<rect class=\"bar")).size() - 1).isEqualTo(6);
        }
    }
}
