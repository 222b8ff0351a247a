package dev.billing.core;

import java.time.Instant;
import java.util.Objects;

/**
 * How one service account contributed to a report: a closed family a host can branch on.
 *
 * <pre>{@code
 * if (coverage.status() instanceof AccountStatus.Failed failed && failed.error().retryable()) {
 *     retryLater(coverage.name());
 * }
 * }</pre>
 */
public sealed interface AccountStatus {

    /** @return the status's code, as the CLI and JSON write it */
    CoverageStatus code();

    /** @return whether the account's costs are in the report */
    default boolean contributed() {
        return code() != CoverageStatus.FAILED;
    }

    /** Its costs are in the report. */
    record Ok() implements AccountStatus {
        /** The one value. */
        public static final Ok INSTANCE = new Ok();

        @Override
        public CoverageStatus code() {
            return CoverageStatus.OK;
        }
    }

    /**
     * Its costs are in the report, but its data is older than allowed.
     *
     * @param asOf when its data was fetched
     */
    record Stale(Instant asOf) implements AccountStatus {
        /** Validates presence. */
        public Stale {
            Objects.requireNonNull(asOf, "asOf");
        }

        @Override
        public CoverageStatus code() {
            return CoverageStatus.STALE;
        }
    }

    /**
     * Its costs are missing from the report, whole.
     *
     * @param error why: its type, {@link BillingException#retryable()}, {@link BillingException#statusCode()},
     *     and for a {@link RateLimitedException} {@link RateLimitedException#retryAfter()}
     */
    record Failed(BillingException error) implements AccountStatus {
        /** Validates presence. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public CoverageStatus code() {
            return CoverageStatus.FAILED;
        }
    }
}
