package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.spi.BillingProvider;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * billing-core names the Maven artifact of a provider that is not installed from its data file
 * {@code known-providers.properties}; this module has every provider the project builds, so here the file
 * is checked against them: each provider listed, with the artifact its classes are built in.
 */
class ProviderArtifactsTest {

    @Test
    void everyProviderTheProjectBuilds_isListedWithItsArtifact() throws Exception {
        Properties known = new Properties();
        try (InputStream in = Billing.class.getResourceAsStream("known-providers.properties")) {
            assertThat(in).as("billing-core's known-providers.properties").isNotNull();
            known.load(in);
        }
        Map<String, String> listed = new TreeMap<>();
        known.stringPropertyNames().forEach(id -> listed.put(id, known.getProperty(id)));

        Map<String, String> built = new TreeMap<>();
        try (Billing billing = Billing.builder().build()) {
            for (BillingProvider p : billing.providers().list()) {
                built.put(p.id().value(), "dev.billing:" + artifactOf(p));
            }
        }

        assertThat(built).as("the providers this build discovers").hasSizeGreaterThanOrEqualTo(6);
        assertThat(listed).isEqualTo(built);
    }

    /** The module a provider's classes come from: {@code <artifactId>/target/classes}, or {@code <artifactId>-<version>.jar}. */
    private static String artifactOf(BillingProvider provider) throws URISyntaxException {
        Path where = Path.of(provider.getClass().getProtectionDomain().getCodeSource().getLocation().toURI());
        return where.endsWith(Path.of("target", "classes")) ? where.getParent().getParent().getFileName().toString()
                : where.getFileName().toString().replaceFirst("-\\d[^/]*\\.jar$", "");
    }
}
