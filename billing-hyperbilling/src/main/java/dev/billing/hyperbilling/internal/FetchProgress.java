package dev.billing.hyperbilling.internal;

import dev.billing.core.spi.FetchStats;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The counts of one fetch, for {@link FetchStats}; updated by one thread at a time (atomics for visibility). */
final class FetchProgress {
    /** Every attempt sent, retries included; the client counts them. */
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger pages = new AtomicInteger();
    final AtomicLong records = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong nullCosts = new AtomicLong();

    FetchStats stats() {
        return FetchStats.builder().records(records.get()).requests(requests.get()).pages(pages.get())
                .droppedRows(dropped.get()).nullCosts(nullCosts.get()).build();
    }
}
