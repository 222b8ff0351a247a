package dev.billing.benchmarks;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** Checks, before anything is timed, that every contender computed the same exact sums. */
final class Agreement {
    private Agreement() {
    }

    /**
     * @param what the benchmark
     * @param reference the first contender's name and cells
     * @param others the other contenders' names and cells
     * @throws IllegalStateException naming the first contender and cell that differ
     */
    static void check(String what, Map.Entry<String, Map<String, BigDecimal>> reference,
                      Map<String, Map<String, BigDecimal>> others) {
        Map<String, BigDecimal> expected = normalized(reference.getValue());
        if (expected.isEmpty()) {
            throw new IllegalStateException(what + ": " + reference.getKey() + " computed no cells");
        }
        others.forEach((name, cells) -> {
            Map<String, BigDecimal> actual = normalized(cells);
            if (!actual.equals(expected)) {
                String differing = expected.keySet().stream()
                        .filter(k -> !expected.get(k).equals(actual.get(k))).findFirst()
                        .orElse(actual.keySet().stream().filter(k -> !expected.containsKey(k)).findFirst().orElse("?"));
                throw new IllegalStateException(what + ": " + name + " disagrees with " + reference.getKey()
                        + " (" + actual.size() + " vs " + expected.size() + " cells) at " + differing + ": "
                        + actual.get(differing) + " vs " + expected.get(differing));
            }
        });
    }

    private static Map<String, BigDecimal> normalized(Map<String, BigDecimal> cells) {
        Map<String, BigDecimal> out = new HashMap<>(cells.size() * 2);
        cells.forEach((k, v) -> out.put(k, v.signum() == 0 ? BigDecimal.ZERO : v.stripTrailingZeros()));
        return out;
    }
}
