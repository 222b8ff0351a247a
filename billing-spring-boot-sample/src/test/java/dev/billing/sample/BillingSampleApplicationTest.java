package dev.billing.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The sample starts against its simulator and serves the dashboard and the health component. */
class BillingSampleApplicationTest {

    @TempDir
    Path dir;

    @Test
    void theSample_servesTheDashboardToItsUsers() throws Exception {
        try (ConfigurableApplicationContext app = BillingSampleApplication.start("--server.port=0",
                "--billing.store.file=" + dir.resolve("costs"))) {
            String port = app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, port, "/billing/", "admin").statusCode()).isEqualTo(200);
            assertThat(get(http, port, "/billing/", "web").statusCode()).isEqualTo(403);
            HttpResponse<String> own = get(http, port, "/billing/projects/p-web", "web");
            assertThat(own.statusCode()).isEqualTo(200);
            HttpResponse<String> health = get(http, port, "/actuator/health/billing", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain(BillingSampleApplication.WEB_KEY);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String port, String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
