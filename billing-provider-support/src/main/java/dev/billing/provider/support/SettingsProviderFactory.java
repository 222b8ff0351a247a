package dev.billing.provider.support;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.core.spi.ProviderSetting;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every provider module's {@link BillingProviderFactory} shares: its id, its {@link ProviderSetting}
 * declarations, and reading the settings given against them once ({@link SettingValues#read}). A factory names its
 * id and settings and builds the provider from the values that passed.
 */
public abstract class SettingsProviderFactory implements BillingProviderFactory {
    private final String id;
    private final List<ProviderSetting> settings;

    /**
     * @param id the provider id
     * @param settings the settings the factory takes, in the order people should read them
     */
    protected SettingsProviderFactory(String id, List<ProviderSetting> settings) {
        this.id = Objects.requireNonNull(id, "id");
        this.settings = List.copyOf(settings);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final List<ProviderSetting> settings() {
        return settings;
    }

    /**
     * @throws dev.billing.core.ProviderConfigurationException naming the setting and what to fix when one is unknown
     *     or malformed
     */
    @Override
    public final BillingProvider create(Map<String, String> given) {
        return create(SettingValues.read(id, settings, given));
    }

    /**
     * @param values the settings given, each accepted by its declaration
     * @return the provider
     * @throws dev.billing.core.ProviderConfigurationException when a value the declarations cannot judge is wrong
     */
    protected abstract BillingProvider create(SettingValues values);
}
