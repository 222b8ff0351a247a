package dev.billing.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour the {@link HyperBillingSimulator} (for one AWS account) or the
 * {@link HyperBillingSummarySimulator} (for one billing account id) shows, like the real service
 * sometimes does. Faults with a count apply to that many billing requests naming the account (each
 * page is a request), then the account behaves normally again. The last three faults are the
 * summary API's own; the AWS simulator ignores them.
 */
public sealed interface Fault {

    /**
     * @param times how many billing requests are answered {@code 429}
     * @param retryAfter the {@code Retry-After} sent, in whole seconds
     * @return the fault
     */
    static Fault throttle(int times, Duration retryAfter) {
        return new Throttle(times, retryAfter);
    }

    /**
     * @param times how many billing requests are answered with {@code status}
     * @param status a 5xx status such as 500 or 503
     * @return the fault
     */
    static Fault serverError(int times, int status) {
        return new ServerError(times, status);
    }

    /** @return the fault: every request about the account is answered {@code 401}, as for a revoked key */
    static Fault rejectedKey() {
        return new RejectedKey();
    }

    /**
     * @return the fault: every billing answer for the account also carries rows dated just
     *     outside the requested period (the day or month before {@code Start}, and {@code End}'s)
     */
    static Fault rowsOutsidePeriod() {
        return new RowsOutsidePeriod();
    }

    /**
     * @return the fault: every billing answer for the account also carries a row dated on the
     *     request's {@code Start} whose {@code USAGE_COST} is {@code null}, as the real service sends
     *     for some rows; clients count it as zero, so totals are unchanged
     */
    static Fault nullCosts() {
        return new NullCosts();
    }

    /**
     * @return the summary fault: every answer also carries the previous month's item of the asked
     *     kind, and a row whose {@code invoice_month} is the previous month inside the asked month's item
     */
    static Fault rowsOfAnotherMonth() {
        return new RowsOfAnotherMonth();
    }

    /** @return the summary fault: every answer also carries items of kinds that were not asked for */
    static Fault unaskedKinds() {
        return new UnaskedKinds();
    }

    /**
     * @param errorCode the {@code errorCode} sent
     * @return the summary fault: every request is answered {@code 200} with {@code {"errorCode", "message"}}
     */
    static Fault errorIn200(String errorCode) {
        return new ErrorIn200(errorCode);
    }

    /**
     * {@code 429 Too Many Requests} with {@code Retry-After}, {@code times} times.
     *
     * @param times how many requests are throttled, at least 1
     * @param retryAfter the delay announced, whole seconds, not negative
     */
    record Throttle(int times, Duration retryAfter) implements Fault {
        /** Validates the count and the delay. */
        public Throttle {
            requirePositive(times);
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative");
            }
        }
    }

    /**
     * A transient server error, {@code times} times.
     *
     * @param times how many requests fail, at least 1
     * @param status the HTTP status, 500 to 599
     */
    record ServerError(int times, int status) implements Fault {
        /** Validates the count and the status. */
        public ServerError {
            requirePositive(times);
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("status must be a 5xx status, got " + status);
            }
        }
    }

    /**
     * Cost requests for the account are never answered (each waits up to 30 seconds, or until the
     * simulator closes, then fails with 503): for testing timeouts and cancellation.
     *
     * @return the fault
     */
    static Fault hang() {
        return new Hang();
    }

    /** Cost requests for the account are not answered; see {@link #hang()}. */
    record Hang() implements Fault {
    }

    /** The API key is refused ({@code 401}) for every request about the account. */
    record RejectedKey() implements Fault {
    }

    /** Billing answers carry extra rows dated outside the requested period. */
    record RowsOutsidePeriod() implements Fault {
    }

    /** Billing answers carry an extra row with {@code USAGE_COST: null}, inside the requested period. */
    record NullCosts() implements Fault {
    }

    /** Summary answers carry the previous month's item and a row of the previous invoice month. */
    record RowsOfAnotherMonth() implements Fault {
    }

    /** Summary answers carry items of kinds that were not asked for. */
    record UnaskedKinds() implements Fault {
    }

    /**
     * Summary requests are answered {@code 200} with an error body.
     *
     * @param errorCode the {@code errorCode}, not blank
     */
    record ErrorIn200(String errorCode) implements Fault {
        /** Validates the code. */
        public ErrorIn200 {
            Objects.requireNonNull(errorCode, "errorCode");
            if (errorCode.isBlank()) {
                throw new IllegalArgumentException("errorCode must not be blank");
            }
        }
    }

    private static void requirePositive(int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
    }
}
