package dev.billing.core.spi;

import dev.billing.core.ServiceAccount;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;

/**
 * A claim on one window, taken by {@link CostStore#claimWindow} before the window is fetched, so that two
 * instances never fetch and replace the same window at once. Holding a lease holds no database
 * transaction and no connection: the fetch runs with nothing locked, and {@link #replace} then
 * writes the window in one short transaction.
 *
 * <p>A lease not used is given back by {@link #close()}; a lease whose holder died expires by
 * itself (the store says after how long).
 */
public interface WindowLease extends AutoCloseable {

    /** @return the window's service account */
    ServiceAccount account();

    /** @return the window's month (UTC) */
    YearMonth month();

    /**
     * Replaces the window with what {@code source} writes, in one transaction, and gives the lease back.
     * The store reads {@code source} before it opens the transaction.
     *
     * @param syncedAt when the data was read
     * @param source writes the window's new line items, every one dated inside the month
     * @return what was replaced, or empty (changing nothing) when the lease expired and another
     *     instance claimed the window meanwhile
     * @throws dev.billing.core.BillingException when the source or the store fails; the window then keeps
     *     its old data
     */
    Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source);

    /**
     * Where the window's new line items can go while they are fetched, for a store that keeps them apart
     * until {@link #replace} (the in-memory store appends them to a new segment), so that the caller need not
     * hold them: {@link #replace} then takes what was appended, followed by what its source writes, and
     * {@link #close()} without {@link #replace} drops it. The default has none: the caller holds the line items
     * and hands them to {@link #replace}.
     *
     * @return a sink for the window's new line items, used from one thread at a time, or empty
     */
    default Optional<CostSink> appender() {
        return Optional.empty();
    }

    /** Gives the lease back when it was not used; does nothing after {@link #replace}. Never throws. */
    @Override
    void close();
}
