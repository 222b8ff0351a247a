package dev.billing.azure.internal;

import dev.billing.core.spi.Cancellation;

/** How a fetch learns that its caller gave up; checked between requests, pages and retry waits. */
interface Cancel {
    /** Never cancelled. */
    Cancel NEVER = of(Cancellation.NONE, "");

    /** Throws the SDK's {@link dev.billing.core.FetchCancelledException} when cancelled. */
    void check();

    /** @param action run once on cancellation (at once if already cancelled) */
    void onCancel(Runnable action);

    /** @return the request's cancellation, for the retry loop */
    Cancellation cancellation();

    /**
     * @param cancellation the request's cancellation
     * @param serviceAccount the service account, for the message
     * @return the adapter
     */
    static Cancel of(Cancellation cancellation, String serviceAccount) {
        return new Cancel() {
            @Override
            public void check() {
                cancellation.throwIfCancelled(serviceAccount);
            }

            @Override
            public void onCancel(Runnable action) {
                cancellation.onCancel(action);
            }

            @Override
            public Cancellation cancellation() {
                return cancellation;
            }
        };
    }
}
