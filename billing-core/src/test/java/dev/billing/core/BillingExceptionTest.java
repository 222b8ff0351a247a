package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** "No HTTP status" is said by leaving the status out, never by a number. */
class BillingExceptionTest {

    @Test
    void withoutStatus_hasNone() {
        assertThat(new BillingException("m").statusCode()).isEmpty();
        assertThat(new BillingException("m", "web", true, null).statusCode()).isEmpty();
        assertThat(new ProviderUnavailableException("m", "web", null).statusCode()).isEmpty();
        assertThat(new ProviderProtocolException("m", "web", null).statusCode()).isEmpty();
        assertThat(new InvalidRequestException("m", "web", null).statusCode()).isEmpty();
        assertThat(new CredentialsRejectedException("m", "web").statusCode()).isEmpty();
    }

    @Test
    void withStatus_keepsIt() {
        assertThat(new ProviderUnavailableException("m", "web", 503, null).statusCode()).hasValue(503);
        assertThat(new CredentialsRejectedException("m", "web", 401).statusCode()).hasValue(401);
        assertThat(new BillingException("m", "web", 100, false, null).statusCode()).hasValue(100);
        assertThat(new BillingException("m", "web", 599, false, null).statusCode()).hasValue(599);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 99, 600})
    void aNumberThatIsNoHttpStatus_isRefused(int status) {
        assertThatThrownBy(() -> new BillingException("m", "web", status, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + status);
        assertThatThrownBy(() -> new ProviderProtocolException("m", "web", status, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
