package dev.billing.core;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
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

    /** @return whether the account's costs are in the report (for {@link Partial}: those of the months held) */
    default boolean contributed() {
        return code() != CoverageStatus.FAILED && code() != CoverageStatus.PENDING;
    }

    /**
     * The one rule for completeness: a report (or a project of it, a budget's status, an anomaly report) is
     * complete when every account in it is whole.
     *
     * @return whether all the account's costs of the period are in the report: OK or STALE, not FAILED,
     *     PENDING or PARTIAL
     */
    default boolean whole() {
        return contributed() && code() != CoverageStatus.PARTIAL;
    }

    /** @return why the account is not fully in the report, naming it and never a secret; {@code null} when it is */
    default String reason() {
        return null;
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

        @Override
        public String reason() {
            return error.getMessage();
        }
    }

    /** Its fetch had not answered when the report was due; it goes on in the background. */
    record Pending() implements AccountStatus {
        /** The only instance. */
        public static final Pending INSTANCE = new Pending();

        @Override
        public CoverageStatus code() {
            return CoverageStatus.PENDING;
        }

        @Override
        public String reason() {
            return "not answered yet: its costs are still being fetched";
        }
    }

    /**
     * Its costs are in the report for the months the cost store holds, but some months of the
     * report's period were never synced (or were being synced by another instance that did not finish):
     * the report is not complete.
     *
     * @param missingMonths the months of the period the store does not hold for the account, oldest first
     * @param asOf when its held data was last synced
     * @param reason names the missing months and the fix, for example
     *     {@code "service account 'web': 2026-01..2026-03 never synced into the cost store; a sync reaching back to
     *     2026-01 fills them"}
     */
    record Partial(List<YearMonth> missingMonths, Instant asOf, String reason) implements AccountStatus {
        /** Validates presence and copies the months. */
        public Partial {
            missingMonths = List.copyOf(missingMonths);
            if (missingMonths.isEmpty()) {
                throw new IllegalArgumentException("a partial account misses at least one month");
            }
            Objects.requireNonNull(asOf, "asOf");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public CoverageStatus code() {
            return CoverageStatus.PARTIAL;
        }
    }
}
