package dev.billing.core.spi;

/**
 * What one fetch did, for diagnostics.
 *
 * @param records the records passed to the sink
 * @param requests the HTTP requests sent, retries included
 * @param pages the pages read
 * @param droppedRows rows the provider returned outside the requested period, dropped
 * @param nullCosts rows the provider returned with a null amount, counted as zero (and passed on)
 * @param bytesScanned the bytes the provider's queries scanned (and billed by volume), for example
 *     BigQuery's {@code totalBytesProcessed}; {@code 0} for providers that do not bill by volume
 */
public record FetchStats(long records, int requests, int pages, long droppedRows, long nullCosts, long bytesScanned) {

    /** Nothing fetched. */
    public static final FetchStats EMPTY = new FetchStats(0, 0, 0, 0, 0, 0);

    /**
     * Stats without null amounts or scanned bytes, as before {@code nullCosts} existed.
     *
     * @param records the records passed to the sink
     * @param requests the HTTP requests sent, retries included
     * @param pages the pages read
     * @param droppedRows rows the provider returned outside the requested period, dropped
     */
    public FetchStats(long records, int requests, int pages, long droppedRows) {
        this(records, requests, pages, droppedRows, 0, 0);
    }

    /**
     * Stats of a provider that scans no bytes ({@code bytesScanned} 0).
     *
     * @param records the records passed to the sink
     * @param requests the HTTP requests sent, retries included
     * @param pages the pages read
     * @param droppedRows rows the provider returned outside the requested period, dropped
     * @param nullCosts rows the provider returned with a null amount, counted as zero (and passed on)
     */
    public FetchStats(long records, int requests, int pages, long droppedRows, long nullCosts) {
        this(records, requests, pages, droppedRows, nullCosts, 0);
    }

    /**
     * @param other the stats of another fetch
     * @return the sum of both
     */
    public FetchStats plus(FetchStats other) {
        return new FetchStats(records + other.records, requests + other.requests, pages + other.pages,
                droppedRows + other.droppedRows, nullCosts + other.nullCosts, bytesScanned + other.bytesScanned);
    }
}
