package dev.billing.hyperbilling.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RS256 JSON Web Tokens, signed with the JDK's {@link Signature} ({@code SHA256withRSA}), and the
 * PEM PKCS#8 private keys they are signed with. No JWT library: the header is always
 * {@code {"alg":"RS256","typ":"JWT"}}.
 */
final class RsaJwt {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.UTF_8));
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private RsaJwt() {
    }

    /** Why a PEM text is not a usable PKCS#8 RSA private key; the text never appears in it. */
    static final class KeyProblem extends Exception {
        private static final long serialVersionUID = 1L;

        KeyProblem(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param pem the PEM text
     * @return whether it holds a {@code BEGIN PRIVATE KEY} block (PKCS#8), whatever its content
     */
    static boolean looksLikePkcs8(String pem) {
        Matcher m = PEM.matcher(pem);
        return m.find() && m.group(1).equals("PRIVATE KEY");
    }

    /**
     * @param pem a PEM {@code -----BEGIN PRIVATE KEY-----} block (PKCS#8, unencrypted, RSA)
     * @return the key
     * @throws KeyProblem saying what the text is instead: another PEM block, no PEM block at all, or
     *     an unreadable key
     */
    static PrivateKey privateKey(String pem) throws KeyProblem {
        // keys pasted into JSON often carry their line breaks as the two characters \n
        Matcher m = PEM.matcher(pem.replace("\\n", "\n"));
        if (!m.find()) {
            throw new KeyProblem("is not a PEM key: expected a '-----BEGIN PRIVATE KEY-----' block (PKCS#8)");
        }
        // the schema's rule (looksLikePkcs8) has already refused PKCS#1, public and encrypted keys with
        // the openssl line that converts them; this names the block for direct callers
        if (!m.group(1).equals("PRIVATE KEY")) {
            throw new KeyProblem("is a PEM '" + m.group(1) + "' block, expected '-----BEGIN PRIVATE KEY-----' (PKCS#8)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).trim());
        } catch (IllegalArgumentException e) {
            throw new KeyProblem("is not valid base64 inside its PEM block");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            // the JDK's DER parser throws unchecked exceptions for some corrupt keys
            throw new KeyProblem("is not a readable RSA private key (PKCS#8)");
        }
    }

    /**
     * @param key the RSA private key
     * @param subject the client e-mail: {@code iss}, {@code sub} and {@code email}
     * @param audience the endpoint's host name: {@code aud}
     * @param issuedAt {@code iat}, seconds since the epoch
     * @param expiresAt {@code exp}, seconds since the epoch
     * @return the signed token, {@code header.claims.signature}
     */
    static String sign(PrivateKey key, String subject, String audience, long issuedAt, long expiresAt) {
        ByteArrayOutputStream claims = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(claims)) {
            g.writeStartObject();
            g.writeStringField("iss", subject);
            g.writeStringField("sub", subject);
            g.writeStringField("email", subject);
            g.writeStringField("aud", audience);
            g.writeNumberField("iat", issuedAt);
            g.writeNumberField("exp", expiresAt);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String signingInput = HEADER + "." + URL.encodeToString(claims.toByteArray());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            // the message names the algorithm or key type, never the key material
            throw new IllegalStateException("cannot sign with SHA256withRSA: " + e.getClass().getSimpleName());
        }
    }
}
