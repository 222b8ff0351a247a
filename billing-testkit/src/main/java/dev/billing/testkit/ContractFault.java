package dev.billing.testkit;

/** A fault {@link ProviderContract} asks a provider's simulator to inject for one account. */
public sealed interface ContractFault {

    /**
     * Answer the account's next {@code times} cost requests with the vendor's throttling response
     * (with its retry header asking for no or a very short wait).
     *
     * @param times how many requests, at least 1
     */
    record Throttle(int times) implements ContractFault {
        /** Validates the count. */
        public Throttle {
            if (times < 1) {
                throw new IllegalArgumentException("times must be at least 1, got " + times);
            }
        }
    }

    /**
     * Answer the account's next {@code times} cost requests with a transient server error (a 5xx).
     *
     * @param times how many requests, at least 1
     */
    record ServerError(int times) implements ContractFault {
        /** Validates the count. */
        public ServerError {
            if (times < 1) {
                throw new IllegalArgumentException("times must be at least 1, got " + times);
            }
        }
    }

    /** Never answer the account's cost requests (until the simulator closes, or at least 20 seconds). */
    record Hang() implements ContractFault {
    }
}
