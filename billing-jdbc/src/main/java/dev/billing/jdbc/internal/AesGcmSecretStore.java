package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import dev.billing.core.ServiceAccountId;
import dev.billing.jdbc.SecretStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a random 96-bit nonce per value and the account and field as associated data, so a
 * sealed value cannot be moved to another account or field. Format: {@code aesgcm1:} then base64 of
 * nonce followed by ciphertext and tag.
 */
public final class AesGcmSecretStore implements SecretStore {
    private static final String PREFIX = "aesgcm1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key 16, 24 or 32 bytes
     * @throws IllegalArgumentException when the key has another length
     */
    public AesGcmSecretStore(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, this one has " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    @Override
    public String seal(ServiceAccountId account, String field, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, account, field);
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new BillingException("cannot encrypt credential '" + field + "' of service account '" + account
                    + "': " + e.getClass().getSimpleName(), account.value(), -1, false, null);
        }
    }

    @Override
    public String open(ServiceAccountId account, String field, String sealed) {
        try {
            if (!sealed.startsWith(PREFIX)) {
                throw new IllegalArgumentException("not an aesgcm1 value");
            }
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(bytes, NONCE_BYTES), account, field);
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BillingException("cannot decrypt credential '" + field + "' of service account '" + account
                    + "': wrong key, or the stored value was changed", account.value(), -1, false, null);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, ServiceAccountId account, String field)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((account.value() + "\n" + field).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
