package dev.billing.aws;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which Cost Explorer cost metric a fetch reads ({@code Metrics} of {@code GetCostAndUsage}). */
public enum CostMetric {
    /** {@code UnblendedCost}: what each account was charged (the default). */
    UNBLENDED_COST("UnblendedCost"),
    /** {@code AmortizedCost}: upfront and recurring reservation fees spread over the usage they cover. */
    AMORTIZED_COST("AmortizedCost"),
    /** {@code NetUnblendedCost}: unblended cost after discounts. */
    NET_UNBLENDED_COST("NetUnblendedCost"),
    /** {@code NetAmortizedCost}: amortized cost after discounts. */
    NET_AMORTIZED_COST("NetAmortizedCost"),
    /** {@code BlendedCost}: the organisation's average rates. */
    BLENDED_COST("BlendedCost");

    private final String wireName;

    CostMetric(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name Cost Explorer uses, for example {@code UnblendedCost} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name a wire name such as {@code AmortizedCost} (case-insensitive)
     * @return the metric, if there is one of that name
     */
    public static Optional<CostMetric> fromWireName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.wireName.toLowerCase(Locale.ROOT).equals(n)).findFirst();
    }
}
