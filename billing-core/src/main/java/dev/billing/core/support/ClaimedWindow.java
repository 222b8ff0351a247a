package dev.billing.core.support;

import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.WindowLease;
import java.time.YearMonth;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the {@link WindowLease}s of the SDK's stores share: the window held, and giving the claim back once, on
 * the first {@link #close()} of a lease that {@link #markReleased() its replacement} did not already give back. A
 * store writes only how it replaces a window and how it releases a claim.
 */
public abstract class ClaimedWindow implements WindowLease {
    private final ServiceAccount account;
    private final YearMonth month;
    private final AtomicBoolean held = new AtomicBoolean(true);

    /**
     * @param account the window's service account
     * @param month the window's month (UTC)
     */
    protected ClaimedWindow(ServiceAccount account, YearMonth month) {
        this.account = Objects.requireNonNull(account, "account");
        this.month = Objects.requireNonNull(month, "month");
    }

    @Override
    public final ServiceAccount account() {
        return account;
    }

    @Override
    public final YearMonth month() {
        return month;
    }

    /** Gives the claim back; called at most once, by the first {@link #close()} while it is held. Never throws. */
    protected abstract void release();

    /** Records that the replacement gave the claim back itself, so that {@link #close()} has nothing to release. */
    protected final void markReleased() {
        held.set(false);
    }

    @Override
    public final void close() {
        if (held.compareAndSet(true, false)) {
            release();
        }
    }
}
