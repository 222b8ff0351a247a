package dev.billing.core;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an {@link Allocation} did to a report: its fingerprint, what moved (per rule or split, from which
 * project to which, per currency, the exact amount over the report's period, entries whose source and target
 * are the same left out), and which projects are incomplete because a failed account's costs could have reached
 * them under the allocation.
 *
 * @param fingerprint the allocation's {@link Allocation#fingerprint()}
 * @param moved what moved, sorted by {@code by}, {@code from}, {@code to}, then currency code
 * @param incompleteProjects every project a failed (or pending, or partly covered) account's costs could have
 *     reached: its own project, and any project a rule or split could route them to
 */
public record AllocationProvenance(String fingerprint, List<Move> moved, Set<ProjectId> incompleteProjects) {
    private static final Comparator<Move> ORDER = Comparator.comparing(Move::by)
            .thenComparing(Move::from).thenComparing(Move::to)
            .thenComparing(m -> m.currency().getCurrencyCode());

    /** Validates presence and sorts. */
    public AllocationProvenance {
        Objects.requireNonNull(fingerprint, "fingerprint");
        moved = moved.stream().sorted(ORDER).toList();
        incompleteProjects = java.util.Collections.unmodifiableSet(new TreeSet<>(incompleteProjects));
    }

    /**
     * One amount moved by a rule or split.
     *
     * @param by the rule's or split's name
     * @param from for a rule, the registered project of the line items it routed; for a split, its source project
     * @param to the project the costs went to
     * @param currency the currency
     * @param amount the exact total moved over the report's period
     */
    public record Move(String by, ProjectId from, ProjectId to, Currency currency, BigDecimal amount) {
        /** Validates presence. */
        public Move {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(amount, "amount");
        }

        /** Equal amounts are equal whatever their scale, as in {@link Money}: {@code 1.5} equals {@code 1.50}. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Move m && by.equals(m.by) && from.equals(m.from) && to.equals(m.to)
                    && currency.equals(m.currency) && amount.compareTo(m.amount) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(by, from, to, currency, amount.signum() == 0 ? BigDecimal.ZERO
                    : amount.stripTrailingZeros());
        }
    }
}
