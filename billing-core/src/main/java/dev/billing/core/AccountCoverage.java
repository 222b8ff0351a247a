package dev.billing.core;

import dev.billing.core.spi.FetchStats;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether one service account contributed to a report, and if not, why.
 *
 * @param serviceAccount the account
 * @param provider its provider
 * @param project its project
 * @param status OK, STALE or FAILED with the error
 * @param asOf when its data was fetched (or the fetch failed)
 * @param stats what the fetch did; {@link FetchStats#EMPTY} when it failed
 */
public record AccountCoverage(ServiceAccountId serviceAccount, ProviderId provider, ProjectId project,
                              AccountStatus status, Instant asOf, FetchStats stats) {

    /** Validates presence. */
    public AccountCoverage {
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(stats, "stats");
    }

    /** @return the account's name */
    public String name() {
        return serviceAccount.value();
    }

    /** @return the status's code: OK, STALE or FAILED */
    public CoverageStatus code() {
        return status.code();
    }

    /**
     * @param coverage accounts' coverage
     * @return whether every account is {@linkplain AccountStatus#whole() whole}
     */
    static boolean complete(List<AccountCoverage> coverage) {
        return coverage.stream().allMatch(c -> c.status().whole());
    }

    /** @return why the account failed, when it did */
    public Optional<BillingException> failure() {
        return status instanceof AccountStatus.Failed f ? Optional.of(f.error()) : Optional.empty();
    }

    /** @return why the account failed, naming it and never a secret; {@code null} unless FAILED */
    public String error() {
        return failure().map(Throwable::getMessage).orElse(null);
    }
}
