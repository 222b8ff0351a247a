package dev.billing.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsProviderFactoryTest {

    /** Keeps the values it was given instead of building a provider. */
    private static final class RecordingFactory extends SettingsProviderFactory {
        SettingValues given;

        RecordingFactory() {
            super("example-provider", List.of(SettingValues.TIMEOUT));
        }

        @Override
        protected BillingProvider create(SettingValues values) {
            given = values;
            return null;
        }
    }

    @Test
    void namesItsIdAndSettings() {
        RecordingFactory factory = new RecordingFactory();

        assertThat(factory.id()).isEqualTo("example-provider");
        assertThat(factory.settings()).containsExactly(SettingValues.TIMEOUT);
    }

    @Test
    void create_readsTheSettingsAgainstTheDeclarations() {
        RecordingFactory factory = new RecordingFactory();

        factory.create(Map.of("timeout", " PT45S "));

        assertThat(factory.given.get("timeout", Duration::parse)).contains(Duration.ofSeconds(45));
    }

    @Test
    void create_undeclaredOrMalformedSetting_isRefusedBeforeTheProviderIsBuilt() {
        RecordingFactory factory = new RecordingFactory();

        assertThatThrownBy(() -> factory.create(Map.of("timeot", "PT45S")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("timeot");
        assertThatThrownBy(() -> factory.create(Map.of("timeout", "-PT1S")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("timeout");
        assertThat(factory.given).isNull();
    }
}
