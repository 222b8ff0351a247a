package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import dev.billing.core.ServiceAccountId;
import dev.billing.jdbc.SecretStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a random 96-bit nonce per value and the account and field as associated data, so a
 * sealed value cannot be moved to another account or field. Format: {@code aesgcm1:} then base64 of
 * nonce followed by ciphertext and tag. Keys rotate: values sealed with a previous key still open, and
 * {@link #isCurrent} tells the registry which ones to seal again with the current key.
 */
public final class AesGcmSecretStore implements SecretStore {
    private static final String PREFIX = "aesgcm1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final List<SecretKeySpec> previous;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key 16, 24 or 32 bytes: the current key, which seals
     * @param previousKeys keys values may still be sealed with, tried in order after the current one
     * @throws IllegalArgumentException when a key has another length
     */
    public AesGcmSecretStore(byte[] key, byte[]... previousKeys) {
        this.key = spec(key);
        List<SecretKeySpec> keys = new ArrayList<>();
        for (byte[] k : previousKeys) {
            keys.add(spec(k));
        }
        this.previous = List.copyOf(keys);
    }

    private static SecretKeySpec spec(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, this one has " + key.length);
        }
        return new SecretKeySpec(key.clone(), "AES");
    }

    @Override
    public boolean isCurrent(ServiceAccountId account, String field, String sealed) {
        return tryOpen(key, account, field, sealed) != null;
    }

    @Override
    public String seal(ServiceAccountId account, String field, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(key, Cipher.ENCRYPT_MODE, nonce, account, field);
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new BillingException("cannot encrypt credential '" + field + "' of service account '" + account
                    + "': " + e.getClass().getSimpleName(), account.value(), false, null);
        }
    }

    @Override
    public String open(ServiceAccountId account, String field, String sealed) {
        String value = tryOpen(key, account, field, sealed);
        for (int i = 0; value == null && i < previous.size(); i++) {
            value = tryOpen(previous.get(i), account, field, sealed);
        }
        if (value == null) {
            throw new BillingException("cannot decrypt credential '" + field + "' of service account '" + account
                    + "': wrong key, or the stored value was changed; give SecretStore.aesGcm the key it was sealed"
                    + " with (as a previous key while rotating), or remove the account and register it again with its"
                    + " credentials", account.value(), false, null);
        }
        return value;
    }

    /** @return the value, or {@code null} when {@code k} does not open it */
    private static String tryOpen(SecretKeySpec k, ServiceAccountId account, String field, String sealed) {
        try {
            if (!sealed.startsWith(PREFIX)) {
                return null;
            }
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (bytes.length <= NONCE_BYTES) {
                return null;
            }
            Cipher cipher = cipher(k, Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(bytes, NONCE_BYTES), account, field);
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Cipher cipher(SecretKeySpec k, int mode, byte[] nonce, ServiceAccountId account, String field)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, k, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((account.value() + "\n" + field).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
