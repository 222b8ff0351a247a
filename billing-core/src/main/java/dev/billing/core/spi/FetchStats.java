package dev.billing.core.spi;

/**
 * What one fetch did, for diagnostics.
 *
 * @param records the records passed to the sink
 * @param requests the HTTP requests sent, retries included
 * @param pages the pages read
 * @param droppedRows rows the provider returned outside the requested period, dropped
 * @param nullCosts rows the provider returned with a null amount, counted as zero (and passed on)
 */
public record FetchStats(long records, int requests, int pages, long droppedRows, long nullCosts) {

    /** Nothing fetched. */
    public static final FetchStats EMPTY = new FetchStats(0, 0, 0, 0, 0);

    /**
     * Stats without null amounts, as before {@code nullCosts} existed.
     *
     * @param records the records passed to the sink
     * @param requests the HTTP requests sent, retries included
     * @param pages the pages read
     * @param droppedRows rows the provider returned outside the requested period, dropped
     */
    public FetchStats(long records, int requests, int pages, long droppedRows) {
        this(records, requests, pages, droppedRows, 0);
    }

    /**
     * @param other the stats of another fetch
     * @return the sum of both
     */
    public FetchStats plus(FetchStats other) {
        return new FetchStats(records + other.records, requests + other.requests,
                pages + other.pages, droppedRows + other.droppedRows, nullCosts + other.nullCosts);
    }
}
