package dev.billing.gcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.support.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A Google service-account key file ({@code "type": "service_account"}), parsed: the client e-mail,
 * the RSA private key (PKCS#8 PEM), its id, the key's project and its {@code token_uri}. The
 * private key never appears in {@link #toString()} or in a message.
 */
public final class ServiceAccountKey implements GoogleCredential {
    /** Google's token endpoint, used when a key has no {@code token_uri}. */
    public static final URI DEFAULT_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String clientEmail;
    private final String privateKeyId;
    private final String projectId;
    private final URI tokenUri;
    private final PrivateKey privateKey;
    private final String pem;

    private ServiceAccountKey(String clientEmail, String privateKeyId, String projectId, URI tokenUri,
                              PrivateKey privateKey, String pem) {
        this.clientEmail = clientEmail;
        this.privateKeyId = privateKeyId;
        this.projectId = projectId;
        this.tokenUri = tokenUri;
        this.privateKey = privateKey;
        this.pem = pem;
    }

    /**
     * @param json the key file's text
     * @return the key
     * @throws IllegalArgumentException saying what is wrong, never quoting the key
     */
    public static ServiceAccountKey parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("is not JSON (a service-account key file's text is expected)");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("is not a JSON object (a service-account key file's text is expected)");
        }
        if (!"service_account".equals(text(root, "type"))) {
            throw new IllegalArgumentException("is not a service-account key: its \"type\" must be \"service_account\"");
        }
        String email = text(root, "client_email");
        if (email == null || !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new IllegalArgumentException("has no valid \"client_email\"");
        }
        String pem = text(root, "private_key");
        if (pem == null) {
            throw new IllegalArgumentException("has no \"private_key\"");
        }
        PrivateKey key = privateKey(pem);
        String tokenUriText = text(root, "token_uri");
        URI tokenUri;
        if (tokenUriText == null) {
            tokenUri = DEFAULT_TOKEN_URI;
        } else {
            try {
                tokenUri = new URI(tokenUriText.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("has a \"token_uri\" that is not a URL");
            }
            Optional<String> problem = Endpoints.problem(tokenUri);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("has a \"token_uri\" that " + problem.get() + " (got '" + tokenUriText
                        + "')");
            }
        }
        return new ServiceAccountKey(email, text(root, "private_key_id"), text(root, "project_id"), tokenUri, key, pem);
    }

    /**
     * @param json a credential value
     * @return whether {@link #parse} accepts it
     */
    public static boolean isValid(String json) {
        try {
            parse(json);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static PrivateKey privateKey(String pem) {
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        if (body.length() == pem.replaceAll("\\s", "").length()) {
            throw new IllegalArgumentException("has a \"private_key\" that is not a PKCS#8 PEM key"
                    + " (-----BEGIN PRIVATE KEY-----)");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // the JDK's message never quotes the key, but do not pass it on either
            throw new IllegalArgumentException("has a \"private_key\" that is not a readable RSA PKCS#8 key");
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || !n.isTextual() || n.asText().isBlank() ? null : n.asText();
    }

    /** @return the service account's e-mail, the JWT's {@code iss} */
    public String clientEmail() {
        return clientEmail;
    }

    /** @return the key's id (the JWT header's {@code kid}), or null */
    public String privateKeyId() {
        return privateKeyId;
    }

    /** @return the key's project, or null */
    public String projectId() {
        return projectId;
    }

    /** @return where the JWT is exchanged for an access token */
    public URI tokenUri() {
        return tokenUri;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** @return the PEM text, for scrubbing messages */
    String pem() {
        return pem;
    }

    @Override
    public String principal() {
        return clientEmail;
    }

    /** @return the PEM text, its lines and its base64 body: a server quoting part of the key quotes it as the file has it */
    @Override
    public List<String> secrets() {
        List<String> out = new ArrayList<>(List.of(pem, pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "")));
        for (String line : pem.split("\\R")) {
            if (line.length() >= 16 && !line.startsWith("-----")) {
                out.add(line.trim());
            }
        }
        return out;
    }

    /** @return the e-mail, key id and token URI; never the key */
    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + ", key id " + privateKeyId + ", " + tokenUri + "]";
    }
}
