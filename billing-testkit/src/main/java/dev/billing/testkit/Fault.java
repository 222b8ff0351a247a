package dev.billing.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A misbehaviour a simulator shows for one account (an AWS account, a billing account, an Azure scope), like the
 * real service sometimes does. Every simulator of this kit takes these faults and answers them in its vendor's wire
 * format: {@link HyperBillingSimulator}, {@link HyperBillingSummarySimulator}, {@link AwsCostExplorerSimulator},
 * {@link AzureCostManagementSimulator} and {@link BigQueryBillingExportSimulator} (and {@link FakeBillingProvider},
 * without HTTP).
 *
 * <p>{@link Counted} faults apply to that many requests naming the account (each page is a request), in the order
 * they were added, then the account behaves normally again. The others apply to every request while they are set:
 * {@link Hang}, {@link RejectedKey} and the data faults. {@code clearFaults()} removes them all and releases hanging
 * and delayed requests.
 *
 * <p>Every simulator takes the wire faults ({@link Throttle}, {@link ServerError}, {@link Error}, {@link Delay},
 * {@link Hang}, {@link Disconnect}, {@link TruncatedBody}, {@link MalformedBody}, {@link RejectedKey}); the data
 * faults are those of the simulators that name them in their documentation, and the others refuse them with
 * {@link IllegalArgumentException}.
 */
public sealed interface Fault {

    /**
     * @param times how many requests are throttled
     * @return the vendor's throttling answer, asking for no wait
     */
    static Fault throttle(int times) {
        return throttle(times, Duration.ZERO);
    }

    /**
     * @param times how many requests are throttled
     * @param retryAfter the wait announced, whole seconds ({@code Retry-After: 2})
     * @return the vendor's throttling answer
     */
    static Fault throttle(int times, Duration retryAfter) {
        return new Throttle(times, RetryAfter.after(retryAfter));
    }

    /**
     * @param times how many requests are throttled
     * @param retryAt the moment announced, as an HTTP date ({@code Retry-After: Wed, 21 Jan 2026 07:28:00 GMT})
     * @return the vendor's throttling answer
     */
    static Fault throttle(int times, Instant retryAt) {
        return new Throttle(times, RetryAfter.at(retryAt));
    }

    /**
     * @param times how many requests fail
     * @param status a 5xx status such as 500 or 503
     * @return the vendor's transient server error with that status
     */
    static Fault serverError(int times, int status) {
        return new ServerError(times, status);
    }

    /**
     * @param times how many requests are answered
     * @param status the HTTP status, for example 400
     * @param code the vendor's error code, for example {@code AccessDeniedException} or {@code invalidQuery}
     * @param message the message
     * @return the vendor's error body carrying that code, with that status
     */
    static Fault error(int times, int status, String code, String message) {
        return new Error(times, status, code, message);
    }

    /**
     * @param times how many requests are delayed
     * @param delay how long each waits before it is answered normally
     * @return the fault
     */
    static Fault delay(int times, Duration delay) {
        return new Delay(times, delay);
    }

    /** @return the fault: the account's requests are not answered until the faults are cleared or the simulator closes */
    static Fault hang() {
        return new Hang();
    }

    /**
     * @param times how many requests lose their connection
     * @return the fault: the connection is closed before any answer
     */
    static Fault disconnect(int times) {
        return new Disconnect(times);
    }

    /**
     * @param times how many answers are cut
     * @return the fault: the normal answer's headers (its full {@code Content-Length}), half its body, then the
     *     connection is closed
     */
    static Fault truncatedBody(int times) {
        return new TruncatedBody(times);
    }

    /**
     * @param times how many answers are spoilt
     * @return the fault: the normal answer's status and length, its body's second half replaced by {@code #}
     */
    static Fault malformedBody(int times) {
        return new MalformedBody(times);
    }

    /** @return the fault: every request about the account is refused as with a revoked key */
    static Fault rejectedKey() {
        return new RejectedKey();
    }

    /**
     * @return the data fault: every answer for the account also carries rows dated just outside the requested
     *     period (HyperBilling: the day or month before {@code Start}, and {@code End}'s; Azure: the day after the
     *     asked period)
     */
    static Fault rowsOutsidePeriod() {
        return new RowsOutsidePeriod();
    }

    /**
     * @return the HyperBilling data fault: every billing answer for the account also carries a row dated on the
     *     request's {@code Start} whose {@code USAGE_COST} is {@code null}, as the real service sends for some
     *     rows; clients count it as zero, so totals are unchanged
     */
    static Fault nullCosts() {
        return new NullCosts();
    }

    /**
     * @return the summary data fault: every answer also carries the previous month's item of the asked kind, and a
     *     row whose {@code invoice_month} is the previous month inside the asked month's item
     */
    static Fault rowsOfAnotherMonth() {
        return new RowsOfAnotherMonth();
    }

    /** @return the summary data fault: every answer also carries items of kinds that were not asked for */
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

    /** A fault that applies to a number of requests, then is spent. */
    sealed interface Counted extends Fault permits Throttle, ServerError, Error, Delay, Disconnect, TruncatedBody,
            MalformedBody {
        /** @return how many requests it applies to, at least 1 */
        int times();
    }

    /**
     * The wait a throttling answer announces: a delay in whole seconds, or an HTTP date. Vendors whose throttling
     * answers carry no such header (AWS Cost Explorer) leave it out.
     */
    sealed interface RetryAfter {
        /**
         * @param delay the wait, whole seconds, not negative
         * @return {@code Retry-After: <seconds>}
         */
        static RetryAfter after(Duration delay) {
            return new After(delay);
        }

        /**
         * @param moment the moment
         * @return {@code Retry-After: <HTTP date>}
         */
        static RetryAfter at(Instant moment) {
            return new At(moment);
        }

        /** @param delay the wait, not negative */
        record After(Duration delay) implements RetryAfter {
            /** Validates the delay. */
            public After {
                Objects.requireNonNull(delay, "delay");
                if (delay.isNegative()) {
                    throw new IllegalArgumentException("retryAfter must not be negative");
                }
            }
        }

        /** @param moment the moment, sent as an HTTP date (whole seconds) */
        record At(Instant moment) implements RetryAfter {
            /** Validates presence. */
            public At {
                Objects.requireNonNull(moment, "moment");
            }
        }
    }

    /**
     * The vendor's throttling answer ({@code 429}, or AWS's {@code 400 LimitExceededException}), {@code times} times.
     *
     * @param times how many requests are throttled, at least 1
     * @param retryAfter the wait announced
     */
    record Throttle(int times, RetryAfter retryAfter) implements Counted {
        /** Validates the count and the wait. */
        public Throttle {
            requirePositive(times);
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * A transient server error in the vendor's error body, {@code times} times.
     *
     * @param times how many requests fail, at least 1
     * @param status the HTTP status, 500 to 599
     */
    record ServerError(int times, int status) implements Counted {
        /** Validates the count and the status. */
        public ServerError {
            requirePositive(times);
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("status must be a 5xx status, got " + status);
            }
        }
    }

    /**
     * An error answer: the vendor's error body carrying {@code code} and {@code message}, with {@code status}.
     *
     * @param times how many requests are answered, at least 1
     * @param status the HTTP status, 400 to 599
     * @param code the vendor's error code (AWS {@code __type}, Azure {@code error.code}, BigQuery {@code reason},
     *     HyperBilling {@code errorCode})
     * @param message the message
     */
    record Error(int times, int status, String code, String message) implements Counted {
        /** Validates. */
        public Error {
            requirePositive(times);
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be a 4xx or 5xx status, got " + status);
            }
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Requests answered normally after a wait (cut short when the faults are cleared or the simulator closes).
     *
     * @param times how many requests, at least 1
     * @param delay the wait, positive
     */
    record Delay(int times, Duration delay) implements Counted {
        /** Validates. */
        public Delay {
            requirePositive(times);
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("delay must be positive");
            }
        }
    }

    /**
     * Requests are not answered until the faults are cleared or the simulator closes (at most 10 minutes); then they
     * get the vendor's {@code 503}. For testing timeouts and cancellation.
     */
    record Hang() implements Fault {
    }

    /**
     * The connection is closed before any answer, as when a proxy or the service drops it.
     *
     * @param times how many requests, at least 1
     */
    record Disconnect(int times) implements Counted {
        /** Validates the count. */
        public Disconnect {
            requirePositive(times);
        }
    }

    /**
     * The normal answer announces its whole length, sends half of its body, and the connection is closed.
     *
     * @param times how many answers, at least 1
     */
    record TruncatedBody(int times) implements Counted {
        /** Validates the count. */
        public TruncatedBody {
            requirePositive(times);
        }
    }

    /**
     * The normal answer's status and length, the second half of its body replaced by {@code #}: a body that does
     * not parse.
     *
     * @param times how many answers, at least 1
     */
    record MalformedBody(int times) implements Counted {
        /** Validates the count. */
        public MalformedBody {
            requirePositive(times);
        }
    }

    /** The key is refused for every request about the account, as the vendor refuses a revoked key. */
    record RejectedKey() implements Fault {
    }

    /** Answers carry extra rows dated outside the requested period. */
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
