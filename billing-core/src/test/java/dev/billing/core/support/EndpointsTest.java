package dev.billing.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.ProviderConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsTest {
    private static final String EXAMPLE = "https://api.example.com";

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.255.10.3", "[::1]", "::1"})
    void isLoopbackHost_loopbackHosts(String host) {
        assertThat(Endpoints.isLoopbackHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.999.0.1", "127.0.0", "127.0.0.1.5", "128.0.0.1", "localhost.example.com",
        "example.com", "10.0.0.1", "127.0.0.x", ""})
    void isLoopbackHost_everyOtherHost_isNot(String host) {
        assertThat(Endpoints.isLoopbackHost(host)).isFalse();
    }

    @Test
    void isLoopbackHost_null_isNot() {
        assertThat(Endpoints.isLoopbackHost(null)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8080, http://127.0.0.1:8080",
        "http://localhost:1/, http://localhost:1",
        "http://[::1]:9000/api/, http://[::1]:9000/api",
        "HTTP://127.10.20.30, HTTP://127.10.20.30",
        "https://billing.example.com/, https://billing.example.com",
        "https://10.0.0.1:8443/base, https://10.0.0.1:8443/base",
        "'  https://billing.example.com  ', https://billing.example.com"
    })
    void parse_httpsAnywhereAndHttpOnLoopback_returnsTheUrlWithoutATrailingSlash(String value, String expected) {
        assertThat(Endpoints.parse("some-provider", "endpoint", value, EXAMPLE)).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://127.999.0.1:8080|has no valid host name or address in '127.999.0.1:8080'; use for example"
                + " https://api.example.com, got 'http://127.999.0.1:8080'",
        "http://127.0.0.256|has no valid host name or address in '127.0.0.256'",
        "http://127.0.0.1.example.com|must use https:// (http:// is allowed only for loopback hosts: localhost,"
                + " 127.0.0.0/8, [::1]), got 'http://127.0.0.1.example.com'",
        "http://billing.example.com|must use https:// (http:// is allowed only for loopback hosts",
        "https://billing.example.com/x?a=b|must not have user info, a query or a fragment, got"
                + " 'https://billing.example.com/x?a=b'",
        "https://billing.example.com/#top|must not have user info, a query or a fragment",
        "https://user:pw@billing.example.com|must not have user info, a query or a fragment",
        "http://user@127.0.0.1|must not have user info, a query or a fragment",
        "billing.example.com|must be an absolute https:// URL, for example https://api.example.com,"
                + " got 'billing.example.com'",
        "ftp://billing.example.com|must be an absolute https:// URL, for example https://api.example.com",
        "https:///path|has no host; use for example https://api.example.com",
        "https://exa mple.com|is not a URL (Illegal character in authority), got 'https://exa mple.com'"
    })
    void parse_aBadValue_namesTheSettingTheProviderAndWhatToFix(String value, String problem) {
        assertThatThrownBy(() -> Endpoints.parse("some-provider", "endpoint", value, EXAMPLE))
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessageStartingWith("provider setting 'endpoint' of some-provider " + problem);
    }

    @Test
    void check_withoutAnExample_saysWhatIsWrongAlone() {
        assertThatThrownBy(() -> Endpoints.check("p", "authority", URI.create("login.example.com"), null))
                .isExactlyInstanceOf(ProviderConfigurationException.class)
                .hasMessage("provider setting 'authority' of p must be an absolute https:// URL,"
                        + " got 'login.example.com'");
    }

    @Test
    void problem_isEmptyForAnAcceptableUrlAndSaysWhatIsWrongOtherwise() {
        assertThat(Endpoints.problem(URI.create("https://oauth2.example.com/token"))).isEmpty();
        assertThat(Endpoints.problem(URI.create("http://127.0.0.1:1/token"))).isEmpty();
        assertThat(Endpoints.problem(URI.create("http://oauth2.example.com/token")))
                .hasValueSatisfying(p -> assertThat(p).startsWith("must use https://"));
        assertThat(Endpoints.problem(URI.create("http://127.999.0.1/token")))
                .hasValue("has no valid host name or address in '127.999.0.1'");
        assertThat(Endpoints.problem(URI.create("https://oauth2.example.com/token?x=1")))
                .hasValue("must not have user info, a query or a fragment");
    }
}
