package dev.billing.core.spi;

import java.util.List;
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

    /**
     * The settings {@link #create} takes. The SDK rejects, before calling {@link #create}, a setting
     * that is not declared here or whose value breaks its rule. A factory that declares none (the
     * default) gets whatever the host gives and checks it itself.
     *
     * @return the settings, in the order people should read them
     */
    default List<ProviderSetting> settings() {
        return List.of();
    }
}
