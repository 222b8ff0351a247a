package dev.billing.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.gcp.internal.GcpBillingExportProviderFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcpConfigurationTest {

    @Test
    void installedProvider_isFoundByServiceLoader_withItsSchema() {
        try (Billing billing = Billing.create()) {
            BillingProvider p = billing.providers().find("gcp-billing-export").orElseThrow();
            assertThat(p.displayName()).isEqualTo("Google Cloud Billing export");
            assertThat(p.credentialSchema().fields()).extracting(f -> f.name() + (f.secret() ? "*" : "")
                    + (f.required() ? "" : "?")).containsExactly("serviceAccountKey*?", "table", "billingAccountId?", "projectId?");
        }
    }

    @Test
    void factory_readsTheThreeSettings_andDefaultsToBigQuery() {
        GcpBillingExportProvider p = (GcpBillingExportProvider) new GcpBillingExportProviderFactory().create(Map.of());
        assertThat(p.endpoint()).hasToString("https://bigquery.googleapis.com");

        GcpBillingExportProvider q = (GcpBillingExportProvider) new GcpBillingExportProviderFactory().create(Map.of(
                "endpoint", "http://127.0.0.1:9999/", "queryProject", "my-billing-project", "location", "EU"));
        assertThat(q.endpoint()).hasToString("http://127.0.0.1:9999");
        assertThat(q.queryProject()).hasValue("my-billing-project");
        assertThat(q.location()).hasValue("EU");
        assertThat(q.toString()).contains("my-billing-project");
    }

    @Test
    void factory_rejectsUnknownAndMalformedSettings() {
        GcpBillingExportProviderFactory f = new GcpBillingExportProviderFactory();
        assertThatThrownBy(() -> f.create(Map.of("region", "us"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("unknown provider setting 'region'").hasMessageContaining("queryProject");
        assertThatThrownBy(() -> f.create(Map.of("endpoint", "http://bigquery.example.com")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> f.create(Map.of("queryProject", "Bad Project!")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("queryProject");
        assertThatThrownBy(() -> f.create(Map.of("location", "us; drop")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("location");
    }
}
