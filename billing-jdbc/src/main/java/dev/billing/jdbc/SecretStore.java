package dev.billing.jdbc;

import dev.billing.core.ServiceAccountId;
import dev.billing.jdbc.internal.AesGcmSecretStore;

/**
 * Keeps credential values out of the database in plain text: the registry writes what
 * {@link #seal} returns and gives it back to {@link #open}. A host with a vault implements it to
 * store the value there and return a reference; {@link #aesGcm(byte[])} encrypts with a key the
 * host holds.
 */
public interface SecretStore {

    /**
     * @param key an AES key of 16, 24 or 32 bytes, kept by the host outside the database
     * @return a secret store that writes each value AES-GCM encrypted, with a random nonce, bound
     *     to its service account and field
     * @throws IllegalArgumentException when the key has another length
     */
    static SecretStore aesGcm(byte[] key) {
        return new AesGcmSecretStore(key);
    }

    /**
     * Rotating keys: seals with {@code current}, opens values sealed with it or with any of {@code previous}.
     * The registry seals a value opened with a previous key again with the current one when it next opens
     * it, and {@link JdbcCostStore#resealCredentials(SecretStore)} does so for every stored value at once;
     * then the previous keys can be dropped.
     *
     * <pre>{@code
     * SecretStore secrets = SecretStore.aesGcm(newKey, oldKey);
     * store.resealCredentials(secrets);      // every value now sealed with newKey
     * }</pre>
     *
     * @param current the key that seals, 16, 24 or 32 bytes
     * @param previous keys values may still be sealed with
     * @return the secret store
     * @throws IllegalArgumentException when a key has another length
     */
    static SecretStore aesGcm(byte[] current, byte[]... previous) {
        return new AesGcmSecretStore(current, previous);
    }

    /**
     * @param account the service account the value belongs to
     * @param field the credential field, for example {@code key}
     * @param value the value
     * @return what the database keeps instead of the value
     */
    String seal(ServiceAccountId account, String field, String value);

    /**
     * @param account the service account the value belongs to
     * @param field the credential field
     * @param sealed what {@link #seal} returned for them
     * @return the value
     * @throws dev.billing.core.BillingException when it cannot be opened (for example a wrong key);
     *     the message never holds the value
     */
    String open(ServiceAccountId account, String field, String sealed);

    /**
     * @param account the service account the value belongs to
     * @param field the credential field
     * @param sealed what {@link #seal} returned
     * @return whether the value is sealed the way {@link #seal} seals now (for keys: with the current key);
     *     {@code false} makes the registry seal it again. The default: always current
     */
    default boolean isCurrent(ServiceAccountId account, String field, String sealed) {
        return true;
    }
}
