package dev.billing.core.spi;

import dev.billing.core.BillingException;
import dev.billing.core.CredentialSchema;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A source of cost data, for example HyperBilling. Implementations are thread-safe: the SDK calls
 * {@link #fetch} for many service accounts at once.
 *
 * <p>New methods are added to this interface only as {@code default} methods.
 *
 * <p>Long fetches observe {@link FetchRequest#cancellation()}: a cancelled fetch stops paging,
 * cancels its exchange in flight and ends with a {@link dev.billing.core.FetchCancelledException}.
 */
public interface BillingProvider extends AutoCloseable {

    /** @return the provider's id, for example {@code hyperbilling-aws} */
    ProviderId id();

    /** @return the name people see, for example {@code Hyper Billing} */
    String displayName();

    /** @return the credential fields a service account of this provider needs */
    CredentialSchema credentialSchema();

    /** @return what the provider can do */
    Set<Capability> capabilities();

    /**
     * Checks with the provider that the account's credentials are accepted and can read the
     * account's costs.
     *
     * @param account the service account
     * @throws dev.billing.core.CredentialsRejectedException when the provider refuses them
     * @throws BillingException for any other failure, as for {@link #fetch}
     */
    void verify(ServiceAccount account);

    /**
     * Streams the cost records of one service account and period into {@code sink}, in no
     * particular order. Every record carries the request's service account and project. Records
     * outside the period are never passed on.
     *
     * <p>When this throws, records already passed to the sink are incomplete; the caller discards them.
     *
     * @param request which account, period and granularity
     * @param sink where the records go; called from the calling thread
     * @return what the fetch did
     * @throws BillingException one of the SDK's exception types, with the service account's name
     */
    FetchStats fetch(FetchRequest request, CostSink sink);

    /**
     * The asynchronous form of {@link #fetch}. The default runs {@link #fetch} on {@code executor};
     * providers with a non-blocking client override it.
     *
     * @param request which account, period and granularity
     * @param sink where the records go; called from one thread at a time
     * @param executor where blocking work may run
     * @return completes with the stats, or exceptionally with a {@link BillingException}
     */
    default CompletableFuture<FetchStats> fetchAsync(FetchRequest request, CostSink sink, Executor executor) {
        return CompletableFuture.supplyAsync(() -> fetch(request, sink), executor)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    /**
     * Releases what the provider holds (HTTP clients, threads). {@link dev.billing.core.Billing#close()}
     * calls it for the providers it created; the default does nothing.
     */
    @Override
    default void close() {
    }
}
