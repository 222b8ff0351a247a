/** The HyperBilling providers; {@code dev.billing.hyperbilling.internal} (HTTP, JSON, retries) is not exported. */
module dev.billing.hyperbilling {
    requires transitive dev.billing.provider;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;

    exports dev.billing.hyperbilling;

    provides dev.billing.core.spi.BillingProviderFactory with dev.billing.hyperbilling.internal.HyperBillingProviderFactory,
            dev.billing.hyperbilling.internal.HyperBillingMzcProviderFactory;
}
