package dev.billing.core.spi;

import dev.billing.core.Money;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Compares totals per currency by value; a zero total counts as no total. */
final class Totals {
    private Totals() {
    }

    static boolean sameTotals(List<Money> a, List<Money> b) {
        return nonZero(a).equals(nonZero(b));
    }

    private static Set<Money> nonZero(List<Money> totals) {
        return totals.stream().filter(m -> !m.isZero()).collect(Collectors.toSet());
    }
}
