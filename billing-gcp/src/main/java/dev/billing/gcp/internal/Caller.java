package dev.billing.gcp.internal;

import java.util.List;
import dev.billing.core.spi.Cancellation;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * One service account's request context: its name (in every message), its credential, what to
 * query, and the secrets that must never leave it (the key's text, the private key, client secrets,
 * refresh and subject tokens, the access tokens obtained), which {@link #scrub} removes from any text
 * that goes into a message.
 */
final class Caller {
    private static final Pattern GOOGLE_TOKEN = Pattern.compile("ya29\\.[A-Za-z0-9._-]+");
    private static final Pattern LONG_SECRET_LIKE = Pattern.compile("[A-Za-z0-9+/_-]{64,}={0,2}");
    private final String serviceAccount;
    private final GoogleCredential credential;
    private final String source;
    private final String table;
    private final String billingAccount;
    private final String project;
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final Cancellation cancellation;
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

    /**
     * @param credential where the access tokens come from
     * @param source where the credential was found, for messages: {@code the credential 'serviceAccountKey'}, or
     *     an Application Default Credentials location
     * @param credentialText the credential's text (a key file's JSON), or null; scrubbed like the credential's secrets
     */
    Caller(String serviceAccount, GoogleCredential credential, String source, String credentialText, String table,
           String billingAccount, String project, Cancellation cancellation) {
        this.serviceAccount = serviceAccount;
        this.cancellation = cancellation;
        cancellation.onCancel(() -> cancelled.complete(null));
        this.credential = credential;
        this.source = source;
        this.table = table;
        this.billingAccount = billingAccount;
        this.project = project;
        secret(credentialText);
        credential.secrets().forEach(this::secret);
    }

    /** @return the fetch's cancellation */
    Cancellation cancellation() {
        return cancellation;
    }

    /** @return completes when the fetch is cancelled */
    CompletableFuture<Void> cancelled() {
        return cancelled;
    }

    /** @throws dev.billing.core.FetchCancelledException when the fetch is cancelled */
    void throwIfCancelled() {
        cancellation.throwIfCancelled(serviceAccount);
    }

    String serviceAccount() {
        return serviceAccount;
    }

    GoogleCredential credential() {
        return credential;
    }

    /** @return where the credential was found, for messages */
    String source() {
        return source;
    }

    /** @return the validated {@code project.dataset.table} */
    String table() {
        return table;
    }

    /** @return the billing account to keep, {@code ""} for all */
    String billingAccount() {
        return billingAccount;
    }

    /** @return the GCP project to keep, {@code ""} for all */
    String project() {
        return project;
    }

    /** @param value a secret to scrub from messages from now on */
    void secret(String value) {
        if (value != null && value.length() >= 8 && !secrets.contains(value)) {
            secrets.add(value);
        }
    }

    /**
     * @param text text from a server or an exception, about to go into a message or a log line
     * @return the text with every secret replaced by {@code ***}
     */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        // Google access tokens (ya29.) and any long base64 run (a key or JWT fragment) this caller never saw
        return LONG_SECRET_LIKE.matcher(GOOGLE_TOKEN.matcher(out).replaceAll("***")).replaceAll("***");
    }

    @Override
    public String toString() {
        return "Caller[" + serviceAccount + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caller c && c.serviceAccount.equals(serviceAccount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serviceAccount);
    }
}
