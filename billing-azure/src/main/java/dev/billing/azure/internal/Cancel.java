package dev.billing.azure.internal;

/** How a fetch learns that its caller gave up; checked between requests, pages and retry waits. */
interface Cancel {
    /** Never cancelled. */
    Cancel NEVER = new Cancel() {
        @Override
        public void check() {
        }

        @Override
        public void onCancel(Runnable action) {
        }
    };

    /** Throws the SDK's cancellation exception when cancelled. */
    void check();

    /** @param action run once on cancellation (at once if already cancelled) */
    void onCancel(Runnable action);
}
