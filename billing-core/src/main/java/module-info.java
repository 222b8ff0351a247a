/**
 * The Billing SDK: the API host applications call ({@code dev.billing.core}) and the SPI providers and
 * stores implement ({@code dev.billing.core.spi}). The engine ({@code dev.billing.core.internal}) is not exported.
 */
module dev.billing.core {
    requires org.slf4j;

    exports dev.billing.core;
    exports dev.billing.core.spi;

    uses dev.billing.core.spi.BillingProviderFactory;
}
