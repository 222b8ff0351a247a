package dev.billing.core.spi;

/**
 * What one fetch did, for diagnostics.
 *
 * @param records the records passed to the sink
 * @param requests the HTTP requests sent, retries included
 * @param pages the pages read
 * @param droppedRows rows the provider returned outside the requested period, dropped
 */
public record FetchStats(long records, int requests, int pages, long droppedRows) {

    /** Nothing fetched. */
    public static final FetchStats EMPTY = new FetchStats(0, 0, 0, 0);

    /**
     * @param other the stats of another fetch
     * @return the sum of both
     */
    public FetchStats plus(FetchStats other) {
        return new FetchStats(records + other.records, requests + other.requests,
                pages + other.pages, droppedRows + other.droppedRows);
    }
}
