package dev.billing.testkit;

import dev.billing.core.Credentials;
import dev.billing.core.spi.BillingProvider;

/**
 * A provider under {@link ProviderContract}, reading from its own simulator that serves a
 * {@link ContractData}. Closing it stops the simulator and closes the provider.
 */
public interface ContractTarget extends AutoCloseable {

    /** @return the provider, reading from the simulator */
    BillingProvider provider();

    /**
     * @param account an account of the data
     * @return credentials, in the provider's schema, that the simulator accepts and that read exactly that
     *     account's rows
     */
    Credentials credentials(String account);

    /**
     * @param account an account of the data
     * @return the same credentials with a wrong secret, which the simulator refuses
     */
    Credentials rejectedCredentials(String account);

    /**
     * @param account an account of the data
     * @param fault what the simulator does to that account's next cost requests; the kit asks for
     *     {@link Fault#throttle(int)}, {@link Fault#serverError(int, int) Fault.serverError(times, 503)} and
     *     {@link Fault#hang()}
     */
    void fault(String account, Fault fault);

    /**
     * @param account an account of the data
     * @return the cost requests naming it that the simulator has received so far, held ones included (a
     *     simulator that does not count per account may count every cost request)
     */
    int costRequests(String account);

    /** Stops the simulator and closes the provider. */
    @Override
    void close();
}
