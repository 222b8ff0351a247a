package dev.billing.core.internal;

import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.ServiceAccountStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The default {@link ServiceAccountStore}: in memory, insertion-ordered, thread-safe. */
public final class InMemoryServiceAccountStore implements ServiceAccountStore {
    private final Map<ServiceAccountId, ServiceAccount> accounts = new LinkedHashMap<>();

    @Override
    public synchronized boolean insertIfAbsent(ServiceAccount account) {
        return accounts.putIfAbsent(account.id(), account) == null;
    }

    @Override
    public synchronized Optional<ServiceAccount> find(ServiceAccountId id) {
        return Optional.ofNullable(accounts.get(id));
    }

    @Override
    public synchronized List<ServiceAccount> list() {
        return List.copyOf(accounts.values());
    }

    @Override
    public synchronized boolean remove(ServiceAccountId id) {
        return accounts.remove(id) != null;
    }
}
