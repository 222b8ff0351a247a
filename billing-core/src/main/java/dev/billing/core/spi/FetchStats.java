package dev.billing.core.spi;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What one fetch did, for diagnostics; built with {@link #builder()}, so a new counter is a new builder method
 * and accessor, never a new constructor. Every counter is zero unless set.
 *
 * <pre>{@code
 * FetchStats stats = FetchStats.builder().records(120).requests(3).pages(3)
 *         .billedRequests(3).requestCharges(new BigDecimal("0.03")).build();
 * }</pre>
 */
public final class FetchStats {

    /** Nothing fetched. */
    public static final FetchStats EMPTY = builder().build();

    private final long records;
    private final int requests;
    private final int pages;
    private final long droppedRows;
    private final long nullCosts;
    private final long bytesScanned;
    private final long billedRequests;
    private final BigDecimal requestCharges;

    private FetchStats(Builder b) {
        this.records = b.records;
        this.requests = b.requests;
        this.pages = b.pages;
        this.droppedRows = b.droppedRows;
        this.nullCosts = b.nullCosts;
        this.bytesScanned = b.bytesScanned;
        this.billedRequests = b.billedRequests;
        this.requestCharges = b.requestCharges;
    }

    /** @return a builder with every counter zero */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these counters */
    public Builder toBuilder() {
        return builder().records(records).requests(requests).pages(pages).droppedRows(droppedRows).nullCosts(nullCosts)
                .bytesScanned(bytesScanned).billedRequests(billedRequests).requestCharges(requestCharges);
    }

    /** @return the records passed to the sink */
    public long records() {
        return records;
    }

    /** @return the HTTP requests sent, retries included */
    public int requests() {
        return requests;
    }

    /** @return the pages read */
    public int pages() {
        return pages;
    }

    /** @return rows the provider returned outside the requested period, dropped */
    public long droppedRows() {
        return droppedRows;
    }

    /** @return rows the provider returned with a null amount, counted as zero (and passed on) */
    public long nullCosts() {
        return nullCosts;
    }

    /**
     * @return the bytes the provider's queries scanned (and billed by volume), for example BigQuery's
     *     {@code totalBytesProcessed}; {@code 0} for providers that do not bill by volume
     */
    public long bytesScanned() {
        return bytesScanned;
    }

    /**
     * @return the requests the vendor bills per request (AWS Cost Explorer: every {@code GetCostAndUsage} attempt
     *     it answers); {@code 0} for vendors whose API is free
     */
    public long billedRequests() {
        return billedRequests;
    }

    /**
     * @return what the vendor charges for this fetch's API use, in US dollars at its published price, exact (AWS Cost
     *     Explorer: USD 0.01 per billed request); zero for free APIs and for charges the provider cannot price
     */
    public BigDecimal requestCharges() {
        return requestCharges;
    }

    /**
     * @param other the stats of another fetch
     * @return the sum of both, counter by counter
     */
    public FetchStats plus(FetchStats other) {
        return builder().records(records + other.records).requests(requests + other.requests).pages(pages + other.pages)
                .droppedRows(droppedRows + other.droppedRows).nullCosts(nullCosts + other.nullCosts)
                .bytesScanned(bytesScanned + other.bytesScanned).billedRequests(billedRequests + other.billedRequests)
                .requestCharges(requestCharges.add(other.requestCharges)).build();
    }

    /** Equal when every counter is; {@code requestCharges} compared by value ({@code 0.10} equals {@code 0.1}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof FetchStats s && records == s.records && requests == s.requests && pages == s.pages
                && droppedRows == s.droppedRows && nullCosts == s.nullCosts && bytesScanned == s.bytesScanned
                && billedRequests == s.billedRequests && requestCharges.compareTo(s.requestCharges) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(records, requests, pages, droppedRows, nullCosts, bytesScanned, billedRequests,
                requestCharges.stripTrailingZeros());
    }

    @Override
    public String toString() {
        return "FetchStats[records=" + records + ", requests=" + requests + ", pages=" + pages + ", droppedRows=" + droppedRows
                + ", nullCosts=" + nullCosts + ", bytesScanned=" + bytesScanned + ", billedRequests=" + billedRequests
                + ", requestCharges=" + requestCharges.toPlainString() + "]";
    }

    /** Builds {@link FetchStats}; every counter starts at zero and must not be negative. */
    public static final class Builder {
        private long records;
        private int requests;
        private int pages;
        private long droppedRows;
        private long nullCosts;
        private long bytesScanned;
        private long billedRequests;
        private BigDecimal requestCharges = BigDecimal.ZERO;

        private Builder() {
        }

        /**
         * @param records the records passed to the sink
         * @return this builder
         */
        public Builder records(long records) {
            this.records = count(records, "records");
            return this;
        }

        /**
         * @param requests the HTTP requests sent, retries included
         * @return this builder
         */
        public Builder requests(int requests) {
            this.requests = (int) count(requests, "requests");
            return this;
        }

        /**
         * @param pages the pages read
         * @return this builder
         */
        public Builder pages(int pages) {
            this.pages = (int) count(pages, "pages");
            return this;
        }

        /**
         * @param droppedRows rows returned outside the requested period, dropped
         * @return this builder
         */
        public Builder droppedRows(long droppedRows) {
            this.droppedRows = count(droppedRows, "droppedRows");
            return this;
        }

        /**
         * @param nullCosts rows returned with a null amount, counted as zero
         * @return this builder
         */
        public Builder nullCosts(long nullCosts) {
            this.nullCosts = count(nullCosts, "nullCosts");
            return this;
        }

        /**
         * @param bytesScanned the bytes the provider's queries scanned (and billed by volume)
         * @return this builder
         */
        public Builder bytesScanned(long bytesScanned) {
            this.bytesScanned = count(bytesScanned, "bytesScanned");
            return this;
        }

        /**
         * @param billedRequests the requests the vendor bills per request
         * @return this builder
         */
        public Builder billedRequests(long billedRequests) {
            this.billedRequests = count(billedRequests, "billedRequests");
            return this;
        }

        /**
         * @param usd what the vendor charges for the fetch's API use, in US dollars, exact
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder requestCharges(BigDecimal usd) {
            Objects.requireNonNull(usd, "requestCharges");
            if (usd.signum() < 0) {
                throw new IllegalArgumentException("requestCharges must not be negative, got " + usd.toPlainString());
            }
            this.requestCharges = usd;
            return this;
        }

        /** @return the stats */
        public FetchStats build() {
            return new FetchStats(this);
        }

        private static long count(long n, String name) {
            if (n < 0) {
                throw new IllegalArgumentException(name + " must not be negative, got " + n);
            }
            return n;
        }
    }
}
