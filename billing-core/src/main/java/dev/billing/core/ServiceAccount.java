package dev.billing.core;

import java.util.Map;
import java.util.Objects;

/**
 * A registered billing service account: the provider to ask, the credentials to ask with, and the
 * project its costs belong to.
 *
 * @param id the unique name
 * @param provider the provider's id
 * @param project the project the account's costs belong to
 * @param credentials the credentials; their values never appear in {@link #toString()}
 * @param labels free-form labels for the host application
 */
public record ServiceAccount(ServiceAccountId id, ProviderId provider, ProjectId project,
                             Credentials credentials, Map<String, String> labels) {

    /** Validates presence and copies the labels. */
    public ServiceAccount {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(credentials, "credentials");
        labels = Map.copyOf(labels);
    }

    /** @return the account's name, the value of its id */
    public String name() {
        return id.value();
    }
}
