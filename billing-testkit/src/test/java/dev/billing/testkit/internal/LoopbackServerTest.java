package dev.billing.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A delayed ACK would stall each small answer by ~40 ms: a simulator's server turns on the JDK server's
 * TCP_NODELAY switch unless the host set it. The switch, not a duration, is checked; the build sets it for every
 * test JVM, so each test clears or sets it itself and puts the build's value back.
 */
class LoopbackServerTest {
    private String hostValue;

    @BeforeEach
    void keepTheBuildsValue() {
        hostValue = System.getProperty(LoopbackServer.NODELAY);
    }

    @AfterEach
    void restoreTheBuildsValue() {
        if (hostValue == null) {
            System.clearProperty(LoopbackServer.NODELAY);
        } else {
            System.setProperty(LoopbackServer.NODELAY, hostValue);
        }
    }

    @Test
    void create_switchesNoDelayOn_whenTheHostDidNotSetIt() throws IOException {
        System.clearProperty(LoopbackServer.NODELAY);

        createAndStop();

        assertThat(System.getProperty(LoopbackServer.NODELAY)).isEqualTo("true");
    }

    @Test
    void create_keepsTheHostsSetting() throws IOException {
        System.setProperty(LoopbackServer.NODELAY, "TRUE");

        createAndStop();

        assertThat(System.getProperty(LoopbackServer.NODELAY)).isEqualTo("TRUE");
    }

    @Test
    void create_bindsTheLoopbackAddress() throws IOException {
        HttpServer server = LoopbackServer.create(0, 1);
        try {
            assertThat(server.getAddress().getAddress().isLoopbackAddress()).isTrue();
        } finally {
            server.stop(0);
        }
    }

    private static void createAndStop() throws IOException {
        LoopbackServer.create(0, 1).stop(0);
    }
}
