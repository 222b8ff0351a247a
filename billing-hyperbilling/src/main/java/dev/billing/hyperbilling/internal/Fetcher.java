package dev.billing.hyperbilling.internal;

import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** What each HyperBilling API does for its provider: verify, fetch, fetch without blocking. */
public interface Fetcher {
    /** @param account the service account to check */
    void verify(ServiceAccount account);

    /** @return what the fetch saw */
    FetchStats fetch(FetchRequest request, CostSink sink);

    /** @return completes with what the fetch saw */
    CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor);
}
