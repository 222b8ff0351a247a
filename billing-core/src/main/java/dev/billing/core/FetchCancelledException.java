package dev.billing.core;

/**
 * A fetch stopped because the SDK cancelled it: its {@code fetchTimeout} passed, or the
 * {@link Billing} was closed. Providers throw it when they observe {@link dev.billing.core.spi.Cancellation}.
 */
public class FetchCancelledException extends BillingException {
    private static final long serialVersionUID = 1L;

    /**
     * @param reason why it was cancelled, naming the service account
     * @param serviceAccount the service account's name
     */
    public FetchCancelledException(String reason, String serviceAccount) {
        super(reason, serviceAccount, true, null);
    }
}
