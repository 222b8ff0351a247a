package dev.billing.core;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A spending limit: for every calendar month (UTC), at most {@code amount} may be spent in {@code scope}, and
 * the {@code thresholds} say when to be told (at 80 % of actual spend, at 100 % of the month-end forecast...).
 *
 * <pre>{@code
 * Budget web = new Budget("web-monthly", Budget.Scope.project("project-web"), Money.of("5000", "USD"),
 *         Budget.Period.MONTHLY, List.of(Budget.Threshold.actual(80), Budget.Threshold.forecast(100)));
 * }</pre>
 *
 * @param name a unique name, such as {@code web-monthly}; alerts are remembered under it
 * @param scope what it covers: the domain, a project, a service account or the line items with a tag value
 * @param amount the limit, positive; costs in other currencies count once converted into its currency
 * @param period how often it starts again: {@link Period#MONTHLY}
 * @param thresholds when to be told; each once per month
 */
public record Budget(String name, Scope scope, Money amount, Period period, List<Threshold> thresholds) {

    /**
     * Validates the budget and copies the thresholds.
     *
     * @throws InvalidRequestException when the name is blank, the amount not positive or a threshold repeats
     */
    public Budget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(period, "period");
        thresholds = List.copyOf(thresholds);
        if (name.isBlank()) {
            throw new InvalidRequestException("a budget needs a name");
        }
        if (amount.amount().signum() <= 0) {
            throw new InvalidRequestException("budget '" + name + "': amount " + amount + " must be positive");
        }
        Set<Threshold> seen = new HashSet<>();
        for (Threshold t : thresholds) {
            if (!seen.add(new Threshold(t.percent().stripTrailingZeros(), t.forecast()))) {
                throw new InvalidRequestException("budget '" + name + "': threshold " + t + " is given twice");
            }
        }
    }

    /** How often a budget starts again. */
    public enum Period {
        /** Every calendar month, UTC. */
        MONTHLY
    }

    /** What a budget covers. */
    public sealed interface Scope permits Scope.Domain, Scope.Project, Scope.ServiceAccount, Scope.Tag {

        /** @return every service account */
        static Scope domain() {
            return new Domain();
        }

        /**
         * @param project a project id
         * @return that project's service accounts
         */
        static Scope project(String project) {
            return new Project(ProjectId.of(project));
        }

        /**
         * @param name a service account's name
         * @return that service account
         */
        static Scope serviceAccount(String name) {
            return new ServiceAccount(ServiceAccountId.of(name));
        }

        /**
         * @param key a tag key (read through the {@link TagAliases} of the report)
         * @param value its value; {@code ""} for the line items without the tag
         * @return the line items of every service account with that tag value
         */
        static Scope tag(String key, String value) {
            return new Tag(new Dimension.Tag(key), value);
        }

        /** Every service account. */
        record Domain() implements Scope {
            @Override
            public String toString() {
                return "domain";
            }
        }

        /**
         * One project's service accounts.
         *
         * @param project the project
         */
        record Project(ProjectId project) implements Scope {
            /** Validates presence. */
            public Project {
                Objects.requireNonNull(project, "project");
            }

            @Override
            public String toString() {
                return "project " + project.value();
            }
        }

        /**
         * One service account.
         *
         * @param serviceAccount its id (its name)
         */
        record ServiceAccount(ServiceAccountId serviceAccount) implements Scope {
            /** Validates presence. */
            public ServiceAccount {
                Objects.requireNonNull(serviceAccount, "serviceAccount");
            }

            @Override
            public String toString() {
                return "serviceAccount " + serviceAccount.value();
            }
        }

        /**
         * The line items of every service account with one tag value.
         *
         * @param tag the tag dimension
         * @param value its value; {@code ""} for the line items without the tag
         */
        record Tag(Dimension.Tag tag, String value) implements Scope {
            /** Validates presence. */
            public Tag {
                Objects.requireNonNull(tag, "tag");
                Objects.requireNonNull(value, "value");
            }

            @Override
            public String toString() {
                return tag.key() + "=" + value;
            }
        }
    }

    /**
     * A point to be told about: {@code percent} of the budget's amount reached by the month's actual spend, or,
     * when {@code forecast}, by its month-end forecast.
     *
     * @param percent a positive percentage of the amount, such as {@code 80}
     * @param forecast whether the forecast (true) or the actual spend (false) is compared
     */
    public record Threshold(BigDecimal percent, boolean forecast) {
        /**
         * Validates the percentage.
         *
         * @throws InvalidRequestException when it is not positive
         */
        public Threshold {
            Objects.requireNonNull(percent, "percent");
            if (percent.signum() <= 0) {
                throw new InvalidRequestException("a budget threshold must be a positive percentage, got "
                        + percent.toPlainString());
            }
        }

        /**
         * @param percent a positive percentage
         * @return the threshold on actual spend
         */
        public static Threshold actual(long percent) {
            return new Threshold(BigDecimal.valueOf(percent), false);
        }

        /**
         * @param percent a positive percentage
         * @return the threshold on the month-end forecast
         */
        public static Threshold forecast(long percent) {
            return new Threshold(BigDecimal.valueOf(percent), true);
        }

        /**
         * @param value the spend or forecast compared
         * @param limit the budget's amount
         * @return whether {@code value} reaches this percentage of {@code limit}
         */
        public boolean reachedBy(BigDecimal value, BigDecimal limit) {
            return value.multiply(BigDecimal.valueOf(100)).compareTo(limit.multiply(percent)) >= 0;
        }

        @Override
        public String toString() {
            return percent.stripTrailingZeros().toPlainString() + "%" + (forecast ? " of forecast" : "");
        }
    }
}
