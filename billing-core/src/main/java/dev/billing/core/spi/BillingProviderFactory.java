package dev.billing.core.spi;

import java.util.Map;

/**
 * Creates a provider. Provider modules register an implementation in
 * {@code META-INF/services/dev.billing.core.spi.BillingProviderFactory}, so that putting the jar
 * on the classpath enables the provider.
 */
public interface BillingProviderFactory {

    /** @return the id of the provider this factory creates, for example {@code hyperbilling-aws} */
    String id();

    /**
     * @param settings provider settings from the host, for example {@code endpoint}; empty when
     *     the host gave none
     * @return the provider
     * @throws dev.billing.core.ProviderConfigurationException when a setting is malformed
     */
    BillingProvider create(Map<String, String> settings);
}
