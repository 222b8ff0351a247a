package dev.billing.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.255.10.3", "[::1]", "::1"})
    void isHost_loopbackHosts(String host) {
        assertThat(Loopback.isHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.999.0.1", "127.0.0", "127.0.0.1.5", "128.0.0.1", "localhost.example.com",
            "example.com", "10.0.0.1", "127.0.0.x", ""})
    void isHost_everyOtherHost_isNot(String host) {
        assertThat(Loopback.isHost(host)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void isHost_null_isNot() {
        assertThat(Loopback.isHost(null)).isFalse();
    }
}
