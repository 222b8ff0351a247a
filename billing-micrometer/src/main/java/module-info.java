/**
 * Micrometer meters for the Billing SDK: a {@link io.micrometer.core.instrument.binder.MeterBinder} that is also
 * the {@link dev.billing.core.FetchListener} of a {@link dev.billing.core.Billing}.
 */
module dev.billing.micrometer {
    requires transitive dev.billing.core;
    // MeterBinder is in the API; micrometer-core is an automatic module with a stable name
    requires transitive micrometer.core;

    exports dev.billing.micrometer;
}
