package dev.billing.core;

import dev.billing.core.spi.FetchStats;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether one service account contributed to a report, and if not, why.
 *
 * @param serviceAccount the account
 * @param provider its provider
 * @param project its project
 * @param status OK, FAILED or STALE
 * @param error why it failed, naming the account and never a secret; {@code null} unless FAILED
 * @param asOf when its data was fetched (or the fetch failed)
 * @param stats what the fetch did; {@link FetchStats#EMPTY} when it failed
 */
public record AccountCoverage(ServiceAccountId serviceAccount, ProviderId provider, ProjectId project,
                              CoverageStatus status, String error, Instant asOf, FetchStats stats) {

    /** Validates presence; an error is required exactly when the status is FAILED. */
    public AccountCoverage {
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(stats, "stats");
        if ((status == CoverageStatus.FAILED) != (error != null)) {
            throw new IllegalArgumentException("an error is given exactly when the status is FAILED");
        }
    }

    /** @return the account's name */
    public String name() {
        return serviceAccount.value();
    }
}
