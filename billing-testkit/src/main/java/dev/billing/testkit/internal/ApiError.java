package dev.billing.testkit.internal;

import dev.billing.testkit.Fault;
import java.util.Map;

/**
 * An answer of the HyperBilling APIs (v1 search and summary) that is not their data: a status, headers and the
 * {@code {"errorCode", "message"}} body (docs/hyperbilling.md, "Errors").
 */
final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    /** How the HyperBilling APIs answer faults. */
    static final FaultBook.Vendor<ApiError> VENDOR = new FaultBook.Vendor<>() {
        @Override
        public ApiError throttle(Fault.RetryAfter retryAfter) {
            return new ApiError(429, "THROTTLED", "too many requests; retry later",
                    Map.of("Retry-After", FaultBook.header(retryAfter)));
        }

        @Override
        public ApiError serverError(int status) {
            return new ApiError(status, "INTERNAL_ERROR", "temporary failure; retry later");
        }

        @Override
        public ApiError error(int status, String code, String message) {
            return new ApiError(status, code, message);
        }

        @Override
        public ApiError rejectedKey(String account) {
            return new ApiError(401, "UNAUTHORIZED", "the API key is not valid for account " + account);
        }
    };

    final int status;
    final String code;
    final transient Map<String, String> headers;

    ApiError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    ApiError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }
}
