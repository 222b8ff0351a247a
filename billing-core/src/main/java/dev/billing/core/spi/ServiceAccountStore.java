package dev.billing.core.spi;

import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import java.util.List;
import java.util.Optional;

/**
 * Where the registry keeps service accounts. Implementations are thread-safe. The default keeps
 * them in memory; a persistent store must never write secret credential values in plain text.
 */
public interface ServiceAccountStore {

    /**
     * @param account the account to add
     * @return {@code false}, changing nothing, when an account with the same id is already kept
     */
    boolean insertIfAbsent(ServiceAccount account);

    /**
     * @param id an account id
     * @return the account, if kept
     */
    Optional<ServiceAccount> find(ServiceAccountId id);

    /** @return every account, in the order they were inserted */
    List<ServiceAccount> list();

    /**
     * @param id an account id
     * @return whether an account was removed
     */
    boolean remove(ServiceAccountId id);
}
