package dev.billing.gcp.internal;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a service account's access tokens come from: a service-account key (the credential
 * {@code serviceAccountKey}, or an Application Default Credentials file of type {@code service_account}),
 * or one of the other Application Default Credentials (see {@link DefaultCredentials}). None of them
 * shows a secret in {@code toString()}.
 */
sealed interface GoogleCredential permits ServiceAccountKey, GoogleCredential.AuthorizedUser,
        GoogleCredential.ExternalAccount, GoogleCredential.MetadataServer {

    /** @return who the tokens are for, for messages (an e-mail, or a description); never a secret */
    String principal();

    /** @return the project the credential names (a key's {@code project_id}, a file's {@code quota_project_id}), or null */
    String projectId();

    /** @return the texts to scrub from every message (keys, client secrets, refresh tokens) */
    List<String> secrets();

    /**
     * An {@code authorized_user} file, as {@code gcloud auth application-default login} writes it: a refresh
     * token exchanged at {@code token_uri} ({@code grant_type=refresh_token}, RFC 6749 section 6).
     *
     * @param clientId {@code client_id}
     * @param clientSecret {@code client_secret} (secret)
     * @param refreshToken {@code refresh_token} (secret)
     * @param tokenUri {@code token_uri}, default {@link ServiceAccountKey#DEFAULT_TOKEN_URI}
     * @param projectId {@code quota_project_id}, or null
     * @param account {@code account} (the user's e-mail), or null
     */
    record AuthorizedUser(String clientId, String clientSecret, String refreshToken, URI tokenUri, String projectId,
                          String account) implements GoogleCredential {
        /** Validates presence. */
        public AuthorizedUser {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(refreshToken, "refreshToken");
            Objects.requireNonNull(tokenUri, "tokenUri");
        }

        @Override
        public String principal() {
            return account == null ? "the gcloud user of client " + clientId : account;
        }

        @Override
        public List<String> secrets() {
            return List.of(clientSecret, refreshToken);
        }

        @Override
        public String toString() {
            return "AuthorizedUser[" + principal() + ", " + tokenUri + "]";
        }
    }

    /**
     * An {@code external_account} file (workload identity federation): a subject token read from a file or a
     * URL, exchanged at the Security Token Service ({@code token_url}) for a federated access token, which
     * {@code service_account_impersonation_url} (when present) exchanges for the service account's token.
     *
     * @param audience {@code audience}: the workload identity pool provider
     * @param subjectTokenType {@code subject_token_type}
     * @param tokenUrl {@code token_url}
     * @param impersonationUrl {@code service_account_impersonation_url}, or null
     * @param sourceFile {@code credential_source.file}, or null
     * @param sourceUrl {@code credential_source.url}, or null
     * @param sourceHeaders {@code credential_source.headers}
     * @param jsonField {@code credential_source.format.subject_token_field_name} when the format is {@code json},
     *     else null (the source's text is the token)
     * @param projectId {@code quota_project_id}, or null
     */
    record ExternalAccount(String audience, String subjectTokenType, URI tokenUrl, URI impersonationUrl,
                           String sourceFile, URI sourceUrl, Map<String, String> sourceHeaders, String jsonField,
                           String projectId) implements GoogleCredential {
        /** Validates presence: exactly one source. */
        public ExternalAccount {
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(subjectTokenType, "subjectTokenType");
            Objects.requireNonNull(tokenUrl, "tokenUrl");
            if ((sourceFile == null) == (sourceUrl == null)) {
                throw new IllegalArgumentException("exactly one of sourceFile and sourceUrl");
            }
            sourceHeaders = Map.copyOf(sourceHeaders);
        }

        @Override
        public String principal() {
            if (impersonationUrl != null) {
                String path = impersonationUrl.getPath();
                int at = path.lastIndexOf("/serviceAccounts/");
                int colon = path.lastIndexOf(':');
                if (at >= 0 && colon > at) {
                    return path.substring(at + "/serviceAccounts/".length(), colon);
                }
            }
            return "the federated identity of " + audience;
        }

        @Override
        public List<String> secrets() {
            return List.copyOf(sourceHeaders.values());
        }

        @Override
        public String toString() {
            return "ExternalAccount[" + audience + ", " + (sourceFile != null ? "file " + sourceFile : "url " + sourceUrl)
                    + (impersonationUrl == null ? "" : ", impersonating " + principal()) + "]";
        }
    }

    /**
     * The attached service account, whose tokens the metadata server hands out
     * ({@code GET http://{host}/computeMetadata/v1/instance/service-accounts/default/token}, header
     * {@code Metadata-Flavor: Google}).
     *
     * @param host the metadata server's host (and port): {@code metadata.google.internal}, or {@code GCE_METADATA_HOST}
     */
    record MetadataServer(String host) implements GoogleCredential {
        /** Validates presence. */
        public MetadataServer {
            Objects.requireNonNull(host, "host");
        }

        /** @return the token URL */
        URI tokenUrl() {
            return URI.create("http://" + host + "/computeMetadata/v1/instance/service-accounts/default/token");
        }

        /** @return the URL of the project id of the project the workload runs in */
        URI projectUrl() {
            return URI.create("http://" + host + "/computeMetadata/v1/project/project-id");
        }

        @Override
        public String principal() {
            return "the attached service account (metadata server " + host + ")";
        }

        @Override
        public String projectId() {
            return null;
        }

        @Override
        public List<String> secrets() {
            return List.of();
        }
    }
}
