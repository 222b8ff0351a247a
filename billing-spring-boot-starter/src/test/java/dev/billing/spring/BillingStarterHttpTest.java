package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Money;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a real Spring Boot application over real HTTP, configured only with properties, against the
 * HyperBilling simulator: exact totals, health, meters and project-scoped dashboard access.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BillingStarterHttpTest {
    private static final String WEB_KEY = "web-key-51f0";
    private static final String DATA_KEY = "data-key-93ab";
    private static final String WRONG_KEY = "wrong-key-77cd";
    private static final BillingPeriod Q1 = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
    private static final String RANGE = "from=2026-01&to=2026-04";
    private static final SimulatorData DATA = SimulatorData.of(
            Map.of("111111111111", "USD", "222222222222", "EUR", "333333333333", "USD"),
            List.of(new SimulatorData.ApiUser("web@example.com", WEB_KEY, Set.of("111111111111")),
                    new SimulatorData.ApiUser("data@example.com", DATA_KEY, Set.of("222222222222", "333333333333"))),
            SimulatorData.generator().seed(11).accounts(3).currencies("USD", "EUR").build().rows());
    private static HyperBillingSimulator sim;

    @TempDir
    static Path dir;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry props) {
        sim = HyperBillingSimulator.start(DATA);
        props.add("billing.providers.hyperbilling-aws.endpoint", sim::endpoint);
        String[][] accounts = {
            {"web-prod", "p-web", "111111111111", "web@example.com", WEB_KEY},
            {"data-prod", "p-data", "222222222222", "data@example.com", DATA_KEY},
            {"data-old", "p-data", "333333333333", "data@example.com", WRONG_KEY}};
        for (int i = 0; i < accounts.length; i++) {
            String p = "billing.service-accounts[" + i + "].";
            String[] a = accounts[i];
            props.add(p + "name", () -> a[0]);
            props.add(p + "provider", () -> "hyperbilling-aws");
            props.add(p + "project", () -> a[1]);
            props.add(p + "credentials.account", () -> a[2]);
            props.add(p + "credentials.email", () -> a[3]);
            props.add(p + "credentials.key", () -> a[4]);
        }
        props.add("billing.store.file", () -> dir.resolve("costs").toString());
        props.add("billing.dashboard.enabled", () -> "true");
        props.add("billing.tag-aliases.team", () -> "Team,owner-team");
        props.add("management.endpoints.web.exposure.include", () -> "health");
        props.add("management.endpoint.health.show-details", () -> "always");
        props.add("management.endpoint.health.probes.enabled", () -> "true");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String amount(Money m) {
        return m.amount().signum() == 0 ? "0" : m.amount().stripTrailingZeros().toPlainString();
    }

    @Test
    void totalsAreExact_forTheDomainAndForAProject() throws Exception {
        HttpResponse<String> domain = get("/billing/api/report?" + RANGE, "admin");
        assertThat(domain.statusCode()).isEqualTo(200);
        assertThat(domain.body()).contains("\"complete\": false").contains("data-old").contains("FAILED");
        for (Money m : DATA.totals(List.of("111111111111", "222222222222"), Q1)) {
            assertThat(domain.body()).contains("\"" + amount(m) + "\"");
        }
        HttpResponse<String> web = get("/billing/api/report?project=p-web&" + RANGE, "web");
        assertThat(web.statusCode()).isEqualTo(200);
        assertThat(web.body()).contains("\"" + amount(DATA.total("111111111111", Q1)) + "\"");
        assertThat(domain.body() + web.body()).doesNotContain(WEB_KEY).doesNotContain(DATA_KEY).doesNotContain(WRONG_KEY);
    }

    @Test
    void health_isDownForTheRejectedKey_withoutCallingAProvider_andOutOfTheProbes() throws Exception {
        long requests = sim.requestCount();
        HttpResponse<String> health = get("/actuator/health/billing", "admin");
        assertThat(sim.requestCount()).as("a health request never calls a provider").isEqualTo(requests);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("data-old").contains("FAILED")
                .contains("p-data").contains("hyperbilling-aws").doesNotContain(WRONG_KEY).doesNotContain(DATA_KEY);
        assertThat(health.body()).containsPattern("\"web-prod\":\\{[^}]*\"status\":\"OK\"");
        assertThat(get("/actuator/health/liveness", null).body()).doesNotContain("billing");
        assertThat(get("/actuator/health/readiness", null).body()).doesNotContain("billing");
    }

    @Test
    void meters_areInTheSimpleMeterRegistry() throws Exception {
        assertThat(get("/billing/api/report?project=p-web&" + RANGE, "web").statusCode()).isEqualTo(200);
        assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
        assertThat(registry.get("billing.fetch").tags("provider", "hyperbilling-aws", "outcome", "ok").timer().count())
                .isPositive();
        assertThat(registry.get("billing.fetch.line.items").tag("service.account", "web-prod").counter().count())
                .isPositive();
        assertThat(registry.get("billing.account.data.age").tag("service.account", "web-prod").timeGauge()
                .value(TimeUnit.SECONDS)).isNotNaN();
        assertThat(registry.get("billing.account.data.age").tag("service.account", "data-old").timeGauge()
                .value(TimeUnit.SECONDS)).isNaN();
        registry.getMeters().forEach(m -> assertThat(m.getId().getTags().toString())
                .doesNotContain(WEB_KEY).doesNotContain(DATA_KEY).doesNotContain(WRONG_KEY));
    }

    @Test
    void theDashboard_showsAProjectUserTheirProjectOnly() throws Exception {
        assertThat(get("/billing/", null).statusCode()).isEqualTo(401);
        assertThat(get("/billing/projects/p-web", null).statusCode()).isEqualTo(401);

        String webTotal = amount(DATA.total("111111111111", Q1));
        for (String refused : List.of("/billing/?" + RANGE, "/billing/projects/p-data?" + RANGE,
                "/billing/api/report?" + RANGE, "/billing/api/report?project=p-data&" + RANGE)) {
            HttpResponse<String> r = get(refused, "web");
            assertThat(r.statusCode()).as(refused).isEqualTo(403);
            assertThat(r.body()).as(refused).doesNotContain(webTotal).doesNotContain("USD").doesNotContain("EUR");
        }
        HttpResponse<String> own = get("/billing/projects/p-web?" + RANGE, "web");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(own.body()).contains("p-web");
        assertThat(get("/billing?" + RANGE, "admin").statusCode()).as("the mount point redirects to the page")
                .isEqualTo(308);
        HttpResponse<String> all = get("/billing/?" + RANGE, "admin");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains("p-web").contains("p-data");
    }

    @Test
    void theBreakdownByTag_onTheMount_followsTheSameAccessRules() throws Exception {
        HttpResponse<String> own = get("/billing/projects/p-web?" + RANGE + "&tag=team", "web");
        assertThat(own.statusCode()).isEqualTo(200);
        String tags = own.body().substring(own.body().indexOf("<section id=\"tags\" data-tag-key=\"team\""));
        // HyperBilling gives no tags: the whole project total is untagged, never missing
        assertThat(tags.substring(0, tags.indexOf("</section>"))).contains("(untagged)")
                .contains("value=\"" + amount(DATA.total("111111111111", Q1)) + "\"");
        assertThat(own.body()).contains("<datalist id=\"tag-keys\"><option value=\"team\"></option></datalist>")
                .contains("groupBy=tag%3Ateam");
        HttpResponse<String> json = get("/billing/api/report?project=p-web&groupBy=tag%3Ateam&" + RANGE, "web");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).contains("\"tag:team\": \"\"");
        for (String refused : List.of("/billing/?" + RANGE + "&tag=team", "/billing/projects/p-data?" + RANGE + "&tag=team",
                "/billing/api/report?groupBy=tag%3Ateam&" + RANGE)) {
            HttpResponse<String> r = get(refused, "web");
            assertThat(r.statusCode()).as(refused).isEqualTo(403);
            assertThat(r.body()).as(refused).doesNotContain("USD").doesNotContain("EUR");
        }
        assertThat(get("/billing/?" + RANGE + "&tag=team", "admin").body()).contains("<section id=\"tags\"");
    }

    @SpringBootApplication
    static class App {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**").permitAll()
                            .anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults()).csrf(c -> c.disable()).build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("admin").password("{noop}pw").authorities("BILLING_DOMAIN").build(),
                    User.withUsername("web").password("{noop}pw").authorities("BILLING_PROJECT_p-web").build());
        }
    }
}
