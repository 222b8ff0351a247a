package dev.billing.azure;

import java.util.Locale;
import java.util.Optional;

/** Which costs the Query API sums: the request's {@code type}. */
public enum AzureCostType {
    /** {@code ActualCost}: charges as billed, purchases on the day they were made (the default). */
    ACTUAL_COST("ActualCost"),
    /** {@code AmortizedCost}: reservation and savings-plan purchases spread over their term. */
    AMORTIZED_COST("AmortizedCost");

    private final String wireName;

    AzureCostType(String wireName) {
        this.wireName = wireName;
    }

    /** @return the value sent as the query's {@code type}, for example {@code ActualCost} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param value {@code ActualCost} or {@code AmortizedCost}, any case
     * @return the cost type, if the value names one
     */
    public static Optional<AzureCostType> parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (AzureCostType t : values()) {
            if (t.wireName.toLowerCase(Locale.ROOT).equals(v)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
