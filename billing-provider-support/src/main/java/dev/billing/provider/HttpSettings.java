package dev.billing.provider;

import dev.billing.core.support.Arguments;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The settings every HTTP provider of the SDK takes, with the same defaults everywhere: each provider's
 * builder has {@code http(HttpSettings)}.
 *
 * <pre>{@code
 * HttpSettings http = HttpSettings.builder()
 *         .requestTimeout(Duration.ofSeconds(45))
 *         .retryPolicy(RetryPolicy.defaults().withMaxAttempts(3))
 *         .build();
 * }</pre>
 *
 * @param connectTimeout how long to wait for a connection (default 10 s)
 * @param requestTimeout how long to wait for each answer (default 30 s); a timed-out request is retried
 * @param retryPolicy how transient failures are retried (default {@link RetryPolicy#defaults()})
 * @param maxConcurrentRequests the most requests one provider has in flight at once (default 4)
 * @param clock what {@code Retry-After} dates (and, where a provider signs or caches tokens, their times) are
 *     compared with (default: the UTC system clock)
 * @param sleeper how the provider waits between attempts (default {@link Sleeper#system()}); tests inject one
 *     that records the waits instead of sleeping
 */
public record HttpSettings(Duration connectTimeout, Duration requestTimeout, RetryPolicy retryPolicy,
                           int maxConcurrentRequests, Clock clock, Sleeper sleeper) {

    /**
     * Validates the values.
     *
     * @throws NullPointerException when a value is null
     * @throws IllegalArgumentException when a timeout is not positive or {@code maxConcurrentRequests} is below 1
     */
    public HttpSettings {
        Arguments.positive(connectTimeout, "connectTimeout");
        Arguments.positive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Arguments.atLeastOne(maxConcurrentRequests, "maxConcurrentRequests");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
    }

    /** @return 10 s connect and 30 s request timeouts, {@link RetryPolicy#defaults()}, 4 requests at once, UTC */
    public static HttpSettings defaults() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        return new Builder().connectTimeout(connectTimeout).requestTimeout(requestTimeout).retryPolicy(retryPolicy)
                .maxConcurrentRequests(maxConcurrentRequests).clock(clock).sleeper(sleeper);
    }

    /** Waits between attempts. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * @param delay how long to wait, zero or more
         * @return completes when the wait is over; the provider cancels it when the fetch is cancelled
         */
        CompletableFuture<Void> sleep(Duration delay);

        /** @return waits on the JDK's shared timer, without holding a thread */
        static Sleeper system() {
            return SystemSleeper.INSTANCE;
        }
    }

    private enum SystemSleeper implements Sleeper {
        INSTANCE;

        @Override
        public CompletableFuture<Void> sleep(Duration delay) {
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, Runnable::run));
        }

        @Override
        public String toString() {
            return "Sleeper.system()";
        }
    }

    /** Builds {@link HttpSettings}; each setter checks its value. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private int maxConcurrentRequests = 4;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();

        private Builder() {
        }

        /**
         * @param timeout how long to wait for a connection
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Arguments.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout how long to wait for each answer
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Arguments.positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * @param policy how transient failures are retried
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param max the most requests in flight at once
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder maxConcurrentRequests(int max) {
            this.maxConcurrentRequests = Arguments.atLeastOne(max, "maxConcurrentRequests");
            return this;
        }

        /**
         * @param clock the clock {@code Retry-After} dates and token times are compared with
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param sleeper how to wait between attempts
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** @return the settings */
        public HttpSettings build() {
            return new HttpSettings(connectTimeout, requestTimeout, retryPolicy, maxConcurrentRequests, clock, sleeper);
        }
    }
}
