/**
 * The Azure Cost Management provider; {@code dev.billing.azure.internal} (HTTP, JSON, tokens, the provider factory) is
 * not exported.
 */
module dev.billing.azure {
    requires transitive dev.billing.provider;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;

    exports dev.billing.azure;

    provides dev.billing.core.spi.BillingProviderFactory with dev.billing.azure.internal.AzureCostManagementProviderFactory;
}
