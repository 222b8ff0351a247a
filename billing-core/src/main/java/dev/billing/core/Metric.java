package dev.billing.core;

import dev.billing.core.spi.Capability;
import java.util.Locale;
import java.util.Optional;

/** Which of a line item's costs a report sums. */
public enum Metric {
    /** What is invoiced (FOCUS {@code BilledCost}); every provider gives it. */
    BILLED(null),
    /**
     * Amortized, discounts applied (FOCUS {@code EffectiveCost}); only from providers that declare
     * {@link Capability#EFFECTIVE_COST}.
     */
    EFFECTIVE(Capability.EFFECTIVE_COST),
    /** At public prices (FOCUS {@code ListCost}); only from providers that declare {@link Capability#LIST_COST}. */
    LIST(Capability.LIST_COST);

    private final Capability needs;

    Metric(Capability needs) {
        this.needs = needs;
    }

    /**
     * @return the capability a provider declares when it gives this metric; empty for {@link #BILLED}, which
     *     every provider gives. An account whose provider lacks it is FAILED in a report of this metric, never
     *     reported with another metric's amounts.
     */
    public Optional<Capability> capability() {
        return Optional.ofNullable(needs);
    }

    /**
     * @param record a line item
     * @return its cost of this metric, or null when it has none (a list cost the provider did not give)
     */
    public Money of(CostRecord record) {
        return switch (this) {
            case BILLED -> record.billedCost();
            case EFFECTIVE -> record.effectiveCost();
            case LIST -> record.listCostOrNull();
        };
    }

    /** @return the name used in the CLI and JSON: {@code billed}, {@code effective} or {@code list} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param key {@code billed}, {@code effective} or {@code list}, in any case
     * @return the metric
     * @throws InvalidRequestException naming the valid keys when none matches
     */
    public static Metric parse(String key) {
        for (Metric m : values()) {
            if (m.name().equalsIgnoreCase(key)) {
                return m;
            }
        }
        throw new InvalidRequestException("unknown metric '" + key + "'; use one of billed, effective, list");
    }
}
