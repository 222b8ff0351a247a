package dev.billing.hyperbilling.internal;

/** For the provider's tests outside this package: the service name hyperbilling-aws reports for a code. */
public final class ServiceNames {
    private ServiceNames() {
    }

    /**
     * @param code a HyperBilling service code
     * @return {@link Services#name(String)} of it
     */
    public static String of(String code) {
        return Services.name(code);
    }
}
