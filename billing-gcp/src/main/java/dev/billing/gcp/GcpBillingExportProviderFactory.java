package dev.billing.gcp;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.gcp.internal.Endpoints;
import java.util.List;
import java.util.Map;

/**
 * Creates the {@code gcp-billing-export} provider from provider settings; registered for
 * {@link java.util.ServiceLoader}, so the jar on the classpath enables the provider.
 *
 * <p>Settings: {@code endpoint} (the BigQuery API URL, default {@code https://bigquery.googleapis.com}),
 * {@code queryProject} (the project that runs the query; default the key's {@code project_id}),
 * {@code location} (the export dataset's location, for example {@code US}).
 */
public final class GcpBillingExportProviderFactory implements BillingProviderFactory {
    /** The settings this factory reads. */
    public static final List<String> SETTINGS = List.of("endpoint", "queryProject", "location");

    /** Used by {@link java.util.ServiceLoader}. */
    public GcpBillingExportProviderFactory() {
    }

    @Override
    public String id() {
        return GcpBillingExportProvider.ID;
    }

    /**
     * @throws ProviderConfigurationException naming the setting and what to fix when one is unknown or malformed
     */
    @Override
    public BillingProvider create(Map<String, String> settings) {
        GcpBillingExportProvider.Builder b = GcpBillingExportProvider.builder();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String value = e.getValue().trim();
            try {
                switch (e.getKey()) {
                    case "endpoint" -> b.endpoint(Endpoints.parse(value, "provider setting 'endpoint' of "
                            + GcpBillingExportProvider.ID));
                    case "queryProject" -> b.queryProject(value);
                    case "location" -> b.location(value);
                    default -> throw new ProviderConfigurationException("unknown provider setting '" + e.getKey()
                            + "' for " + GcpBillingExportProvider.ID + "; known settings: " + String.join(", ", SETTINGS));
                }
            } catch (IllegalArgumentException ex) {
                throw new ProviderConfigurationException("provider setting '" + e.getKey() + "' of "
                        + GcpBillingExportProvider.ID + ": " + ex.getMessage());
            }
        }
        return b.build();
    }
}
