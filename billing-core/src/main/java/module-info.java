/**
 * The Billing SDK: the API host applications call ({@code dev.billing.core}) and the SPI providers and
 * stores implement ({@code dev.billing.core.spi}). The engine ({@code dev.billing.core.internal}) is not exported;
 * {@code dev.billing.core.support} (argument and endpoint checks, the stores' lease) is exported only to the SDK's own modules.
 */
module dev.billing.core {
    requires org.slf4j;

    exports dev.billing.core;
    exports dev.billing.core.spi;
    exports dev.billing.core.support to dev.billing.provider, dev.billing.hyperbilling, dev.billing.azure, dev.billing.gcp,
            dev.billing.aws, dev.billing.jdbc, dev.billing.dashboard, dev.billing.focus, dev.billing.config, dev.billing.testkit;

    uses dev.billing.core.spi.BillingProviderFactory;
}
