package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderDiscoveryTest {

    @Test
    void create_enablesEveryInstalledProviderAutomatically() {
        try (Billing billing = Billing.create()) {
            assertThat(billing.providers().ids()).containsExactly(TestProviderFactory.ID);
            assertThat(billing.providers().get(TestProviderFactory.ID).displayName()).isEqualTo("Test Cloud");
        }
    }

    @Test
    void providerSettings_reachTheFactory() {
        try (Billing billing = Billing.builder()
                .providerSettings(TestProviderFactory.ID, Map.of("endpoint", "http://127.0.0.1:1")).build()) {
            TestProvider p = (TestProvider) billing.providers().get(TestProviderFactory.ID);
            assertThat(p.settings()).containsEntry("endpoint", "http://127.0.0.1:1");
        }
    }

    @Test
    void disableProvider_leavesAnInstalledProviderOut() {
        try (Billing billing = Billing.builder().disableProvider(TestProviderFactory.ID).build()) {
            assertThat(billing.providers().ids()).isEmpty();
            assertThatThrownBy(() -> billing.providers().get(TestProviderFactory.ID))
                    .isInstanceOf(ProviderNotEnabledException.class)
                    .hasMessageContaining("(enabled: none)")
                    .hasMessageContaining("disabled by Billing.builder().disableProvider(\"" + TestProviderFactory.ID
                            + "\")")
                    .hasMessageNotContaining("artifact");
        }
    }

    @Test
    void discoverProvidersFalse_enablesOnlyTheAddedOnes() {
        TestProvider added = new TestProvider();
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(added).build()) {
            assertThat(billing.providers().ids()).containsExactly(TestProvider.ID);
            assertThat(billing.providers().get(TestProvider.ID)).isSameAs(added);
            assertThat(billing.providers().find("discovered-cloud")).isEmpty();
        }
    }

    @Test
    void addProvider_sitsBesideTheInstalledOnesSortedById() {
        TestProvider added = new TestProvider("another-cloud", Map.of());
        try (Billing billing = Billing.builder().addProvider(added).build()) {
            assertThat(billing.providers().ids()).containsExactly("another-cloud", TestProviderFactory.ID);
            assertThat(billing.providers().list()).extracting(p -> p.id().value())
                    .containsExactly("another-cloud", TestProviderFactory.ID);
        }
    }

    @Test
    void addProvider_withAnInstalledId_failsSayingHowToReplaceIt() {
        TestProvider clash = new TestProvider(TestProviderFactory.ID, Map.of());

        assertThatThrownBy(() -> Billing.builder().addProvider(clash).build())
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessage("provider 'discovered-cloud' is added explicitly but is also installed on the classpath;"
                        + " call disableProvider(\"discovered-cloud\") first to replace the installed one");
    }

    @Test
    void addProvider_afterDisablingTheInstalledOne_replacesIt() {
        TestProvider replacement = new TestProvider(TestProviderFactory.ID, Map.of("mine", "yes"));
        try (Billing billing = Billing.builder().disableProvider(TestProviderFactory.ID).addProvider(replacement)
                .build()) {
            assertThat(billing.providers().get(TestProviderFactory.ID)).isSameAs(replacement);
        }
    }

    @Test
    void addProvider_twoWithOneId_failsLoudly() {
        assertThatThrownBy(() -> Billing.builder().discoverProviders(false)
                .addProvider(new TestProvider()).addProvider(new TestProvider()).build())
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessage("provider 'test-cloud' is added twice; add one provider per id");
    }

    @Test
    void discovery_twoInstalledProvidersWithOneId_failsNamingBothAndHowToChoose(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/dev.billing.core.spi.BillingProviderFactory");
        Files.createDirectories(services.getParent());
        Files.writeString(services, DuplicateTestProviderFactory.class.getName() + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> Billing.builder().classLoader(loader).build())
                    .isInstanceOf(ProviderConfigurationException.class)
                    .hasMessageContaining("two installed providers have the id 'discovered-cloud'")
                    .hasMessageContaining(TestProviderFactory.class.getName())
                    .hasMessageContaining(DuplicateTestProviderFactory.class.getName())
                    .hasMessageContaining("remove one jar from the classpath")
                    .hasMessageContaining("Billing.builder().discoverProviders(false).addProvider(...)");

            // choosing one as the message says works
            try (Billing chosen = Billing.builder().classLoader(loader).discoverProviders(false)
                    .addProvider(new DuplicateTestProviderFactory().create(Map.of())).build()) {
                assertThat(chosen.providers().ids()).containsExactly(TestProviderFactory.ID);
            }
        }
    }

    @Test
    void discovery_factoryCreatingAProviderWithAnotherId_failsNamingBothIds(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/dev.billing.core.spi.BillingProviderFactory");
        Files.createDirectories(services.getParent());
        Files.writeString(services, MislabelledFactory.class.getName() + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> Billing.builder().classLoader(loader).build())
                    .isInstanceOf(ProviderConfigurationException.class)
                    .hasMessageContaining("factory " + MislabelledFactory.class.getName())
                    .hasMessageContaining("'labelled-cloud'")
                    .hasMessageContaining("'" + TestProvider.ID + "'");
        }
    }

    @Test
    void discovery_anInstalledFactoryThatCannotBeLoaded_failsAsAConfigurationErrorNamingIt(@TempDir Path dir)
            throws Exception {
        Path services = dir.resolve("META-INF/services/dev.billing.core.spi.BillingProviderFactory");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.example.MissingFactory\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> Billing.builder().classLoader(loader).build())
                    .isInstanceOf(ProviderConfigurationException.class)
                    .hasMessageStartingWith("an installed provider could not be loaded: ")
                    .hasMessageContaining("com.example.MissingFactory")
                    .hasMessageEndingWith("; fix or remove the jar that installs it, or build with"
                            + " Billing.builder().discoverProviders(false)");
            try (Billing b = Billing.builder().classLoader(loader).discoverProviders(false).build()) {
                assertThat(b.providers().ids()).isEmpty();
            }
        }
    }

    @Test
    void providerNotEnabled_forHyperBilling_namesTheEnabledOnesAndItsArtifact() {
        try (Billing billing = Billing.create()) {
            ProviderNotEnabledException e = (ProviderNotEnabledException) org.assertj.core.api.Assertions
                    .catchThrowable(() -> billing.providers().get("hyperbilling-aws"));

            assertThat(e).hasMessage("provider 'hyperbilling-aws' is not enabled (enabled: discovered-cloud);"
                    + " add the Maven artifact dev.billing:billing-hyperbilling to the classpath to enable it");
            assertThat(e.enabled()).isEqualTo(List.of("discovered-cloud"));
            assertThat(e).isInstanceOf(BillingException.class);
        }
    }

    @Test
    void providerNotEnabled_nullId_stillExplains() {
        try (Billing billing = Billing.create()) {
            assertThatThrownBy(() -> billing.providers().get((String) null))
                    .isInstanceOf(ProviderNotEnabledException.class)
                    .hasMessageStartingWith("provider 'null' is not enabled (enabled: discovered-cloud)");
        }
    }

    /** A factory whose provider does not carry the factory's id. */
    public static final class MislabelledFactory implements dev.billing.core.spi.BillingProviderFactory {
        @Override
        public String id() {
            return "labelled-cloud";
        }

        @Override
        public dev.billing.core.spi.BillingProvider create(Map<String, String> settings) {
            return new TestProvider();
        }
    }
}
