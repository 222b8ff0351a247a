/** FOCUS 1.2 export ({@code FocusWriter}) and the {@code focus-files} provider; internals are not exported. */
module dev.billing.focus {
    requires transitive dev.billing.core;
    requires org.slf4j;

    exports dev.billing.focus;

    provides dev.billing.core.spi.BillingProviderFactory with dev.billing.focus.internal.FocusFilesProviderFactory;
}
