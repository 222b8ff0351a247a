/**
 * The Google Cloud Billing export provider ({@code gcp-billing-export});
 * {@code dev.billing.gcp.internal} (auth, BigQuery REST, the query, the provider factory) is not exported.
 */
module dev.billing.gcp {
    requires transitive dev.billing.provider;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;

    exports dev.billing.gcp;

    provides dev.billing.core.spi.BillingProviderFactory with dev.billing.gcp.internal.GcpBillingExportProviderFactory;
}
