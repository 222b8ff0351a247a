package dev.billing.gcp.internal;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.gcp.GcpBillingExportProvider;
import dev.billing.provider.support.SettingValues;
import dev.billing.provider.support.SettingsProviderFactory;
import java.util.List;

/**
 * Creates the {@code gcp-billing-export} provider from provider settings; registered for
 * {@link java.util.ServiceLoader} (module-info {@code provides} and {@code META-INF/services}), so the jar on the
 * class path or the module path enables the provider. Not exported: hosts build the provider with
 * {@link GcpBillingExportProvider#builder()}.
 *
 * <p>Settings: {@code endpoint} (the BigQuery API URL, default {@code https://bigquery.googleapis.com}),
 * {@code queryProject} (the project that runs the query; default the key's {@code project_id}),
 * {@code location} (the export dataset's location, for example {@code US}), {@code projectLabels} and
 * {@code creditTypes} ({@code true} or {@code false}, default {@code false}: the opt-in result columns).
 */
public final class GcpBillingExportProviderFactory extends SettingsProviderFactory {
    private static final List<ProviderSetting> SETTINGS = List.of(
            ProviderSetting.optional("endpoint", "the BigQuery API's base URL, https:// (http:// only for a loopback host)",
                    GcpBillingExportProvider.DEFAULT_ENDPOINT),
            ProviderSetting.optional("queryProject", "the GCP project that runs (and pays for) the query; absent: the"
                    + " key's project_id", null).matching("\\s*(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]\\s*",
                    "be a GCP project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter"),
            ProviderSetting.optional("location", "the location of the export's BigQuery dataset, for example US, EU or"
                    + " asia-northeast1; absent: BigQuery finds it", null).matching("\\s*[A-Za-z][A-Za-z0-9-]{0,62}\\s*",
                    "be a BigQuery location such as US, EU or asia-northeast1"),
            flag("projectLabels", "true: the labels of each row's GCP project are tags too, under the key"
                    + " project:<label key> (the query returns the column project_labels)"),
            flag("creditTypes", "true: each credit type of a row is its own CREDIT record, its usage type"
                    + " credit:<credits.type> (the query returns the column credits_by_type); the totals are the same"));

    private static ProviderSetting flag(String name, String description) {
        return ProviderSetting.optional(name, description, "false").matching("\\s*(?i:true|false)\\s*", "be true or false");
    }

    /** Used by {@link java.util.ServiceLoader}. */
    public GcpBillingExportProviderFactory() {
        super(GcpBillingExportProvider.ID, SETTINGS);
    }

    @Override
    protected BillingProvider create(SettingValues values) {
        GcpBillingExportProvider.Builder b = GcpBillingExportProvider.builder();
        values.endpoint("endpoint", GcpBillingExportProvider.DEFAULT_ENDPOINT).ifPresent(b::endpoint);
        values.text("queryProject").ifPresent(b::queryProject);
        values.text("location").ifPresent(b::location);
        values.get("projectLabels", Boolean::parseBoolean).ifPresent(b::projectLabels);
        values.get("creditTypes", Boolean::parseBoolean).ifPresent(b::creditTypes);
        return b.build();
    }
}
