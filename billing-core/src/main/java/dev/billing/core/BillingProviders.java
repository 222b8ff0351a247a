package dev.billing.core;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.core.spi.ProviderSetting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enabled providers. Built by {@link Billing.Builder}: every provider installed on the
 * classpath is enabled, unless the host disables it; the host may also add providers itself.
 */
public final class BillingProviders {
    private static final Logger log = LoggerFactory.getLogger(BillingProviders.class);
    private final Map<String, BillingProvider> byId;
    /** Installed providers the host disabled and did not replace. */
    private final Set<String> disabledInstalled;
    /** The settings each installed provider declares. */
    private final Map<String, List<ProviderSetting>> declared;
    /** The providers this instance created (not the host's added ones): closed with it. */
    private final List<BillingProvider> created;

    private BillingProviders(Map<String, BillingProvider> byId, Set<String> disabledInstalled,
                             Map<String, List<ProviderSetting>> declared, List<BillingProvider> created) {
        this.byId = byId;
        this.disabledInstalled = disabledInstalled;
        this.declared = declared;
        this.created = created;
    }

    static BillingProviders create(ClassLoader loader, boolean discover, Map<String, Map<String, String>> settings,
                                   Set<String> disabled, List<BillingProvider> added) {
        Map<String, BillingProvider> found = new TreeMap<>();
        Set<String> disabledInstalled = new HashSet<>();
        Map<String, List<ProviderSetting>> declared = new HashMap<>();
        List<BillingProvider> created = new ArrayList<>();
        Map<String, BillingProviderFactory> factories = new TreeMap<>();
        if (discover) {
            try {
                for (BillingProviderFactory factory : ServiceLoader.load(BillingProviderFactory.class, loader)) {
                    BillingProviderFactory other = factories.putIfAbsent(factory.id(), factory);
                    if (other != null) {
                        throw new ProviderConfigurationException("two installed providers have the id '" + factory.id()
                                + "': " + origin(other) + " and " + origin(factory) + "; remove one jar from the"
                                + " classpath, or build with Billing.builder().discoverProviders(false).addProvider(...)"
                                + " to choose one");
                    }
                }
            } catch (ServiceConfigurationError e) {
                throw new ProviderConfigurationException("an installed provider could not be loaded: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause() + ")") + "; fix or remove the jar that"
                        + " installs it, or build with Billing.builder().discoverProviders(false)");
            }
        }
        for (String id : settings.keySet()) {
            if (!factories.containsKey(id)) {
                throw new ProviderConfigurationException("unknown provider '" + id + "': settings were given for it,"
                        + " but no installed provider has that id; installed providers: " + (factories.isEmpty() ? "none"
                        : String.join(", ", factories.keySet())));
            }
        }
        factories.forEach((id, factory) -> {
            List<ProviderSetting> schema = List.copyOf(factory.settings());
            declared.put(id, schema);
            if (disabled.contains(id)) {
                disabledInstalled.add(id);
            } else {
                Map<String, String> given = settings.getOrDefault(id, Map.of());
                ProviderSetting.check(id, schema, given);
                BillingProvider provider = factory.create(given);
                    if (!provider.id().value().equals(id)) {
                        throw new ProviderConfigurationException("factory " + origin(factory) + " has the id '" + id
                                + "' but created a provider with the id '" + provider.id() + "'; the factory's id()"
                                + " must be its provider's id");
                    }
                found.put(id, provider);
                created.add(provider);
            }
        });
        Set<String> addedIds = new HashSet<>();
        for (BillingProvider provider : added) {
            String id = provider.id().value();
            if (!addedIds.add(id)) {
                throw new ProviderConfigurationException("provider '" + id + "' is added twice; add one provider per id");
            }
            if (found.containsKey(id)) {
                throw new ProviderConfigurationException("provider '" + id + "' is added explicitly but is also installed"
                        + " on the classpath; call disableProvider(\"" + id + "\") first to replace the installed one");
            }
            found.put(id, provider);
        }
        disabledInstalled.removeAll(found.keySet());
        return new BillingProviders(new LinkedHashMap<>(found), Set.copyOf(disabledInstalled), Map.copyOf(declared),
                List.copyOf(created));
    }

    /**
     * @param id an installed provider's id
     * @return the settings it declares, in order; empty for a provider the host added or one that declares none
     */
    public List<ProviderSetting> settings(ProviderId id) {
        return declared.getOrDefault(id.value(), List.of());
    }

    /**
     * @param id an installed provider's id, as text (as a configuration file or a command line gives it)
     * @return the settings it declares, in order; empty for a provider the host added, one that declares none, or
     *     an id no installed provider has
     */
    public List<ProviderSetting> settings(String id) {
        return declared.getOrDefault(id, List.of());
    }

    /** Closes the providers this instance created; a failure to close one is logged and never stops the others. */
    void closeCreated() {
        for (BillingProvider p : created) {
            try {
                p.close();
            } catch (RuntimeException e) {
                log.warn("closing provider {} failed: {}", p.id(), e.toString());
            }
        }
    }

    private static String origin(BillingProviderFactory factory) {
        var source = factory.getClass().getProtectionDomain().getCodeSource();
        return factory.getClass().getName() + (source == null ? "" : " (" + source.getLocation() + ")");
    }

    /**
     * @param id a provider id
     * @return the enabled provider
     * @throws ProviderNotEnabledException naming the enabled providers and how to enable this one
     */
    public BillingProvider get(ProviderId id) {
        return get(id.value());
    }

    /**
     * @param id a provider id
     * @return the enabled provider, if any
     */
    public Optional<BillingProvider> find(ProviderId id) {
        return find(id.value());
    }

    /**
     * @param id a provider id, as text (as a configuration file or a command line gives it)
     * @return the enabled provider
     * @throws ProviderNotEnabledException naming the enabled providers and how to enable this one
     */
    public BillingProvider get(String id) {
        return find(id).orElseThrow(() -> new ProviderNotEnabledException(id, ids(),
                id != null && disabledInstalled.contains(id)));
    }

    /**
     * @param id a provider id, as text
     * @return the enabled provider, if any
     */
    public Optional<BillingProvider> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** @return the enabled providers, sorted by id */
    public List<BillingProvider> list() {
        return List.copyOf(byId.values());
    }

    /** @return the ids of the enabled providers, sorted */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }
}
