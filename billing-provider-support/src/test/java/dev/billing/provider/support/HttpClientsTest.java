package dev.billing.provider.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.provider.HttpSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpClientsTest {
    private static final HttpSettings SETTINGS = HttpSettings.builder().connectTimeout(Duration.ofSeconds(3))
            .requestTimeout(Duration.ofSeconds(7)).build();

    @Test
    void create_speaksHttp11_followsNoRedirect_withTheConnectTimeout() {
        HttpClient client = HttpClients.create(SETTINGS);

        assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(client.connectTimeout()).contains(Duration.ofSeconds(3));
    }

    @Test
    void noAnswer_namesTheTimeoutThatRanOut() {
        assertThat(HttpClients.noAnswer(new HttpConnectTimeoutException("x"), SETTINGS, m -> m))
                .hasMessage("could not connect within PT3S").hasNoSuppressedExceptions();
        assertThat(HttpClients.noAnswer(new HttpTimeoutException("x"), SETTINGS, m -> m))
                .hasMessage("timed out after PT7S");
    }

    @Test
    void noAnswer_showsOnlyWhatTheScrubKeeps() {
        IOException e = new ConnectException("refused for key s3cr3t");

        assertThat(HttpClients.noAnswer(e, SETTINGS, m -> m.replace("s3cr3t", "***")))
                .hasMessage("connection failed (ConnectException: refused for key ***)").hasCause(e);
        assertThat(HttpClients.noAnswer(e, SETTINGS, m -> null)).hasMessage("connection failed (ConnectException)");
        assertThat(HttpClients.noAnswer(new IOException(), SETTINGS, m -> "never asked"))
                .hasMessage("connection failed (IOException)");
    }
}
